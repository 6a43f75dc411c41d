// The Keyboard Shortcuts editor's changes as new keybindings.json text, made the way VS Code makes them and keeping
// the file's comments and other entries (jsonc-parser's edits): changing a default binding adds the new binding and
// a `-command` removal of the old one; changing a user binding rewrites its "key"; removing a default adds a removal,
// removing a user binding deletes its entry; reset deletes every user entry of the command.
import type { KeybindingEntry } from '@pa/shared';
import {
  applyEdits,
  type FormattingOptions,
  getNodeValue,
  modify,
  type Node,
  type ParseError,
  parseTree,
} from 'jsonc-parser';
import { type Keybinding, userSettingsLabel } from '../workbench/keybinding';
import type { BindingItem } from './resolve';

const FORMAT: FormattingOptions = { insertSpaces: true, tabSize: 2, eol: '\n' };

/** The file's top-level array, or an Error saying why it cannot be edited safely. */
function entriesOf(text: string): Node | null {
  if (text.trim() === '') return null;
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0 || !tree)
    throw new Error('keybindings.json has syntax errors: fix them in the JSON view first.');
  if (tree.type !== 'array') throw new Error('keybindings.json is not a JSON array: fix it in the JSON view first.');
  return tree;
}

function finish(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

function append(text: string, entries: KeybindingEntry[]): string {
  let next = text.trim() === '' ? '[]' : text;
  for (const entry of entries) {
    const tree = entriesOf(next);
    const length = tree?.children?.length ?? 0;
    next = applyEdits(next, modify(next, [length], entry, { formattingOptions: FORMAT, isArrayInsertion: true }));
  }
  return finish(next);
}

function sameEntry(value: unknown, entry: KeybindingEntry): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return candidate.key === entry.key && candidate.command === entry.command && candidate.when === entry.when;
}

/** Deletes the array elements `matches` picks (last first, so earlier offsets stay right). */
function removeWhere(text: string, matches: (value: unknown) => boolean): string {
  const tree = entriesOf(text);
  if (!tree) return text;
  const indexes = (tree.children ?? []).flatMap((node, index) => (matches(getNodeValue(node)) ? [index] : []));
  let next = text;
  for (const index of indexes.reverse()) {
    next = applyEdits(next, modify(next, [index], undefined, { formattingOptions: FORMAT }));
  }
  return finish(next);
}

function entryFor(command: string, keys: readonly Keybinding[], isMac: boolean, when: string | null): KeybindingEntry {
  const entry: KeybindingEntry = { key: userSettingsLabel(keys, isMac), command };
  if (when) entry.when = when;
  return entry;
}

/** `item` bound to `keys` instead. */
export function changeKeybinding(text: string, item: BindingItem, keys: readonly Keybinding[], isMac: boolean): string {
  if (item.source === 'user' && item.entry) {
    const entry = item.entry;
    const tree = entriesOf(text);
    const index = (tree?.children ?? []).findIndex((node) => sameEntry(getNodeValue(node), entry));
    if (index >= 0) {
      const edits = modify(text, [index, 'key'], userSettingsLabel(keys, isMac), { formattingOptions: FORMAT });
      return finish(applyEdits(text, edits));
    }
  }
  const added = entryFor(item.command, keys, isMac, item.source === 'user' ? item.whenText : null);
  if (item.source === 'user') return append(text, [added]);
  return append(text, [added, entryFor(`-${item.command}`, item.keys, isMac, item.whenText)]);
}

/** A binding for a command that has none. */
export function addKeybinding(text: string, command: string, keys: readonly Keybinding[], isMac: boolean): string {
  return append(text, [entryFor(command, keys, isMac, null)]);
}

/** `item` no longer bound. */
export function removeKeybinding(text: string, item: BindingItem, isMac: boolean): string {
  if (item.source === 'user' && item.entry) {
    const entry = item.entry;
    return removeWhere(text, (value) => sameEntry(value, entry));
  }
  return append(text, [entryFor(`-${item.command}`, item.keys, isMac, item.whenText)]);
}

/** The command back to its defaults: every user entry adding or removing one of its bindings goes. */
export function resetKeybinding(text: string, command: string): string {
  return removeWhere(text, (value) => {
    const id = (value as { command?: unknown } | null)?.command;
    return id === command || id === `-${command}`;
  });
}
