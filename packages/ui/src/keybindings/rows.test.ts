import { describe, expect, it } from 'vitest';
import { parseKeySequence } from '../workbench/keybinding';
import type { BindingItem } from './resolve';
import { conflictsFor, searchRows, shortcutRows } from './rows';

const item = (
  command: string,
  key: string,
  source: BindingItem['source'] = 'default',
  whenText: string | null = null,
) => ({ command, keys: parseKeySequence(key, false), whenText, when: null, source }) as BindingItem;
const items = [
  item('workbench.save', 'Mod+S'),
  item('workbench.openFolder', 'Mod+O'),
  item('workbench.openFolder', 'Mod+K Mod+O'),
  item('editor.action.formatDocument', 'Shift+Alt+F', 'editor', 'editorTextFocus'),
  item('workbench.quickOpen', 'ctrl+shift+alt+f', 'user'),
];
const rows = shortcutRows({
  isMac: false,
  items,
  commands: [
    { id: 'workbench.save', title: 'File: Save' },
    { id: 'workbench.openFolder', title: 'File: Open Folder…' },
    { id: 'workbench.quickOpen', title: 'Go to File…' },
    { id: 'workbench.toggleAutoSave', title: 'File: Toggle Auto Save' },
    { id: 'editor.action.formatDocument', title: 'Format Document' },
  ],
});

describe('Keyboard Shortcuts rows', () => {
  it('has a row per binding and one for each command without a binding, sorted by title', () => {
    expect(rows.map((row) => [row.title, row.keys, row.source, row.when])).toEqual([
      ['File: Open Folder…', 'Ctrl+K Ctrl+O', 'Default', ''],
      ['File: Open Folder…', 'Ctrl+O', 'Default', ''],
      ['File: Save', 'Ctrl+S', 'Default', ''],
      ['File: Toggle Auto Save', '', '', ''],
      ['Format Document', 'Shift+Alt+F', 'Default', 'editorTextFocus'],
      ['Go to File…', 'Ctrl+Shift+Alt+F', 'User', ''],
    ]);
  });

  it('searches by title, id and key in either spelling, and by recorded strokes', () => {
    const titles = (found: typeof rows) => found.map((row) => `${row.command} ${row.keys}`);
    expect(titles(searchRows(rows, 'auto save', false))).toEqual(['workbench.toggleAutoSave ']);
    expect(titles(searchRows(rows, 'QUICKOPEN', false))).toEqual(['workbench.quickOpen Ctrl+Shift+Alt+F']);
    expect(titles(searchRows(rows, 'ctrl+k', false))).toEqual(['workbench.openFolder Ctrl+K Ctrl+O']);
    expect(titles(searchRows(rows, 'shift+alt+f', false))).toEqual([
      'editor.action.formatDocument Shift+Alt+F',
      'workbench.quickOpen Ctrl+Shift+Alt+F',
    ]);
    expect(titles(searchRows(rows, '(.*)+$', false))).toEqual([]);
    const recorded = parseKeySequence('ctrl+k', false);
    expect(titles(searchRows(rows, 'ignored', false, recorded))).toEqual(['workbench.openFolder Ctrl+K Ctrl+O']);
  });

  it('lists what else has a key sequence (not the command itself)', () => {
    const keys = parseKeySequence('ctrl+o', false);
    expect(conflictsFor(items, keys, 'workbench.save').map((each) => each.command)).toEqual(['workbench.openFolder']);
    expect(conflictsFor(items, keys, 'workbench.openFolder')).toEqual([]);
  });
});
