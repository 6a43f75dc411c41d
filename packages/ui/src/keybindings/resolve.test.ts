import { describe, expect, it } from 'vitest';
import { parseKeySequence } from '../workbench/keybinding';
import { type BindingItem, conflictsWith, MAX_USER_KEYBINDINGS, resolveKeybindings } from './resolve';

const keys = (text: string) => parseKeySequence(text, false);
const item = (
  command: string,
  key: string,
  source: BindingItem['source'] = 'default',
  whenText: string | null = null,
) => ({ command, keys: keys(key), whenText, when: null, source }) as BindingItem;
const defaults = [
  item('editor.action.formatDocument', 'Shift+Alt+F', 'editor', 'editorTextFocus && !editorReadonly'),
  item('workbench.save', 'Mod+S'),
  item('workbench.openFolder', 'Mod+O'),
  item('workbench.openFolder', 'Mod+K Mod+O'),
];
const commands = new Set(defaults.map((each) => each.command).concat('workbench.quickOpen'));
const options = { isMac: false, isCommand: (id: string) => commands.has(id) };
const summary = (items: BindingItem[]) => items.map((each) => `${each.source}:${each.command}@${each.keys.length}`);

describe('resolveKeybindings (keybindings.json over the defaults)', () => {
  it('adds user bindings after the defaults, so they win, keeping the when clause parsed', () => {
    const resolved = resolveKeybindings(
      defaults,
      [{ key: 'ctrl+shift+alt+f', command: 'workbench.quickOpen', when: 'editorTextFocus && !inputFocus' }],
      options,
    );
    expect(resolved.problems).toEqual([]);
    const last = resolved.items[resolved.items.length - 1];
    expect(last).toMatchObject({
      command: 'workbench.quickOpen',
      source: 'user',
      whenText: 'editorTextFocus && !inputFocus',
    });
    expect(last?.keys[0]).toMatchObject({ ctrl: true, shift: true, alt: true, key: 'f' });
    expect(last?.when).toMatchObject({ kind: 'and' });
  });

  it('removes a default with -command: only that key, and only that when when the entry names one', () => {
    const removed = resolveKeybindings(defaults, [{ key: 'ctrl+k ctrl+o', command: '-workbench.openFolder' }], options);
    expect(summary(removed.items)).toEqual([
      'editor:editor.action.formatDocument@1',
      'default:workbench.save@1',
      'default:workbench.openFolder@1',
    ]);
    expect(summary(removed.removed)).toEqual(['default:workbench.openFolder@2']);
    const otherWhen = resolveKeybindings(
      defaults,
      [{ key: 'shift+alt+f', command: '-editor.action.formatDocument', when: 'terminalFocus' }],
      options,
    );
    expect(otherWhen.removed).toEqual([]);
    const sameWhen = resolveKeybindings(
      defaults,
      [{ key: 'shift+alt+f', command: '-editor.action.formatDocument', when: 'editorTextFocus&&!editorReadonly' }],
      options,
    );
    expect(summary(sameWhen.removed)).toEqual(['editor:editor.action.formatDocument@1']);
  });

  it('reports entries it cannot apply and applies the rest', () => {
    const resolved = resolveKeybindings(
      defaults,
      [
        { key: 'ctrl+shift', command: 'workbench.save' },
        { key: 'ctrl+a ctrl+b ctrl+c', command: 'workbench.save' },
        { key: 'ctrl+1', command: 'workbench.nothing' },
        { key: 'ctrl+2', command: 'workbench.save', when: 'resourceScheme == file' },
        { key: 'ctrl+3', command: 'workbench.save' },
      ],
      options,
    );
    expect(resolved.problems.map((problem) => [problem.index, problem.message])).toEqual([
      [0, expect.stringMatching(/names no key/)],
      [1, expect.stringMatching(/3 strokes/)],
      [2, expect.stringMatching(/no command "workbench.nothing"/)],
      [3, expect.stringMatching(/"when": the context key "resourceScheme" is not supported/)],
    ]);
    expect(resolved.items.filter((each) => each.source === 'user')).toHaveLength(1);
  });

  it('applies at most MAX_USER_KEYBINDINGS entries of a huge file and says so once', () => {
    const entries = Array.from({ length: MAX_USER_KEYBINDINGS + 500 }, (_, index) => ({
      key: `ctrl+${index % 10}`,
      command: 'workbench.save',
    }));
    const started = performance.now();
    const resolved = resolveKeybindings(defaults, entries, options);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(resolved.items.filter((each) => each.source === 'user')).toHaveLength(MAX_USER_KEYBINDINGS);
    expect(resolved.problems).toHaveLength(1);
    expect(resolved.problems[0]?.message).toMatch(/first 2000 entries/);
  });

  it('finds the bindings a key sequence conflicts with (the same strokes, not a prefix)', () => {
    expect(conflictsWith(defaults, keys('Mod+O')).map((each) => each.command)).toEqual(['workbench.openFolder']);
    expect(conflictsWith(defaults, keys('Mod+K'))).toEqual([]);
    expect(conflictsWith(defaults, keys('ctrl+k ctrl+o'))).toHaveLength(1);
  });
});
