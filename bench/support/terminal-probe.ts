// terminal_throughput's measuring hand, put into the product's page and the bare page alike: keystrokes go in the way
// a typed key does (an input event on xterm's textarea: xterm's onData → the page's client), and the time is taken
// in the page when xterm draws the awaited text into its rows, so no Playwright round trip is in any figure.

export interface TerminalProbe {
  /** Sends `data` to the terminal in the `pane`th .xterm of the page, as typing it would. */
  type(pane: number, data: string): void;
  /** Resolves with performance.now() once the pane's rows show `text` (at once when they already do). */
  shown(pane: number, text: string): Promise<number>;
  /** Types `mark`, resolves with the milliseconds until its echo is drawn, then erases it (Ctrl+U). */
  echo(pane: number, mark: string): Promise<number>;
  /** Echo times of marks typed one after another, `gapMs` apart, until `done` settles. */
  echoesUntil(pane: number, done: Promise<unknown>, prefix: string, gapMs: number): Promise<number[]>;
}

function terminal(pane: number): { rows: Element; input: HTMLTextAreaElement } {
  const host = document.querySelectorAll('.xterm')[pane];
  const rows = host?.querySelector('.xterm-rows');
  const input = host?.querySelector('textarea');
  if (!rows || !input) throw new Error(`There is no terminal in pane ${pane}.`);
  return { rows, input };
}

const text = (rows: Element) => (rows.textContent ?? '').replace(/\u00a0/g, ' ');

/** Resolves with performance.now() at the first DOM change after which `test` holds for the rows. */
function whenRows(rows: Element, test: (text: string) => boolean): Promise<number> {
  if (test(text(rows))) return Promise.resolve(performance.now());
  return new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (!test(text(rows))) return;
      observer.disconnect();
      resolve(performance.now());
    });
    observer.observe(rows, { childList: true, subtree: true, characterData: true });
  });
}

const probe: TerminalProbe = {
  type(pane, data) {
    terminal(pane).input.dispatchEvent(new InputEvent('input', { data, inputType: 'insertText' }));
  },
  shown(pane, wanted) {
    return whenRows(terminal(pane).rows, (now) => now.includes(wanted));
  },
  async echo(pane, mark) {
    const { rows } = terminal(pane);
    const drawn = whenRows(rows, (now) => now.includes(mark));
    const typed = performance.now();
    probe.type(pane, mark);
    const ms = (await drawn) - typed;
    const erased = whenRows(rows, (now) => !now.includes(mark));
    probe.type(pane, '\x15');
    await erased;
    return ms;
  },
  async echoesUntil(pane, done, prefix, gapMs) {
    let finished = false;
    void done.finally(() => {
      finished = true;
    });
    const echoes: number[] = [];
    while (!finished) {
      echoes.push(await probe.echo(pane, `${prefix}${String(echoes.length).padStart(3, '0')}`));
      await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
    return echoes;
  },
};

(window as unknown as { terminalProbe: TerminalProbe }).terminalProbe = probe;
