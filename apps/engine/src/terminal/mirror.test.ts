import SerializeModule from '@xterm/addon-serialize';
import HeadlessModule from '@xterm/headless';
import { describe, expect, it } from 'vitest';
import { LAZY_CHARS, ScreenMirror, skippableLength } from './mirror.js';

const COLS = 80;
const ROWS = 24;
const SCROLLBACK = 200;

function headless(): { terminal: HeadlessModule.Terminal; serializer: SerializeModule.SerializeAddon } {
  const terminal = new HeadlessModule.Terminal({
    cols: COLS,
    rows: ROWS,
    scrollback: SCROLLBACK,
    allowProposedApi: true,
  });
  const serializer = new SerializeModule.SerializeAddon();
  terminal.loadAddon(serializer);
  return { terminal, serializer };
}

/** The screen a headless xterm that parsed every chunk shows: what the lazy mirror must give back. */
async function eagerScreen(chunks: readonly string[]): Promise<string> {
  const { terminal, serializer } = headless();
  for (const chunk of chunks) terminal.write(chunk);
  await new Promise<void>((resolve) => terminal.write('', resolve));
  const screen = serializer.serialize();
  terminal.dispose();
  return screen;
}

/** The lazy mirror's screen after the same chunks, and how many characters its xterm was given to parse. */
async function lazyScreen(chunks: readonly string[]): Promise<{ screen: string; parsed: number; busy: boolean[] }> {
  const { terminal, serializer } = headless();
  let parsed = 0;
  const write = terminal.write.bind(terminal);
  terminal.write = (data: string | Uint8Array, callback?: () => void) => {
    parsed += data.length;
    write(data, callback);
  };
  const busy: boolean[] = [];
  let caughtUp: (() => void) | null = null;
  const mirror = new ScreenMirror(terminal, serializer, SCROLLBACK, {
    onBusy: (value) => {
      busy.push(value);
      if (!value) caughtUp?.();
    },
  });
  // the mirror is read while output goes on, as a flood reaches it in pty-sized reads between parse slices; while
  // it is behind, no more comes (the session pauses the pty)
  for (const chunk of chunks) {
    if (busy.at(-1)) await new Promise<void>((resolve) => (caughtUp = resolve));
    mirror.write(chunk);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const screen = await new Promise<string>((resolve) => mirror.snapshot((s) => resolve(s.data)));
  mirror.dispose();
  return { screen, parsed, busy };
}

/** Seeded, so a failure is the same failure again (mulberry32). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` numbered lines of plain text as a pty gives them (CR LF), in 16 KiB reads. */
function plainFlood(count: number, from = 0): string[] {
  let text = '';
  for (let n = from; n < from + count; n++) text += `line ${n} ${'the quick brown fox '.repeat(3)}\r\n`;
  const chunks: string[] = [];
  for (let at = 0; at < text.length; at += 16 * 1024) chunks.push(text.slice(at, at + 16 * 1024));
  return chunks;
}

const PROMPT = '\x1b]0;user@host: ~\x07\x1b[1;32muser@host\x1b[0m:\x1b[1;34m~\x1b[0m$ ';

describe('skippableLength', () => {
  it('cuts after the CR LF that leaves the kept lines after it', () => {
    const text = 'a\r\nb\r\nc\r\nd\r\n';
    expect(text.slice(skippableLength(text, 2))).toBe('c\r\nd\r\n');
    expect(skippableLength(text, 3)).toBe(3);
  });

  it('cuts nothing when fewer lines than kept follow, or the head holds a control sequence', () => {
    expect(skippableLength('a\r\nb\r\n', 2)).toBe(0);
    expect(skippableLength('\x1b[31ma\r\nb\r\nc\r\n', 1)).toBe(0);
    expect(skippableLength('a\x9b2Jb\r\nc\r\nd\r\n', 1)).toBe(0);
    expect(skippableLength('a\x0eb\r\nc\r\nd\r\n', 1)).toBe(0);
  });

  it('cuts only after a CR LF (after a bare LF the cursor column is not known)', () => {
    expect(skippableLength('a\nb\nc\n', 1)).toBe(0);
  });
});

describe('the lazy mirror', () => {
  it('gives the screen an eager xterm gives, without parsing most of a plain flood', async () => {
    const chunks = [`${PROMPT}cat big.txt\r\n`, ...plainFlood(40_000), PROMPT];
    const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const lazy = await lazyScreen(chunks);
    expect(lazy.screen).toBe(await eagerScreen(chunks));
    expect(lazy.screen).toContain('line 39999 ');
    expect(total).toBeGreaterThan(4 * LAZY_CHARS);
    expect(lazy.parsed).toBeLessThan(total / 2);
  });

  it('stays exact for a flood in the alternate screen (vim, less)', async () => {
    const chunks = [PROMPT, '\x1b[?1049h\x1b[H\x1b[2J~\r\n~\r\n', ...plainFlood(20_000), '\x1b[?1049l', PROMPT];
    const lazy = await lazyScreen(chunks);
    expect(lazy.screen).toBe(await eagerScreen(chunks));
  });

  it('parses a flood below a scroll region, where each line is drawn over the one before', async () => {
    // the cursor below the region: line feeds do not scroll, and a long line's tail stays on the last row
    const long = `${'x'.repeat(COLS - 1)}\r\n`;
    const chunks = [
      PROMPT,
      '\x1b[5;20r\x1b[24;1H',
      ...plainFlood(15_000),
      long,
      ...plainFlood(15_000),
      '\x1b[r',
      PROMPT,
    ];
    const lazy = await lazyScreen(chunks);
    expect(lazy.screen).toBe(await eagerScreen(chunks));
    expect(lazy.screen).toContain('xxxxxx');
  });

  it('matches an eager xterm on seeded mixes of colours, wraps, tabs, wide characters and floods', async () => {
    for (const seed of [1, 2, 3]) {
      const next = random(seed);
      const chunks: string[] = [];
      for (let part = 0; part < 40; part++) {
        const pick = next();
        if (pick < 0.25) chunks.push(...plainFlood(Math.floor(next() * 4000), part * 10_000));
        else if (pick < 0.4) chunks.push(`\x1b[3${Math.floor(next() * 8)}mcolour ${part}\x1b[0m\r\n`);
        else if (pick < 0.5) chunks.push(`${'w'.repeat(Math.floor(next() * 300))}\r\n`);
        else if (pick < 0.6) chunks.push(`tab\there\tand\bback 界界 ${part}\r\n`);
        else if (pick < 0.7) chunks.push(`progress ${part}%\r`);
        else if (pick < 0.8) chunks.push(`bare line feed ${part}\n`);
        else if (pick < 0.9) chunks.push(PROMPT);
        else chunks.push(`\x1b[2;5Hmoved ${part}\x1b[${ROWS};1H\r\n`);
      }
      const lazy = await lazyScreen(chunks);
      expect(lazy.screen, `seed ${seed}`).toBe(await eagerScreen(chunks));
    }
  }, 30_000);

  it('asks for the pty to pause while a flood it must parse is behind, and to resume once parsed', async () => {
    // every line coloured: nothing can be skipped
    let text = '';
    for (let n = 0; n < 40_000; n++) text += `\x1b[32mok\x1b[0m test ${n} passed\r\n`;
    const lazy = await lazyScreen([text]);
    expect(lazy.busy).toEqual([true, false]);
    expect(lazy.screen).toContain('test 39999 passed');
  });
});
