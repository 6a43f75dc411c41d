import { describe, expect, it } from 'vitest';
import type { BindingItem } from '../keybindings/resolve';
import type { WhenContext } from '../keybindings/when';
import { CommandRegistry, type EditorKeybindings } from './commands';
import type { WorkbenchApi } from './contributions';
import { parseKeySequence } from './keybinding';

const api = {} as WorkbenchApi;
const stroke = { key: 'k', ctrlKey: true, metaKey: false, shiftKey: false, altKey: false };

describe('CommandRegistry', () => {
  it('finds the command bound to a key stroke and spells its shortcut for the platform', () => {
    const registry = new CommandRegistry(false, () => undefined);
    registry.register({ id: 'ai.ask', title: 'Ask AI', keybinding: 'Mod+K', run: () => undefined });
    expect(registry.commandFor(stroke)?.id).toBe('ai.ask');
    expect(registry.shortcutFor('ai.ask')).toBe('Ctrl+K');
    expect(registry.commandFor({ ...stroke, key: 'j' })).toBeNull();
  });

  it('keeps a command whose binding cannot be parsed, without a shortcut, and says why', () => {
    const reports: string[] = [];
    const registry = new CommandRegistry(false, (message) => reports.push(message));
    registry.register({ id: 'broken', title: 'Broken', keybinding: 'Mod+Shift', run: () => undefined });
    expect(registry.list().map((command) => [command.id, command.shortcut])).toEqual([['broken', null]]);
    expect(reports[0]).toMatch(/names no key/);
  });

  it('waits for a command that returns a promise (Save waits for Format Document), and says when none is there', async () => {
    const registry = new CommandRegistry(false, () => undefined);
    const order: string[] = [];
    registry.register({
      id: 'format',
      title: 'Format',
      run: async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push('formatted');
      },
    });
    registry.register({ id: 'fails', title: 'Fails', run: () => Promise.reject(new Error('no formatter')) });
    expect(await registry.runAndWait('format', api)).toBe(true);
    order.push('saved');
    expect(order).toEqual(['formatted', 'saved']);
    expect(await registry.runAndWait('missing', api)).toBe(false);
    await expect(registry.runAndWait('fails', api)).rejects.toThrow('no formatter');
  });

  it('reports a command that throws or rejects instead of letting it escape', async () => {
    const reports: string[] = [];
    const registry = new CommandRegistry(false, (message) => reports.push(message));
    registry.register({
      id: 'a',
      title: 'A',
      run: () => {
        throw new Error('sync failure');
      },
    });
    registry.register({
      id: 'b',
      title: 'B',
      run: async () => {
        throw new Error('async failure');
      },
    });
    registry.run('a', api);
    registry.run('b', api);
    registry.run('missing', api);
    await Promise.resolve();
    expect(reports).toEqual(['sync failure', 'No command "missing".', 'async failure']);
  });
});

const ctrl = (key: string) => ({ ...stroke, key, code: `Key${key.toUpperCase()}` });
const plain = (key: string) => ({ ...stroke, key, ctrlKey: false });
const focus = (at: Partial<WhenContext> = {}): WhenContext => ({
  editorTextFocus: false,
  editorFocus: false,
  terminalFocus: false,
  inputFocus: false,
  textInputFocus: false,
  editorLangId: null,
  isMac: false,
  isLinux: true,
  isWindows: false,
  isWeb: true,
  ...at,
});

function registryWith(ran: string[]) {
  const reports: string[] = [];
  const registry = new CommandRegistry(false, (message) => reports.push(message));
  for (const [id, keybinding] of [
    ['workbench.save', 'Mod+S'],
    ['keybindings.open', 'Mod+K Mod+S'],
    ['workbench.quickOpen', 'Mod+P'],
  ] as const) {
    registry.register({ id, title: id, keybinding, run: () => void ran.push(id) });
  }
  return { registry, reports };
}

describe('CommandRegistry key handling', () => {
  it('runs a chord on its second stroke, saying in the status bar that it waits, and cancels on Escape', () => {
    const ran: string[] = [];
    const { registry } = registryWith(ran);
    expect(registry.handleKey(ctrl('k'), api, focus())).toBe(true);
    expect(registry.chordStatus.value).toBe('(Ctrl+K) was pressed. Waiting for second key of chord...');
    expect(registry.handleKey(ctrl('s'), api, focus())).toBe(true);
    expect(ran).toEqual(['keybindings.open']);
    expect(registry.chordStatus.value).toBeNull();
    registry.handleKey(ctrl('k'), api, focus());
    expect(registry.handleKey(plain('Escape'), api, focus())).toBe(true);
    expect(registry.chordStatus.value).toBeNull();
    registry.handleKey(ctrl('k'), api, focus());
    expect(registry.handleKey(ctrl('j'), api, focus())).toBe(true);
    expect(registry.chordStatus.value).toBe('The key combination (Ctrl+K, Ctrl+J) is not a command.');
    expect(registry.handleKey(plain('a'), api, focus())).toBe(false);
    expect(ran).toEqual(['keybindings.open']);
    expect(registry.shortcutFor('keybindings.open')).toBe('Ctrl+K Ctrl+S');
  });

  it('applies keybindings.json live: an added key, a removed default, a when clause, the shortcut shown', () => {
    const ran: string[] = [];
    const { registry } = registryWith(ran);
    const changes = registry.changes.value;
    registry.setUserKeybindings([
      { key: 'ctrl+shift+alt+f', command: 'workbench.quickOpen', when: 'editorTextFocus && !terminalFocus' },
      { key: 'ctrl+s', command: '-workbench.save' },
    ]);
    expect(registry.changes.value).toBeGreaterThan(changes);
    const chord = { ...ctrl('f'), shiftKey: true, altKey: true };
    expect(registry.handleKey(chord, api, focus())).toBe(false); // the when clause does not hold
    expect(registry.handleKey(chord, api, focus({ editorTextFocus: true }))).toBe(true);
    expect(registry.handleKey(ctrl('s'), api, focus())).toBe(false); // removed
    expect(ran).toEqual(['workbench.quickOpen']);
    expect(registry.shortcutFor('workbench.quickOpen')).toBe('Ctrl+Shift+Alt+F');
    expect(registry.shortcutFor('workbench.save')).toBeNull();
    registry.setUserKeybindings([]);
    expect(registry.handleKey(ctrl('s'), api, focus())).toBe(true);
    expect(ran).toEqual(['workbench.quickOpen', 'workbench.save']);
  });

  it('binds no key to a command that does not exist, and reports it', () => {
    const ran: string[] = [];
    const { registry } = registryWith(ran);
    registry.setEditorKeybindings(fakeEditor([], []));
    registry.setUserKeybindings([{ key: 'ctrl+1', command: 'workbench.action.terminal.sendSequence' }]);
    expect(registry.keybindings().problems[0]?.message).toMatch(/no command/);
    expect(registry.handleKey({ ...stroke, key: '1', code: 'Digit1' }, api, focus())).toBe(false);
  });

  it('leaves Ctrl+K to the shell in the terminal (default chords), unless a user chord says otherwise', () => {
    const ran: string[] = [];
    const { registry } = registryWith(ran);
    expect(registry.handleKey(ctrl('k'), api, focus({ terminalFocus: true }))).toBe(false);
    expect(registry.chordStatus.value).toBeNull();
    registry.setUserKeybindings([{ key: 'ctrl+k ctrl+p', command: 'workbench.quickOpen', when: 'terminalFocus' }]);
    expect(registry.handleKey(ctrl('k'), api, focus({ terminalFocus: true }))).toBe(true);
    expect(registry.handleKey(ctrl('p'), api, focus({ terminalFocus: true }))).toBe(true);
    expect(ran).toEqual(['workbench.quickOpen']);
  });

  it('lets a view have every key while suspended', () => {
    const ran: string[] = [];
    const { registry } = registryWith(ran);
    registry.handleKey(ctrl('k'), api, focus());
    const resume = registry.suspend();
    expect(registry.chordStatus.value).toBeNull();
    expect(registry.handleKey(ctrl('s'), api, focus())).toBe(false);
    resume();
    resume(); // twice is once
    expect(registry.handleKey(ctrl('s'), api, focus())).toBe(true);
    expect(ran).toEqual(['workbench.save']);
  });

  it('runs Monaco chords sharing Ctrl+K in the editor, user bindings of Monaco actions, and removes its defaults there', () => {
    const ran: string[] = [];
    const { registry } = registryWith(ran);
    const comment: BindingItem = {
      command: 'editor.action.addCommentLine',
      keys: parseKeySequence('ctrl+k ctrl+c', false),
      whenText: 'editorTextFocus && !editorReadonly',
      when: null,
      source: 'editor',
    };
    const format: BindingItem = {
      ...comment,
      command: 'editor.action.formatDocument',
      keys: parseKeySequence('shift+alt+f', false),
    };
    const editorRan: string[] = [];
    const removals: BindingItem[][] = [];
    registry.setEditorKeybindings(fakeEditor([comment, format], editorRan, removals));
    registry.handleKey(ctrl('k'), api, focus({ editorFocus: true, editorTextFocus: true }));
    registry.handleKey(ctrl('c'), api, focus({ editorFocus: true, editorTextFocus: true }));
    expect(editorRan).toEqual(['editor.action.addCommentLine']);
    // Monaco handles its single strokes itself
    expect(
      registry.handleKey(
        { ...ctrl('f'), ctrlKey: false, shiftKey: true, altKey: true },
        api,
        focus({ editorFocus: true }),
      ),
    ).toBe(false);
    registry.setUserKeybindings([
      { key: 'ctrl+alt+l', command: 'editor.action.formatDocument' },
      { key: 'shift+alt+f', command: '-editor.action.formatDocument' },
    ]);
    expect(removals[removals.length - 1]?.map((item) => item.command)).toEqual(['editor.action.formatDocument']);
    expect(registry.handleKey({ ...ctrl('l'), altKey: true }, api, focus())).toBe(true);
    expect(editorRan).toEqual(['editor.action.addCommentLine', 'editor.action.formatDocument']);
    expect(registry.titleFor('editor.action.formatDocument')).toBe('Format Document');
  });
});

function fakeEditor(items: BindingItem[], ran: string[], removals: BindingItem[][] = []): EditorKeybindings {
  const titles = new Map([['editor.action.formatDocument', 'Format Document']]);
  const known = new Set([...items.map((item) => item.command), ...titles.keys()]);
  return {
    items,
    titles,
    has: (id) => known.has(id),
    run: (id) => {
      ran.push(id);
      return true;
    },
    applyRemovals: (removed) => void removals.push([...removed]),
  };
}
