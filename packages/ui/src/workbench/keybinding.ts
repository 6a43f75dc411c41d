// Key bindings as features write them ('Mod+Shift+P') and as keybindings.json does ('ctrl+k ctrl+s', VS Code's
// spelling): parsed once, matched against keyboard events, and shown the way the platform spells them (⇧⌘P on macOS,
// Ctrl+Shift+P elsewhere). A sequence of two strokes is a chord ('Mod+K Mod+S').

export interface Keybinding {
  ctrl: boolean;
  meta: boolean;
  shift: boolean;
  alt: boolean;
  /** Lower-case `KeyboardEvent.key` value, e.g. 'p', 'enter', 'f1', '`'. */
  key: string;
}

/** The fields of a KeyboardEvent a match needs (so tests need no DOM). */
export interface KeyStroke {
  key: string;
  code?: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

const KEY_ALIASES: Record<string, string> = {
  esc: 'escape',
  return: 'enter',
  space: ' ',
  plus: '+',
  del: 'delete',
  // VS Code's names in keybindings.json
  left: 'arrowleft',
  right: 'arrowright',
  up: 'arrowup',
  down: 'arrowdown',
  ins: 'insert',
};

/** The longest chord: VS Code's two strokes. */
export const MAX_CHORD_STROKES = 2;

/** Parses 'Mod+Shift+P'; Mod is Cmd on macOS and Ctrl elsewhere. Throws on a binding with no key. */
export function parseKeybinding(text: string, isMac: boolean): Keybinding {
  const binding: Keybinding = { ctrl: false, meta: false, shift: false, alt: false, key: '' };
  const parts = text.split('+').map((part) => part.trim());
  // 'Mod++' names the plus key: the split leaves two empty strings at the end
  if (text.endsWith('++')) parts.splice(parts.length - 2, 2, '+');
  for (const part of parts) {
    const lower = part.toLowerCase();
    if (lower === 'mod') {
      if (isMac) binding.meta = true;
      else binding.ctrl = true;
    } else if (lower === 'ctrl' || lower === 'control') binding.ctrl = true;
    else if (lower === 'cmd' || lower === 'meta' || lower === 'win' || lower === 'super') binding.meta = true;
    else if (lower === 'shift') binding.shift = true;
    else if (lower === 'alt' || lower === 'option') binding.alt = true;
    else if (lower !== '') binding.key = KEY_ALIASES[lower] ?? lower;
  }
  if (binding.key === '') throw new Error(`Key binding "${text}" names no key.`);
  return binding;
}

/** Whether a key stroke is this binding. Letters compare case-insensitively (Shift makes `key` upper-case). */
export function matchesKeybinding(binding: Keybinding, stroke: KeyStroke): boolean {
  if (stroke.ctrlKey !== binding.ctrl || stroke.metaKey !== binding.meta) return false;
  if (stroke.altKey !== binding.alt || stroke.shiftKey !== binding.shift) return false;
  const key = stroke.key.toLowerCase();
  if (key === binding.key) return true;
  // Alt or Shift can change `key` (Alt+P → π on macOS, Shift+/ → ?); the physical key code still tells.
  const code = stroke.code ?? '';
  if (/^[a-z]$/.test(binding.key)) return code === `Key${binding.key.toUpperCase()}`;
  if (/^[0-9]$/.test(binding.key)) return code === `Digit${binding.key}`;
  return false;
}

const MAC_SYMBOLS: Record<string, string> = { enter: '↩', escape: '⎋', arrowup: '↑', arrowdown: '↓', ' ': 'Space' };

/** How VS Code spells the keys whose names are more than one word. */
const KEY_LABELS: Record<string, string> = {
  arrowleft: 'LeftArrow',
  arrowright: 'RightArrow',
  arrowup: 'UpArrow',
  arrowdown: 'DownArrow',
  pageup: 'PageUp',
  pagedown: 'PageDown',
};

export function formatKeybinding(binding: Keybinding, isMac: boolean): string {
  const key =
    KEY_LABELS[binding.key] ??
    (binding.key.length === 1 ? binding.key.toUpperCase() : binding.key[0]?.toUpperCase() + binding.key.slice(1));
  if (isMac) {
    const symbol = MAC_SYMBOLS[binding.key] ?? key;
    return `${binding.ctrl ? '⌃' : ''}${binding.alt ? '⌥' : ''}${binding.shift ? '⇧' : ''}${binding.meta ? '⌘' : ''}${symbol}`;
  }
  // VS Code's order (Ctrl+Shift+Alt+F), the one Monaco's labels use too
  const parts = [binding.ctrl && 'Ctrl', binding.shift && 'Shift', binding.alt && 'Alt', binding.meta && 'Meta'];
  return [...parts.filter((part): part is string => typeof part === 'string'), key === ' ' ? 'Space' : key].join('+');
}

/** Parses a sequence of strokes separated by spaces ('Mod+K Mod+S', 'ctrl+k v'). Throws on an empty or long one. */
export function parseKeySequence(text: string, isMac: boolean): Keybinding[] {
  const strokes = text
    .trim()
    .split(/\s+/)
    .filter((part) => part !== '');
  if (strokes.length === 0) throw new Error('The key binding is empty.');
  if (strokes.length > MAX_CHORD_STROKES) {
    throw new Error(`Key binding "${text.slice(0, 100)}" has ${strokes.length} strokes; at most ${MAX_CHORD_STROKES}.`);
  }
  return strokes.map((stroke) => parseKeybinding(stroke, isMac));
}

export function sameKeybinding(a: Keybinding, b: Keybinding): boolean {
  return a.ctrl === b.ctrl && a.meta === b.meta && a.shift === b.shift && a.alt === b.alt && a.key === b.key;
}

export function sameKeySequence(a: readonly Keybinding[], b: readonly Keybinding[]): boolean {
  return a.length === b.length && a.every((stroke, index) => sameKeybinding(stroke, b[index] as Keybinding));
}

export function formatKeySequence(sequence: readonly Keybinding[], isMac: boolean): string {
  return sequence.map((stroke) => formatKeybinding(stroke, isMac)).join(' ');
}

const USER_KEY_NAMES: Record<string, string> = {
  arrowleft: 'left',
  arrowright: 'right',
  arrowup: 'up',
  arrowdown: 'down',
  ' ': 'space',
};

/** The sequence as keybindings.json writes it (VS Code's 'ctrl+shift+alt+f', 'cmd+k cmd+s' on macOS). */
export function userSettingsLabel(sequence: readonly Keybinding[], isMac: boolean): string {
  return sequence
    .map((stroke) => {
      const parts: string[] = [];
      if (stroke.ctrl) parts.push('ctrl');
      if (stroke.shift) parts.push('shift');
      if (stroke.alt) parts.push('alt');
      if (stroke.meta) parts.push(isMac ? 'cmd' : 'meta');
      parts.push(USER_KEY_NAMES[stroke.key] ?? stroke.key);
      return parts.join('+');
    })
    .join(' ');
}

const MODIFIER_KEYS = new Set(['control', 'shift', 'alt', 'meta', 'os', 'altgraph', 'capslock', 'fn', 'dead']);

/** Whether the stroke is a modifier pressed on its own (Ctrl on the way to Ctrl+S): no binding's stroke. */
export function isModifierOnly(stroke: KeyStroke): boolean {
  return MODIFIER_KEYS.has(stroke.key.toLowerCase());
}

/**
 * The binding a key stroke would be (recording a key combination): letters and digits by their physical key, so
 * Shift+1 is 'Shift+1' and Alt+P on macOS is 'Alt+P', other keys by the character or name the event carries.
 * Null for a modifier pressed alone.
 */
export function keybindingFromStroke(stroke: KeyStroke): Keybinding | null {
  if (isModifierOnly(stroke)) return null;
  const code = stroke.code ?? '';
  let key = stroke.key.toLowerCase();
  if (/^Key[A-Z]$/.test(code)) key = code.slice(3).toLowerCase();
  else if (/^Digit[0-9]$/.test(code)) key = code.slice(5);
  if (key === '') return null;
  return { ctrl: stroke.ctrlKey, meta: stroke.metaKey, shift: stroke.shiftKey, alt: stroke.altKey, key };
}
