// One terminal on screen: an xterm.js Terminal fed by `terminal.attach` (the engine's screen first, so a reloaded
// page shows what it showed before, then the shell's output), keystrokes and pastes sent with `terminal.write`,
// its size following its pane (fit addon → terminal.resize), search, web links, and `file:line` links that open
// the editor. Output taken in is acknowledged to the engine (terminal.ack) while xterm's own backlog is short; the
// engine keeps at most TERMINAL_ACK_WINDOW unacknowledged on its way to this page, so a flood slows the shell (the
// engine pauses the pty) instead of piling up in the page, and does not fill the connection ahead of another
// terminal's echo.
import { type EngineClient, errorMessage, TERMINAL_ACK_CHARS } from '@pa/shared';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { type ILink, Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { findFileLinks, resolveLinkPath } from './links';

export interface TerminalHost {
  readonly client: EngineClient;
  /** The workspace root (absolute), for links that name absolute paths. */
  root(): string | null;
  openFile(path: string, position: { line: number; column?: number }): void;
  openUrl(url: string): void;
  /** The shell ended (or the terminal is gone from the engine). */
  onExit(id: string): void;
}

/** Output handed to xterm and not parsed yet past which the page stops acknowledging (and so the shell waits). */
const XTERM_BACKLOG_CHARS = 1024 * 1024;

export class TerminalInstance {
  readonly xterm: Terminal;
  readonly search = new SearchAddon();
  private readonly fit = new FitAddon();
  private readonly abort = new AbortController();
  private readonly themeObserver = new MutationObserver(() => {
    this.xterm.options.theme = themeFromCss();
  });
  private observer: ResizeObserver | null = null;
  private element: HTMLElement | null = null;
  private disposed = false;

  constructor(
    readonly id: string,
    private readonly cwd: string,
    private readonly host: TerminalHost,
    /** A command terminal's command (the agent's); its screen stays after it ends. */
    private readonly command?: string,
  ) {
    this.xterm = new Terminal({
      allowProposedApi: true,
      cursorBlink: true,
      fontFamily: cssVar('--font-mono') || 'monospace',
      fontSize: 13,
      scrollback: 5000,
      theme: themeFromCss(),
    });
    this.xterm.loadAddon(this.fit);
    this.xterm.loadAddon(this.search);
    this.xterm.loadAddon(new WebLinksAddon((_event, url) => host.openUrl(url)));
    this.xterm.registerLinkProvider({ provideLinks: (y, callback) => callback(this.fileLinks(y)) });
    this.xterm.onData((data) => this.send(data));
    this.xterm.onResize(({ cols, rows }) => {
      host.client.call('terminal.resize', { id, cols, rows }).catch(() => undefined);
    });
    this.xterm.attachCustomKeyEventHandler((event) => this.onKey(event));
    // the theme setting changes the page's colours at once: the terminal takes them up with it
    this.themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    void this.follow();
  }

  /** Puts the terminal into `element` (once), and keeps it sized to it. */
  mount(element: HTMLElement): void {
    if (this.element === element) return;
    this.element = element;
    if (!this.xterm.element) this.xterm.open(element);
    else element.appendChild(this.xterm.element);
    this.observer?.disconnect();
    this.observer = new ResizeObserver(() => this.layout());
    this.observer.observe(element);
    this.layout();
  }

  focus(): void {
    this.xterm.focus();
  }

  layout(): void {
    if (!this.element || this.element.clientWidth === 0 || this.element.clientHeight === 0) return;
    try {
      this.fit.fit();
    } catch {
      // not rendered yet
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.abort.abort();
    this.observer?.disconnect();
    this.themeObserver.disconnect();
    this.xterm.dispose();
  }

  private async follow(): Promise<void> {
    const output = this.host.client.stream(
      'terminal.attach',
      { id: this.id, acknowledge: true },
      { signal: this.abort.signal },
    );
    let reader: string | null = null;
    /** Taken from the stream and not acknowledged yet; handed to xterm and not parsed yet. */
    let unacked = 0;
    let unparsed = 0;
    // taken output is acknowledged at once while xterm has less than XTERM_BACKLOG_CHARS to parse: the engine's
    // window then bounds what is on the wire (ahead of another terminal's echo) without waiting on xterm's parse
    const acknowledge = () => {
      if (unacked < TERMINAL_ACK_CHARS || unparsed >= XTERM_BACKLOG_CHARS || !reader || this.disposed) return;
      const params = { id: this.id, reader, chars: unacked };
      unacked = 0;
      this.host.client.call('terminal.ack', params).catch(() => undefined); // the terminal is gone: nothing waits
    };
    try {
      for await (const item of output) {
        if (this.disposed) break;
        if (item.type === 'screen') {
          reader = item.reader;
          this.xterm.reset();
          if (item.cols !== this.xterm.cols || item.rows !== this.xterm.rows) this.xterm.resize(item.cols, item.rows);
          this.xterm.write(item.data);
          this.layout(); // the pane's size wins over the one the engine had
        } else {
          const chars = item.data.length;
          unacked += chars;
          unparsed += chars;
          this.xterm.write(item.data, () => {
            unparsed -= chars;
            acknowledge();
          });
          acknowledge();
        }
      }
      if (!this.disposed) {
        const exit = await output.result;
        this.xterm.write(
          `\r\n\x1b[2m[${this.command !== undefined ? 'the command' : 'the shell'} exited${exit.exitCode !== null ? ` with ${exit.exitCode}` : ''}]\x1b[0m\r\n`,
        );
        this.host.onExit(this.id);
      }
    } catch (error) {
      if (!this.disposed) this.xterm.write(`\r\n\x1b[31m[${errorMessage(error)}]\x1b[0m\r\n`);
    }
  }

  private send(data: string): void {
    this.host.client.call('terminal.write', { id: this.id, data }).catch((error: unknown) => {
      if (!this.disposed) this.xterm.write(`\r\n\x1b[31m[${errorMessage(error)}]\x1b[0m\r\n`);
    });
  }

  /** Ctrl+Shift+C copies the selection, Ctrl+Shift+V pastes (Ctrl+C stays the shell's interrupt). */
  private onKey(event: KeyboardEvent): boolean {
    if (event.type !== 'keydown') return true;
    const mod = event.ctrlKey || event.metaKey;
    const key = event.key.toLowerCase();
    if (mod && event.shiftKey && key === 'c') {
      const selection = this.xterm.getSelection();
      if (selection) void navigator.clipboard?.writeText(selection).catch(() => undefined);
      return false;
    }
    if (mod && event.shiftKey && key === 'v') {
      void navigator.clipboard
        ?.readText()
        .then((text) => this.xterm.paste(text))
        .catch(() => undefined);
      return false;
    }
    // the workbench's bindings (Ctrl+`, Ctrl+F for this terminal's search) are handled outside xterm
    if (mod && !event.shiftKey && (key === 'f' || key === '`')) return false;
    return true;
  }

  private fileLinks(y: number): ILink[] {
    const line = this.xterm.buffer.active.getLine(y - 1);
    const root = this.host.root();
    if (!line || !root) return [];
    const text = line.translateToString(true);
    const links: ILink[] = [];
    for (const link of findFileLinks(text)) {
      const path = resolveLinkPath(link.text, this.cwd, root);
      if (!path) continue;
      links.push({
        range: { start: { x: link.start + 1, y }, end: { x: link.end, y } },
        text: text.slice(link.start, link.end),
        decorations: { underline: true, pointerCursor: true },
        activate: () => this.host.openFile(path, { line: link.line, column: link.column }),
      });
    }
    return links;
  }
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** xterm's colours from our theme's CSS variables, so the terminal matches the editor. */
function themeFromCss() {
  return {
    background: cssVar('--bg') || '#16181d',
    foreground: cssVar('--fg') || '#d7dce4',
    cursor: cssVar('--accent') || '#7aa7ff',
    cursorAccent: cssVar('--bg') || '#16181d',
    selectionBackground: cssVar('--bg-selected-strong') || 'rgba(122, 167, 255, 0.26)',
    red: cssVar('--danger') || '#f0717b',
    green: cssVar('--ok') || '#5fc98a',
    yellow: cssVar('--warning') || '#e9b54f',
    blue: cssVar('--accent') || '#7aa7ff',
    // on a light background xterm's default white and black are swapped for ones that stay readable (VS Code's)
    ...(document.documentElement.dataset.theme === 'light'
      ? { black: '#000000', brightBlack: '#666666', white: '#555555', brightWhite: '#a5a5a5' }
      : {}),
  };
}
