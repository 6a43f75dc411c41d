// The screen a reader that joins later starts from (a reloaded page, a second window): a headless xterm fed lazily.
// Output is kept as text and parsed only when it must be, because parsing a flood costs the engine as much CPU as the
// page spends drawing it. A flood of plain text is cut down, unparsed, to the lines the scrollback can hold (exact:
// text without control sequences changes nothing but the lines it writes, and those lines are pushed out by the
// ones kept); anything else (colours, cursor moves, vim's alternate screen) is parsed as before.
import type { SerializeAddon } from '@xterm/addon-serialize';
import type { Terminal as HeadlessTerminal } from '@xterm/headless';

/** Unparsed characters at which the backlog is cut down or, when it cannot be, handed to xterm. */
export const LAZY_CHARS = 512 * 1024;
/** Characters xterm has been given and not parsed yet at which the owner is asked to stop reading the pty. */
export const PARSE_BACKLOG_CHARS = 1024 * 1024;
/** Unparsed characters, waiting for xterm to finish a parse before they are cut down, at which the same is asked. */
export const MAX_BACKLOG_CHARS = 4 * LAZY_CHARS;

export interface Screen {
  data: string;
  cols: number;
  rows: number;
}

export interface MirrorHooks {
  /** The mirror is behind (true: xterm has PARSE_BACKLOG_CHARS to parse, or MAX_BACKLOG_CHARS wait), or not. */
  onBusy(busy: boolean): void;
}

/**
 * Any character that is not plain text to xterm: C0 controls but BS, HT, LF and CR (BEL, harmless, too), ESC, and
 * the C1 controls. Text without them only writes characters and moves to new lines.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this finds
const NOT_PLAIN = /[\x00-\x06\x0b-\x0c\x0e-\x1f\x1b\x80-\x9f]/;

export class ScreenMirror {
  private backlog: string[] = [];
  private backlogChars = 0;
  /** Characters handed to xterm that it has not parsed yet. */
  private parsing = 0;
  private busy = false;
  /** A scroll region other than the whole screen is set: lines scrolled inside it do not reach the scrollback. */
  private regionSet = false;
  private disposed = false;

  constructor(
    private readonly terminal: HeadlessTerminal,
    private readonly serializer: SerializeAddon,
    private readonly scrollback: number,
    private readonly hooks: MirrorHooks,
  ) {
    // DECSTBM: CSI top;bottom r (no parameters, or the whole screen, resets it); RIS (ESC c) resets it too
    terminal.parser.registerCsiHandler({ final: 'r' }, (params) => {
      const top = Number(params[0] ?? 0) || 1;
      const bottom = Number(params[1] ?? 0) || terminal.rows;
      this.regionSet = top > 1 || bottom < terminal.rows;
      return false;
    });
    terminal.parser.registerEscHandler({ final: 'c' }, () => {
      this.regionSet = false;
      return false;
    });
  }

  /** Characters kept unparsed now (for tests and diagnostics). */
  get unparsed(): number {
    return this.backlogChars;
  }

  write(data: string): void {
    if (this.disposed || !data) return;
    this.backlog.push(data);
    this.backlogChars += data.length;
    if (this.backlogChars >= LAZY_CHARS) this.compact();
  }

  /** A resize takes effect after the output read before it, as it did on the pty. */
  resize(cols: number, rows: number): void {
    if (this.disposed) return;
    this.handOff();
    this.terminal.write('', () => {
      if (!this.disposed) this.terminal.resize(cols, rows);
    });
  }

  /** Calls back with the screen as it stands once all output written so far is parsed. */
  snapshot(callback: (screen: Screen) => void): void {
    if (this.disposed) return;
    if (this.parsing === 0) this.trim();
    this.handOff();
    this.terminal.write('', () => {
      if (this.disposed) return;
      callback({ data: this.serializer.serialize(), cols: this.terminal.cols, rows: this.terminal.rows });
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.backlog = [];
    this.backlogChars = 0;
    this.terminal.dispose();
  }

  /**
   * Cuts a plain head off the backlog, or hands the backlog to xterm when it cannot be cut. While xterm is parsing,
   * the backlog waits for it (what xterm leaves is the state a cut needs), up to MAX_BACKLOG_CHARS.
   */
  private compact(): void {
    if (this.parsing === 0) {
      this.trim();
      if (this.backlogChars >= LAZY_CHARS / 2) this.handOff();
    }
    this.updateBusy();
  }

  /**
   * Drops the part of the backlog that need not be parsed: possible while xterm has parsed everything before it and
   * no scroll region is set (below one, line feeds do not scroll: each line is drawn over the one before, and what
   * the dropped lines left on it would be lost).
   */
  private trim(): void {
    if (this.backlogChars === 0) return;
    if (this.regionSet) return;
    const text = this.backlog.join('');
    const cut = skippableLength(text, this.scrollback + this.terminal.rows);
    if (cut === 0) {
      this.backlog = [text];
      return;
    }
    // what the dropped text leaves behind: the cursor at the start of a new line
    const rest = `\r\n${text.slice(cut)}`;
    this.backlog = [rest];
    this.backlogChars = rest.length;
  }

  private handOff(): void {
    if (this.backlogChars === 0) return;
    const data = this.backlog.join('');
    this.backlog = [];
    this.backlogChars = 0;
    this.parsing += data.length;
    this.terminal.write(data, () => {
      this.parsing -= data.length;
      if (this.disposed) return;
      if (this.parsing === 0 && this.backlogChars >= LAZY_CHARS) this.compact();
      else this.updateBusy();
    });
    this.updateBusy();
  }

  private updateBusy(): void {
    const busy = this.busy
      ? this.parsing >= PARSE_BACKLOG_CHARS / 2 || this.backlogChars >= MAX_BACKLOG_CHARS / 2
      : this.parsing >= PARSE_BACKLOG_CHARS || this.backlogChars >= MAX_BACKLOG_CHARS;
    if (busy === this.busy) return;
    this.busy = busy;
    this.hooks.onBusy(busy);
  }
}

/**
 * How much of the start of `text` xterm need not parse, given that `keepLines` line breaks after it are kept: the
 * text up to and including a CR LF that has keepLines line breaks after it, when that text is plain. Those lines
 * fill the scrollback and the screen, so nothing the dropped text wrote is left on them; and, being plain, it changed
 * no mode, colour or character set. 0 when there is no such cut.
 */
export function skippableLength(text: string, keepLines: number): number {
  let at = text.length;
  for (let kept = 0; kept <= keepLines; kept++) {
    at = text.lastIndexOf('\n', at - 1);
    if (at <= 0) return 0;
  }
  if (text.charCodeAt(at - 1) !== 13) return 0;
  const cut = at + 1;
  return NOT_PLAIN.test(text.slice(0, cut)) ? 0 : cut;
}
