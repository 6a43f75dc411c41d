// What key runs what: the default bindings (the workbench's commands, Monaco's editor actions) with the user's
// keybindings.json applied over them as VS Code does — an entry adds a binding that wins over the defaults, a
// `-command` entry removes the default binding of that command with that key (and that `when`, when it says one).
// Entries that cannot apply (an unparsable key, an unsupported `when`, an unknown command) are reported, not fatal.
import type { KeybindingEntry } from '@pa/shared';
import { type Keybinding, parseKeySequence, sameKeySequence } from '../workbench/keybinding';
import { normalizeWhen, parseWhen, type WhenExpr } from './when';

/** Default: the workbench's own binding; editor: Monaco's; user: keybindings.json. */
export type BindingSource = 'default' | 'editor' | 'user';

export interface BindingItem {
  command: string;
  keys: Keybinding[];
  /** The `when` clause as written (for an editor binding: Monaco's, which Monaco evaluates itself). */
  whenText: string | null;
  /** The parsed clause the workbench evaluates; null: applies everywhere (or, for an editor binding, in the editor). */
  when: WhenExpr | null;
  source: BindingSource;
  /** For a user binding: its entry as written, to find it again in the file. */
  entry?: KeybindingEntry;
}

export interface KeybindingProblem {
  /** 0-based position among the file's valid entries. */
  index: number;
  key: string;
  command: string;
  message: string;
}

export interface ResolvedKeybindings {
  /** Defaults that remain, then user bindings, in priority order (the last match wins). */
  items: BindingItem[];
  /** Defaults a `-command` entry took away (Monaco's are also taken out of Monaco). */
  removed: BindingItem[];
  problems: KeybindingProblem[];
}

/** Entries past this many are reported and ignored (a key press walks them all). */
export const MAX_USER_KEYBINDINGS = 2000;

export function resolveKeybindings(
  defaults: readonly BindingItem[],
  entries: readonly KeybindingEntry[],
  options: { isMac: boolean; isCommand(id: string): boolean },
): ResolvedKeybindings {
  let remaining = [...defaults];
  const removed: BindingItem[] = [];
  const user: BindingItem[] = [];
  const problems: KeybindingProblem[] = [];
  entries.forEach((entry, index) => {
    const report = (message: string) =>
      problems.push({ index, key: entry.key.slice(0, 100), command: entry.command.slice(0, 200), message });
    if (index >= MAX_USER_KEYBINDINGS) {
      if (index === MAX_USER_KEYBINDINGS) report(`Only the first ${MAX_USER_KEYBINDINGS} entries are applied.`);
      return;
    }
    let keys: Keybinding[];
    try {
      keys = parseKeySequence(entry.key, options.isMac);
    } catch (error) {
      report((error as Error).message);
      return;
    }
    if (entry.command.startsWith('-')) {
      const target = entry.command.slice(1);
      const matches = (item: BindingItem) =>
        item.command === target &&
        sameKeySequence(item.keys, keys) &&
        (entry.when === undefined || normalizeWhen(entry.when) === normalizeWhen(item.whenText));
      removed.push(...remaining.filter(matches));
      remaining = remaining.filter((item) => !matches(item));
      return;
    }
    if (!options.isCommand(entry.command)) {
      report(`There is no command "${entry.command.slice(0, 200)}"; the binding is not applied.`);
      return;
    }
    let when: WhenExpr | null = null;
    if (entry.when !== undefined && entry.when.trim() !== '') {
      try {
        when = parseWhen(entry.when);
      } catch (error) {
        report(`"when": ${(error as Error).message}; the binding is not applied.`);
        return;
      }
    }
    user.push({ command: entry.command, keys, whenText: entry.when ?? null, when, source: 'user', entry });
  });
  return { items: [...remaining, ...user], removed, problems };
}

/** The bindings of exactly this key sequence (what a new binding would conflict with). */
export function conflictsWith(items: readonly BindingItem[], keys: readonly Keybinding[]): BindingItem[] {
  return items.filter((item) => sameKeySequence(item.keys, keys));
}
