import { describe, expect, it } from 'vitest';
import {
  formatKeybinding,
  formatKeySequence,
  type KeyStroke,
  keybindingFromStroke,
  matchesKeybinding,
  parseKeybinding,
  parseKeySequence,
  sameKeySequence,
  userSettingsLabel,
} from './keybinding';

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
    expect(formatKeybinding(parseKeybinding('alt+shift+ctrl+f', false), false)).toBe('Ctrl+Shift+Alt+F');
  });

  it('reads keybindings.json sequences (VS Code names) and writes them back the same way', () => {
    const chord = parseKeySequence('ctrl+k  ctrl+left', false);
    expect(chord).toEqual([
      { ctrl: true, meta: false, shift: false, alt: false, key: 'k' },
      { ctrl: true, meta: false, shift: false, alt: false, key: 'arrowleft' },
    ]);
    expect(formatKeySequence(chord, false)).toBe('Ctrl+K Ctrl+LeftArrow');
    expect(userSettingsLabel(chord, false)).toBe('ctrl+k ctrl+left');
    expect(userSettingsLabel(parseKeySequence('Mod+Shift+Space', true), true)).toBe('shift+cmd+space');
    expect(() => parseKeySequence('ctrl+a ctrl+b ctrl+c', false)).toThrow(/at most 2/);
    expect(() => parseKeySequence('   ', false)).toThrow(/empty/);
    expect(sameKeySequence(parseKeySequence('Mod+K Mod+S', false), parseKeySequence('ctrl+k ctrl+s', false))).toBe(
      true,
    );
  });

  it('records a stroke by its physical letter or digit, and none for a modifier alone', () => {
    const base = { ctrlKey: false, metaKey: false, shiftKey: false, altKey: false };
    expect(keybindingFromStroke({ ...base, key: '!', code: 'Digit1', shiftKey: true })).toMatchObject({
      key: '1',
      shift: true,
    });
    expect(keybindingFromStroke({ ...base, key: 'π', code: 'KeyP', altKey: true })).toMatchObject({
      key: 'p',
      alt: true,
    });
    expect(keybindingFromStroke({ ...base, key: 'F5', code: 'F5' })).toMatchObject({ key: 'f5' });
    expect(keybindingFromStroke({ ...base, key: 'Control', code: 'ControlLeft', ctrlKey: true })).toBeNull();
  });
});
