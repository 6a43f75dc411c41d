// The key press state machine: a stroke either runs the binding that wins for it, starts a chord (the first of two
// strokes, 'Ctrl+K Ctrl+S'), or is not ours. While a chord waits, a modifier pressed alone keeps it waiting, Escape
// cancels it, and any other stroke ends it: the chord's command, or "not a command" — never the stroke's own
// single-key binding, as in VS Code.
import {
  formatKeybinding,
  isModifierOnly,
  type Keybinding,
  type KeyStroke,
  keybindingFromStroke,
  matchesKeybinding,
  sameKeybinding,
} from '../workbench/keybinding';
import type { BindingItem } from './resolve';

export type KeyPress =
  /** Not a binding: let the key through. */
  | { kind: 'none' }
  /** A modifier alone while a chord waits: let it through, keep waiting. */
  | { kind: 'wait' }
  | { kind: 'run'; item: BindingItem }
  /** The first stroke of a chord: swallowed, the status bar says so. */
  | { kind: 'chord'; message: string }
  /** Escape while a chord waited. */
  | { kind: 'cancelled' }
  /** The second stroke of a chord that is no binding. */
  | { kind: 'unbound'; message: string };

export class ChordDispatcher {
  private pending: Keybinding | null = null;

  constructor(private readonly isMac: boolean) {}

  /** The first stroke of the chord that waits for its second, or null. */
  get waiting(): Keybinding | null {
    return this.pending;
  }

  cancel(): void {
    this.pending = null;
  }

  /** `items` in priority order (the last match wins); `applies` tells whether an item's `when` holds now. */
  press(stroke: KeyStroke, items: readonly BindingItem[], applies: (item: BindingItem) => boolean): KeyPress {
    const first = this.pending;
    if (first) {
      if (isModifierOnly(stroke)) return { kind: 'wait' };
      this.pending = null;
      const item = findLast(
        items,
        (candidate) =>
          candidate.keys.length === 2 &&
          sameKeybinding(candidate.keys[0] as Keybinding, first) &&
          matchesKeybinding(candidate.keys[1] as Keybinding, stroke) &&
          applies(candidate),
      );
      if (item) return { kind: 'run', item };
      const plain = !stroke.ctrlKey && !stroke.metaKey && !stroke.altKey && !stroke.shiftKey;
      if (plain && stroke.key === 'Escape') return { kind: 'cancelled' };
      const second = keybindingFromStroke(stroke);
      const label = `${formatKeybinding(first, this.isMac)}, ${second ? formatKeybinding(second, this.isMac) : stroke.key}`;
      return { kind: 'unbound', message: `The key combination (${label}) is not a command.` };
    }
    if (isModifierOnly(stroke)) return { kind: 'none' };
    const item = findLast(
      items,
      (candidate) => matchesKeybinding(candidate.keys[0] as Keybinding, stroke) && applies(candidate),
    );
    if (!item) return { kind: 'none' };
    if (item.keys.length === 1) return { kind: 'run', item };
    this.pending = item.keys[0] as Keybinding;
    return {
      kind: 'chord',
      message: `(${formatKeybinding(this.pending, this.isMac)}) was pressed. Waiting for second key of chord...`,
    };
  }
}

function findLast<T>(list: readonly T[], test: (item: T) => boolean): T | undefined {
  for (let index = list.length - 1; index >= 0; index--) {
    const item = list[index] as T;
    if (test(item)) return item;
  }
  return undefined;
}
