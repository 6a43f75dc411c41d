import { describe, expect, it } from 'vitest';
import { type KeyStroke, parseKeySequence } from '../workbench/keybinding';
import { ChordDispatcher } from './chords';
import type { BindingItem } from './resolve';

const item = (command: string, key: string, source: BindingItem['source'] = 'default') =>
  ({ command, keys: parseKeySequence(key, false), whenText: null, when: null, source }) as BindingItem;
const press = (key: string, mods: Partial<KeyStroke> = {}): KeyStroke => ({
  key,
  code: /^[a-z]$/.test(key) ? `Key${key.toUpperCase()}` : undefined,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});
const ctrl = (key: string) => press(key, { ctrlKey: true });
const items = [
  item('workbench.save', 'Mod+S'),
  item('keybindings.open', 'Mod+K Mod+S'),
  item('markdown.preview', 'Mod+K V'),
  item('editor.comment', 'Mod+K Mod+C', 'editor'),
];
const always = () => true;

describe('ChordDispatcher', () => {
  it('runs a single stroke, and a chord on its second stroke after saying it waits', () => {
    const chords = new ChordDispatcher(false);
    expect(chords.press(ctrl('s'), items, always)).toMatchObject({ kind: 'run', item: { command: 'workbench.save' } });
    expect(chords.press(ctrl('k'), items, always)).toEqual({
      kind: 'chord',
      message: '(Ctrl+K) was pressed. Waiting for second key of chord...',
    });
    // Ctrl held down on the way to Ctrl+S arrives first as a keydown of its own
    expect(chords.press(press('Control', { ctrlKey: true }), items, always)).toEqual({ kind: 'wait' });
    expect(chords.press(ctrl('s'), items, always)).toMatchObject({
      kind: 'run',
      item: { command: 'keybindings.open' },
    });
    expect(chords.waiting).toBeNull();
    chords.press(ctrl('k'), items, always);
    expect(chords.press(press('v'), items, always)).toMatchObject({ item: { command: 'markdown.preview' } });
  });

  it('cancels on Escape and ends on a stroke that is no chord, which then runs nothing else', () => {
    const chords = new ChordDispatcher(false);
    chords.press(ctrl('k'), items, always);
    expect(chords.press(press('Escape'), items, always)).toEqual({ kind: 'cancelled' });
    expect(chords.waiting).toBeNull();
    chords.press(ctrl('k'), items, always);
    // Ctrl+X is no chord; the single-stroke binding of the second key must not run either
    expect(chords.press(ctrl('x'), items, always)).toEqual({
      kind: 'unbound',
      message: 'The key combination (Ctrl+K, Ctrl+X) is not a command.',
    });
    expect(chords.press(ctrl('s'), items, always)).toMatchObject({ kind: 'run', item: { command: 'workbench.save' } });
  });

  it('lets through what is not a binding, and respects when clauses at both strokes', () => {
    const chords = new ChordDispatcher(false);
    expect(chords.press(press('a'), items, always)).toEqual({ kind: 'none' });
    expect(chords.press(press('Shift', { shiftKey: true }), items, always)).toEqual({ kind: 'none' });
    const notEditor = (each: BindingItem) => each.source !== 'editor';
    chords.press(ctrl('k'), items, notEditor);
    expect(chords.press(ctrl('c'), items, notEditor)).toMatchObject({ kind: 'unbound' });
    chords.press(ctrl('k'), items, always);
    expect(chords.press(ctrl('c'), items, always)).toMatchObject({ item: { command: 'editor.comment' } });
    // nothing under Ctrl+K applies: the stroke is not ours
    expect(chords.press(ctrl('k'), items.slice(0, 1), always)).toEqual({ kind: 'none' });
  });

  it('lets the last matching binding decide: a user single stroke over a default chord prefix', () => {
    const chords = new ChordDispatcher(false);
    const withUser = [...items, item('workbench.quickOpen', 'ctrl+k', 'user')];
    expect(chords.press(ctrl('k'), withUser, always)).toMatchObject({
      kind: 'run',
      item: { command: 'workbench.quickOpen' },
    });
    expect(chords.waiting).toBeNull();
  });
});
