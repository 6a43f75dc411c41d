// The Keyboard Shortcuts table's rows: one per binding (a command bound twice has two rows) and one for each command
// without a binding, ours and Monaco's editor actions alike, and the search over them — by title, command id or key
// (typed as 'ctrl+k', 'Ctrl+K' or recorded), case-insensitive, plain substring (no user regex).
import { formatKeySequence, type Keybinding, sameKeybinding, userSettingsLabel } from '../workbench/keybinding';
import { type BindingItem, conflictsWith } from './resolve';

export interface ShortcutRow {
  /** Stable for React: the command and the binding's position. */
  id: string;
  command: string;
  title: string;
  item: BindingItem | null;
  /** As this platform spells it ('Ctrl+K Ctrl+S'), '' without a binding. */
  keys: string;
  source: 'Default' | 'User' | '';
  when: string;
}

export interface RowSource {
  isMac: boolean;
  items: readonly BindingItem[];
  /** Every command with its title (ours, then Monaco's actions). */
  commands: ReadonlyArray<{ id: string; title: string }>;
}

export function shortcutRows(source: RowSource): ShortcutRow[] {
  const titles = new Map(source.commands.map((command) => [command.id, command.title]));
  const rows: ShortcutRow[] = [];
  const bound = new Set<string>();
  source.items.forEach((item, index) => {
    bound.add(item.command);
    rows.push({
      id: `${item.command}#${index}`,
      command: item.command,
      title: titles.get(item.command) ?? item.command,
      item,
      keys: formatKeySequence(item.keys, source.isMac),
      source: item.source === 'user' ? 'User' : 'Default',
      when: item.whenText ?? '',
    });
  });
  for (const [id, title] of titles) {
    if (!bound.has(id)) rows.push({ id, command: id, title, item: null, keys: '', source: '', when: '' });
  }
  return rows.sort((a, b) => a.title.localeCompare(b.title) || a.keys.localeCompare(b.keys));
}

/** Rows whose title, id or key has `query` in it; with `recorded`, rows whose binding starts with those strokes. */
export function searchRows(
  rows: readonly ShortcutRow[],
  query: string,
  isMac: boolean,
  recorded: readonly Keybinding[] | null = null,
): ShortcutRow[] {
  if (recorded && recorded.length > 0) {
    return rows.filter(
      (row) =>
        row.item !== null &&
        recorded.every((stroke, index) => {
          const own = row.item?.keys[index];
          return own !== undefined && sameKeybinding(own, stroke);
        }),
    );
  }
  const needle = query.trim().toLowerCase();
  if (needle === '') return [...rows];
  return rows.filter(
    (row) =>
      row.title.toLowerCase().includes(needle) ||
      row.command.toLowerCase().includes(needle) ||
      row.keys.toLowerCase().includes(needle) ||
      (row.item !== null && userSettingsLabel(row.item.keys, isMac).includes(needle)),
  );
}

/** What a new binding of `keys` for `command` would share its keys with (the command's own bindings left out). */
export function conflictsFor(
  items: readonly BindingItem[],
  keys: readonly Keybinding[],
  command: string,
): BindingItem[] {
  return conflictsWith(items, keys).filter((item) => item.command !== command);
}
