import { describe, expect, it } from 'vitest';
import { formatKeybinding, type KeyStroke, matchesKeybinding, parseKeybinding } from './keybinding';

const stroke = (key: string, mods: Partial<KeyStroke> = {}): KeyStroke => ({
  key,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe('parseKeybinding', () => {
  it('maps Mod to Ctrl off macOS and to Cmd on macOS', () => {
    expect(parseKeybinding('Mod+S', false)).toEqual({ ctrl: true, meta: false, shift: false, alt: false, key: 's' });
    expect(parseKeybinding('Mod+S', true)).toEqual({ ctrl: false, meta: true, shift: false, alt: false, key: 's' });
  });

  it('reads several modifiers, aliases and the plus key', () => {
    expect(parseKeybinding('Ctrl+Alt+Shift+Esc', false)).toMatchObject({
      ctrl: true,
      alt: true,
      shift: true,
      key: 'escape',
    });
    expect(parseKeybinding('Mod++', false).key).toBe('+');
  });

  it('refuses a binding without a key', () => {
    expect(() => parseKeybinding('Mod+Shift', false)).toThrow(/names no key/);
  });
});

describe('matchesKeybinding', () => {
  const palette = parseKeybinding('Mod+Shift+P', false);

  it('matches the exact modifiers, ignoring the letter case Shift produces', () => {
    expect(matchesKeybinding(palette, stroke('P', { ctrlKey: true, shiftKey: true }))).toBe(true);
  });

  it('does not match when a modifier is missing or extra', () => {
    expect(matchesKeybinding(palette, stroke('p', { ctrlKey: true }))).toBe(false);
    expect(matchesKeybinding(palette, stroke('P', { ctrlKey: true, shiftKey: true, altKey: true }))).toBe(false);
    expect(matchesKeybinding(parseKeybinding('Mod+P', false), stroke('P', { ctrlKey: true, shiftKey: true }))).toBe(
      false,
    );
  });

  it('falls back to the physical key when a modifier changed the character', () => {
    const binding = parseKeybinding('Alt+P', true);
    expect(matchesKeybinding(binding, stroke('π', { altKey: true, code: 'KeyP' }))).toBe(true);
  });
});

describe('formatKeybinding', () => {
  it('spells bindings the platform way', () => {
    expect(formatKeybinding(parseKeybinding('Mod+Shift+P', false), false)).toBe('Ctrl+Shift+P');
    expect(formatKeybinding(parseKeybinding('Mod+Shift+P', true), true)).toBe('⇧⌘P');
  });
});
