import { parse } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import { parseKeySequence } from '../workbench/keybinding';
import { addKeybinding, changeKeybinding, removeKeybinding, resetKeybinding } from './edit';
import type { BindingItem } from './resolve';

const keys = (text: string) => parseKeySequence(text, false);
const defaultSave: BindingItem = {
  command: 'workbench.save',
  keys: keys('Mod+S'),
  whenText: null,
  when: null,
  source: 'default',
};
const FILE = `// my bindings
[
  { "key": "ctrl+alt+q", "command": "workbench.quickOpen" }, // keep this comment
  { "key": "ctrl+k ctrl+x", "command": "workbench.save", "when": "editorTextFocus" },
]
`;
const userSave: BindingItem = {
  command: 'workbench.save',
  keys: keys('ctrl+k ctrl+x'),
  whenText: 'editorTextFocus',
  when: null,
  source: 'user',
  entry: { key: 'ctrl+k ctrl+x', command: 'workbench.save', when: 'editorTextFocus' },
};

describe('keybindings.json edits', () => {
  it('changing a default adds the new key and removes the old one, keeping comments', () => {
    const next = changeKeybinding(FILE, defaultSave, keys('ctrl+shift+alt+s'), false);
    expect(next).toContain('// my bindings');
    expect(next).toContain('// keep this comment');
    expect(parse(next).slice(2)).toEqual([
      { key: 'ctrl+shift+alt+s', command: 'workbench.save' },
      { key: 'ctrl+s', command: '-workbench.save' },
    ]);
  });

  it('changing a user binding rewrites its key in place; removing it deletes the entry', () => {
    const changed = parse(changeKeybinding(FILE, userSave, keys('ctrl+k v'), false));
    expect(changed).toEqual([
      { key: 'ctrl+alt+q', command: 'workbench.quickOpen' },
      { key: 'ctrl+k v', command: 'workbench.save', when: 'editorTextFocus' },
    ]);
    expect(parse(removeKeybinding(FILE, userSave, false))).toEqual([
      { key: 'ctrl+alt+q', command: 'workbench.quickOpen' },
    ]);
  });

  it('removing a default adds a removal (with its when); reset takes every entry of the command away', () => {
    const editorFormat: BindingItem = {
      command: 'editor.action.formatDocument',
      keys: keys('shift+alt+f'),
      whenText: 'editorTextFocus',
      when: null,
      source: 'editor',
    };
    expect(parse(removeKeybinding('', editorFormat, false))).toEqual([
      { key: 'shift+alt+f', command: '-editor.action.formatDocument', when: 'editorTextFocus' },
    ]);
    const withRemoval = changeKeybinding(FILE, defaultSave, keys('ctrl+alt+s'), false);
    expect(parse(resetKeybinding(withRemoval, 'workbench.save'))).toEqual([
      { key: 'ctrl+alt+q', command: 'workbench.quickOpen' },
    ]);
  });

  it('adds to an empty file, spelling keys as VS Code does (cmd on macOS, arrows by name)', () => {
    expect(parse(addKeybinding('', 'workbench.save', keys('Mod+Alt+ArrowLeft'), false))).toEqual([
      { key: 'ctrl+alt+left', command: 'workbench.save' },
    ]);
    const mac = parseKeySequence('Mod+K Mod+S', true);
    expect(parse(addKeybinding('[]', 'x', mac, true))).toEqual([{ key: 'cmd+k cmd+s', command: 'x' }]);
  });

  it('refuses to edit a file that does not parse or is not an array, rather than clobbering it', () => {
    expect(() => addKeybinding('[ { "key": ', 'x', keys('ctrl+1'), false)).toThrow(/syntax errors/);
    expect(() => addKeybinding('{ "key": "ctrl+1" }', 'x', keys('ctrl+1'), false)).toThrow(/not a JSON array/);
  });
});
