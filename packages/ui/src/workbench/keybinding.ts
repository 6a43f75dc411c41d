// Key bindings as features write them ('Mod+Shift+P'): parsed once, matched against keyboard events, and shown
// the way the platform spells them (⇧⌘P on macOS, Ctrl+Shift+P elsewhere).

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

const KEY_ALIASES: Record<string, string> = { esc: 'escape', return: 'enter', space: ' ', plus: '+', del: 'delete' };

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
    else if (lower === 'cmd' || lower === 'meta') binding.meta = true;
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

export function formatKeybinding(binding: Keybinding, isMac: boolean): string {
  const key =
    binding.key.length === 1 ? binding.key.toUpperCase() : binding.key[0]?.toUpperCase() + binding.key.slice(1);
  if (isMac) {
    const symbol = MAC_SYMBOLS[binding.key] ?? key;
    return `${binding.ctrl ? '⌃' : ''}${binding.alt ? '⌥' : ''}${binding.shift ? '⇧' : ''}${binding.meta ? '⌘' : ''}${symbol}`;
  }
  const parts = [binding.ctrl && 'Ctrl', binding.meta && 'Meta', binding.alt && 'Alt', binding.shift && 'Shift'];
  return [...parts.filter((part): part is string => typeof part === 'string'), key === ' ' ? 'Space' : key].join('+');
}
