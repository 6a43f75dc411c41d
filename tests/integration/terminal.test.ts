// The terminal capability against the real engine over its WebSocket: a login shell in the workspace runs a command
// and a builtin, follows resize, is killed with its session, gives a second reader (a reloaded page) its screen
// back, pauses when its reader is slow instead of queueing, refuses a folder outside the workspace, and leaves no
// process behind when the engine is killed with SIGKILL.
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ErrorCode,
  type Item,
  type PaError,
  type RpcClient,
  TERMINAL_ACK_CHARS,
  TERMINAL_ACK_WINDOW,
} from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { alive, gone, waitFor } from '../support/process.js';
import { TempFolders } from '../support/workspace.js';

type Output = Item<'terminal.attach'>;

const FLOOD = 8_000_000;

let root: string;
let outside: string;
let engine: StartedEngine;
let client: RpcClient;
const temps = new TempFolders();

beforeAll(async () => {
  root = temps.make('pa-term-');
  outside = temps.make('pa-term-outside-');
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src', 'hello.txt'), 'hello\n');
  symlinkSync(outside, join(root, 'escape'));
  // a plain, quick shell for the tests: no profile of the machine's user, a prompt we can wait for
  engine = await startEngine({ workspace: root, env: { SHELL: '/bin/sh', ENV: '', PS1: '$ ' } });
  client = await engine.connect();
});

afterAll(async () => {
  await engine?.stop();
  temps.removeAll();
});

/** Reads a terminal's output until `pattern` matches all of it so far (the screen item included). */
async function readUntil(iterator: AsyncIterator<Output>, pattern: RegExp, seen = { text: '' }): Promise<string> {
  while (!pattern.test(seen.text)) {
    const next = await iterator.next();
    if (next.done) throw new Error(`the terminal ended before ${pattern}; it printed:\n${seen.text}`);
    seen.text += next.value.data;
  }
  return seen.text;
}

describe('a terminal', () => {
  it('runs a command and a shell builtin in the workspace folder', async () => {
    const { id, shell, pid } = await client.call('terminal.create', { cols: 80, rows: 24 });
    expect(shell).toBe('/bin/sh');
    expect(pid).toBeGreaterThan(0);
    const output = client.stream('terminal.attach', { id });
    const iterator = output[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value?.type).toBe('screen');
    const seen = { text: '' };
    await client.call('terminal.write', { id, data: 'ls src; echo "at:$PWD"\r' });
    expect(await readUntil(iterator, /at:\/\S+/, seen)).toContain('hello.txt');
    expect(seen.text).toContain(`at:${root}`);
    await client.call('terminal.write', { id, data: 'cd src && echo "now:$PWD"\r' });
    await readUntil(iterator, /now:\/\S+src/, seen);
    await client.call('terminal.write', { id, data: 'exit 3\r' });
    for (;;) if ((await iterator.next()).done) break;
    expect(await output.result).toEqual({ exitCode: 3, signal: null });
    expect((await client.call('terminal.list')).terminals.map((t) => t.id)).not.toContain(id);
  });

  it('starts in a folder of the workspace, and follows a resize', async () => {
    const { id } = await client.call('terminal.create', { cwd: 'src', cols: 80, rows: 24, name: 'build' });
    const listed = (await client.call('terminal.list')).terminals.find((t) => t.id === id);
    expect(listed).toMatchObject({ name: 'build', cwd: 'src', cols: 80, rows: 24 });
    await client.call('terminal.rename', { id, name: 'tests' });
    expect((await client.call('terminal.list')).terminals.find((t) => t.id === id)?.name).toBe('tests');
    const iterator = client.stream('terminal.attach', { id })[Symbol.asyncIterator]();
    await client.call('terminal.resize', { id, cols: 132, rows: 43 });
    await client.call('terminal.write', { id, data: 'echo "[$(stty size)] in $PWD"\r' });
    const text = await readUntil(iterator, /\[\d+ \d+\] in \S+/);
    expect(text).toContain('[43 132]');
    expect(text).toMatch(/in \/\S+\/src/);
    await client.call('terminal.kill', { id });
  });

  it('is killed with every process of its session, nohup included', async () => {
    const { id, pid } = await client.call('terminal.create', { cols: 80, rows: 24 });
    const output = client.stream('terminal.attach', { id });
    const iterator = output[Symbol.asyncIterator]();
    await client.call('terminal.write', { id, data: 'nohup sleep 1000 >/dev/null 2>&1 & echo "job:$!"\r' });
    const job = Number(/job:(\d+)/.exec(await readUntil(iterator, /job:\d+/))?.[1]);
    expect(alive(job)).toBe(true);
    await client.call('terminal.kill', { id });
    for (;;) if ((await iterator.next()).done) break;
    await output.result;
    expect(await gone(pid)).toBe(true);
    expect(await gone(job)).toBe(true);
    await expect(client.call('terminal.write', { id, data: 'x' })).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
    });
  });

  it('gives a reader that attaches later (a reloaded page) the screen with its scrollback', async () => {
    const { id } = await client.call('terminal.create', { cols: 80, rows: 10 });
    const first = client.stream('terminal.attach', { id });
    const iterator = first[Symbol.asyncIterator]();
    await client.call('terminal.write', {
      id,
      data: 'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do echo "row-$i"; done\r',
    });
    await readUntil(iterator, /row-15/);
    first.cancel(); // the page goes away; the shell stays

    const page = await engine.connect();
    try {
      const again = page.stream('terminal.attach', { id })[Symbol.asyncIterator]();
      const screen = (await again.next()).value as Output;
      expect(screen.type).toBe('screen');
      // rows that scrolled off a 10-row screen come back too
      expect(screen.data).toContain('row-1\r\n');
      expect(screen.data).toContain('row-15');
      await page.call('terminal.write', { id, data: 'echo after-reload\r' });
      await readUntil(again, /after-reload\r\n/);
    } finally {
      page.close();
      await client.call('terminal.kill', { id });
    }
  });
});

describe('back-pressure', () => {
  it('pauses the pty while a reader does not read, then delivers every byte once it does', async () => {
    const { id } = await client.call('terminal.create', { cols: 80, rows: 24 });
    const slow = await engine.connect();
    try {
      const output = slow.stream('terminal.attach', { id });
      const iterator = output[Symbol.asyncIterator]();
      await iterator.next(); // the screen; then the reader stops reading
      // 8 MB the reader does not take; the end marker is computed, so the echoed command line does not hold it
      await client.call('terminal.write', {
        id,
        data: `head -c ${FLOOD} /dev/zero | tr '\\0' x; : > flood.done; echo; echo "end-$((40+2))"\r`,
      });
      expect(
        await waitFor(async () => (await client.call('terminal.list')).terminals.some((t) => t.id === id && t.paused)),
      ).toBe(true);
      // the engine stopped reading: the shell is still blocked writing the flood, not done with it
      expect(existsSync(join(root, 'flood.done'))).toBe(false);
      let xs = 0;
      let tail = '';
      while (!tail.includes('end-42')) {
        const next = await iterator.next();
        if (next.done) throw new Error('the terminal ended during the flood');
        const data = next.value.data;
        for (let at = data.indexOf('x'); at !== -1; at = data.indexOf('x', at + 1)) xs++;
        tail = (tail + data).slice(-64);
      }
      expect(xs).toBeGreaterThanOrEqual(FLOOD);
    } finally {
      slow.close();
      await client.call('terminal.kill', { id });
    }
  }, 30_000);
});

/** Reads a terminal's output in the background: counts what came, acknowledging it only while `acking`. */
function acknowledgingReader(c: RpcClient, id: string) {
  const state = { received: 0, acking: false, unacked: 0, text: '', reader: '', ended: false };
  const done = (async () => {
    for await (const item of c.stream('terminal.attach', { id, acknowledge: true })) {
      if (item.type === 'screen') {
        state.reader = item.reader;
        continue;
      }
      state.received += item.data.length;
      state.unacked += item.data.length;
      state.text = (state.text + item.data).slice(-64);
      if (state.acking && state.unacked >= TERMINAL_ACK_CHARS) {
        const chars = state.unacked;
        state.unacked = 0;
        await c.call('terminal.ack', { id, reader: state.reader, chars });
      }
    }
    state.ended = true;
  })();
  return { state, done };
}

describe('a reader that acknowledges', () => {
  it('has at most the window on its way: an eager reader that does not acknowledge pauses the shell', async () => {
    const { id } = await client.call('terminal.create', { cols: 80, rows: 24 });
    const page = await engine.connect();
    const flood = 2_000_000;
    let reading: Promise<void> | undefined;
    try {
      const { state, done } = acknowledgingReader(page, id);
      reading = done;
      expect(await waitFor(() => state.reader !== '')).toBe(true);
      // a claim to have drawn more than was ever sent grants nothing ahead
      await page.call('terminal.ack', { id, reader: state.reader, chars: 2 ** 30 });
      await client.call('terminal.write', {
        id,
        data: `head -c ${flood} /dev/zero | tr '\\0' x; echo; echo "end-$((40+2))"\r`,
      });
      expect(
        await waitFor(async () => (await client.call('terminal.list')).terminals.some((t) => t.id === id && t.paused)),
      ).toBe(true);
      // what the engine sent while nothing was acknowledged: the window, and the batch and the read that crossed it
      expect(state.received).toBeLessThanOrEqual(TERMINAL_ACK_WINDOW + 16 * 1024 + 64 * 1024);
      expect(state.text).not.toContain('end-42');
      // acknowledged, it goes on to the end
      state.acking = true;
      await page.call('terminal.ack', { id, reader: state.reader, chars: state.unacked });
      state.unacked = 0;
      expect(await waitFor(() => state.text.includes('end-42'), 20_000)).toBe(true);
      expect(state.received).toBeGreaterThanOrEqual(flood);
    } finally {
      await client.call('terminal.kill', { id });
      await reading; // the reader's stream ends with the shell
      page.close();
    }
  }, 30_000);
});

describe('hostile', () => {
  it("refuses an acknowledgement for another connection's reader, and one for a reader that does not exist", async () => {
    const { id } = await client.call('terminal.create', { cols: 80, rows: 24 });
    const page = await engine.connect();
    let reading: Promise<void> | undefined;
    try {
      const { state, done } = acknowledgingReader(page, id);
      reading = done;
      expect(await waitFor(() => state.reader !== '')).toBe(true);
      // another connection (another page, a hostile client) cannot acknowledge for it, nor find out which exist
      await expect(client.call('terminal.ack', { id, reader: state.reader, chars: 1024 })).rejects.toMatchObject({
        code: ErrorCode.NOT_FOUND,
      });
      await expect(page.call('terminal.ack', { id, reader: 'r999', chars: 1024 })).rejects.toMatchObject({
        code: ErrorCode.NOT_FOUND,
      });
      await expect(page.call('terminal.ack', { id, reader: state.reader, chars: -5 } as never)).rejects.toMatchObject({
        code: ErrorCode.BAD_REQUEST,
      });
      // its own acknowledgement is taken
      await expect(page.call('terminal.ack', { id, reader: state.reader, chars: 1024 })).resolves.toEqual({ ok: true });
    } finally {
      await client.call('terminal.kill', { id });
      await reading;
      page.close();
    }
  });

  it.each([
    ['..', 'climbs out'],
    ['/etc', 'absolute'],
    ['escape', 'a symlink to outside'],
    ['src/hello.txt', 'a file'],
    ['missing', 'a folder that does not exist'],
  ])('refuses to start a shell in %s (%s)', async (cwd) => {
    const error = (await client
      .call('terminal.create', { cwd, cols: 80, rows: 24 })
      .catch((e: unknown) => e)) as PaError;
    expect(error.code).toBe(ErrorCode.BAD_REQUEST);
    expect((await client.call('terminal.list')).terminals).toEqual([]);
  });

  it('answers an unknown terminal, or a malformed id, with a typed error', async () => {
    await expect(client.call('terminal.write', { id: 't999', data: 'x' })).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
    });
    await expect(client.call('terminal.kill', { id: '../t1' } as never)).rejects.toMatchObject({
      code: ErrorCode.BAD_REQUEST,
    });
    await expect(client.call('terminal.resize', { id: 't1', cols: 0, rows: 1e9 })).rejects.toMatchObject({
      code: ErrorCode.BAD_REQUEST,
    });
  });
});

describe('when the engine is killed with SIGKILL', () => {
  it('leaves no shell and no job of it running', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pa-term-data-'));
    const doomed = await startEngine({ workspace: root, dataDir, env: { SHELL: '/bin/sh', ENV: '', PS1: '$ ' } });
    try {
      const c = await doomed.connect();
      const { id, pid } = await c.call('terminal.create', { cols: 80, rows: 24 });
      const iterator = c.stream('terminal.attach', { id })[Symbol.asyncIterator]();
      // a job that ignores the hang-up the kernel sends when the pty closes
      await c.call('terminal.write', { id, data: 'nohup sleep 1000 >/dev/null 2>&1 & echo "job:$!"\r' });
      const job = Number(/job:(\d+)/.exec(await readUntil(iterator, /job:\d+/))?.[1]);
      expect(alive(job)).toBe(true);
      doomed.process.kill('SIGKILL');
      expect(await gone(pid)).toBe(true);
      expect(await gone(job)).toBe(true);
    } finally {
      await doomed.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
