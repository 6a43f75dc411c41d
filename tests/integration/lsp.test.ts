// The lsp capability against the real engine over its WebSocket, with a real language server (pyright, from the npm
// registry: pure JavaScript, so it runs wherever node does): initialize, hover across files, definition, diagnostics
// of a type error. Hostile: an untrusted workspace starts nothing; a server writing garbage, a 50 MB message, one
// that never answers, one that keeps crashing and one that floods diagnostics are contained; no server outlives an
// engine killed with SIGKILL. The hostile servers are one script (fixtures/hostile-lsp-server.mjs) put on PATH as
// pyright-langserver, its behaviour chosen per workspace.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, type Item, type RpcClient } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { errorOf } from '../support/error-of.js';
import { alive, gone } from '../support/process.js';
import { TempFolders } from '../support/workspace.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const nodeDir = dirname(process.execPath);
const temps = new TempFolders();
const temp = (prefix: string) => temps.make(prefix);

afterAll(() => temps.removeAll());

/** Reads `lsp.messages` until an item matches. */
async function until(
  iterator: AsyncIterator<Item<'lsp.messages'>>,
  match: (item: Item<'lsp.messages'>) => boolean,
): Promise<Item<'lsp.messages'>> {
  for (;;) {
    const next = await iterator.next();
    if (next.done) throw new Error('lsp.messages ended before the item came');
    if (match(next.value)) return next.value;
  }
}

describe('with pyright', () => {
  let root: string;
  let engine: StartedEngine;
  let client: RpcClient;
  const main = 'from util import greet\n\nmessage: int = greet("world")\n';

  beforeAll(async () => {
    root = temp('pa-lsp-py-');
    writeFileSync(
      join(root, 'util.py'),
      'def greet(name: str) -> str:\n    """Says hello."""\n    return "hello " + name\n',
    );
    writeFileSync(join(root, 'main.py'), main);
    engine = await startEngine({ workspace: root, env: { PATH: `${join(repo, 'node_modules/.bin')}:${nodeDir}` } });
    client = await engine.connect();
    await client.call('workflow.trust.set', { trusted: true });
  });

  afterAll(async () => {
    await engine?.stop();
  });

  it('starts the server, hovers a symbol from another file, goes to its definition and reports the type error', async () => {
    const started = await client.call('lsp.start', { language: 'python' });
    expect(started).toMatchObject({ state: 'running', command: 'pyright-langserver' });
    expect(started.state === 'running' && started.features).toMatchObject({ hover: true, definition: true });

    const messages = client.stream('lsp.messages', { language: 'python' })[Symbol.asyncIterator]();
    await client.call('lsp.sync', {
      language: 'python',
      path: 'main.py',
      change: { type: 'open', languageId: 'python', version: 1, text: main },
    });
    const greet = { line: 2, character: 16 };
    const { hover } = await client.call('lsp.hover', { language: 'python', path: 'main.py', position: greet });
    expect(hover?.markdown).toMatch(/def greet\(\s*name: str\s*\) -> str/);
    expect(hover?.markdown).toContain('Says hello.');

    const { locations } = await client.call('lsp.definition', { language: 'python', path: 'main.py', position: greet });
    expect(locations).toEqual([
      { path: 'util.py', range: expect.objectContaining({ start: { line: 0, character: 4 } }) },
    ]);

    const diagnostics = await until(messages, (item) => item.type === 'diagnostics' && item.path === 'main.py');
    expect(diagnostics).toMatchObject({
      diagnostics: [expect.objectContaining({ severity: 1, message: expect.stringMatching(/"str".*"int"/s) })],
    });

    // an edit that fixes it clears the file's diagnostics
    await client.call('lsp.sync', {
      language: 'python',
      path: 'main.py',
      change: {
        type: 'change',
        version: 2,
        changes: [{ range: { start: { line: 2, character: 9 }, end: { line: 2, character: 12 } }, text: 'str' }],
      },
    });
    await until(
      messages,
      (item) => item.type === 'diagnostics' && item.path === 'main.py' && item.diagnostics.length === 0,
    );
    await messages.return?.();
  });

  it('refuses a path outside the workspace before the server hears of it', async () => {
    const error = await errorOf(
      client.call('lsp.hover', { language: 'python', path: '../etc/passwd', position: { line: 0, character: 0 } }),
    );
    expect(error.code).toBe(ErrorCode.BAD_REQUEST);
  });
});

describe('hostile workspaces and servers', () => {
  let engine: StartedEngine;
  let client: RpcClient;
  let bin: string;

  /** A workspace whose server (the hostile script) behaves as `mode` says. */
  function workspace(mode: string): string {
    const root = temp(`pa-lsp-${mode}-`);
    writeFileSync(join(root, '.lsp-mode'), mode);
    return root;
  }
  const startedPids = (root: string): number[] =>
    existsSync(join(root, '.server-started'))
      ? readFileSync(join(root, '.server-started'), 'utf8').trim().split('\n').map(Number)
      : [];
  async function open(root: string, trusted = true): Promise<void> {
    await client.call('workspace.open', { path: root, confirm: true });
    if (trusted) await client.call('workflow.trust.set', { trusted: true });
  }
  const hover = () =>
    client.call('lsp.hover', { language: 'python', path: 'a.py', position: { line: 0, character: 0 } });

  beforeAll(async () => {
    bin = temp('pa-lsp-bin-');
    mkdirSync(bin, { recursive: true });
    const script = join(repo, 'tests/integration/fixtures/hostile-lsp-server.mjs');
    writeFileSync(join(bin, 'pyright-langserver'), `#!/bin/sh\nexec "${process.execPath}" "${script}" "$@"\n`);
    chmodSync(join(bin, 'pyright-langserver'), 0o755);
    engine = await startEngine({ workspace: workspace('plain'), env: { PATH: bin, PA_LSP_TIMEOUT_MS: '700' } });
    client = await engine.connect();
  });

  afterAll(async () => {
    await engine?.stop();
  });

  it('starts no server in an untrusted workspace and says to trust the folder', async () => {
    const root = workspace('plain');
    await open(root, false);
    const error = await errorOf(client.call('lsp.start', { language: 'python' }));
    expect(error.code).toBe(ErrorCode.UNAUTHORIZED);
    expect(error.data).toEqual({ trustNeeded: true });
    expect(error.message).toMatch(/^Trust this folder to start the Python language server/);
    expect(startedPids(root)).toEqual([]);
  });

  it('answers a missing server with the commands that install one', async () => {
    const root = workspace('plain');
    await open(root);
    // the Go server is nowhere on this engine's PATH
    expect(await client.call('lsp.start', { language: 'go' })).toEqual({
      state: 'missing',
      name: 'Go language server (gopls)',
      message: expect.stringContaining('No Go language server (gopls) was found on PATH'),
      install: ['go install golang.org/x/tools/gopls@latest'],
    });
  });

  it('times out a request the server never answers, and keeps serving', async () => {
    await open(workspace('silent'));
    await client.call('lsp.start', { language: 'python' });
    const error = await errorOf(hover());
    expect(error.code).toBe(ErrorCode.TIMEOUT);
    expect(await client.call('engine.ping')).toMatchObject({ pong: true });
  });

  for (const [mode, what] of [
    ['garbage', 'non-LSP bytes on stdout'],
    ['huge', 'a 50 MB message'],
  ] as const) {
    it(`kills a server that writes ${what} instead of buffering it, and restarts it`, async () => {
      const root = workspace(mode);
      await open(root);
      await client.call('lsp.start', { language: 'python' });
      const messages = client.stream('lsp.messages', { language: 'python' })[Symbol.asyncIterator]();
      const [first] = startedPids(root);
      expect((await errorOf(hover())).code).toBe(ErrorCode.UNAVAILABLE);
      expect(await gone(first ?? 0)).toBe(true);
      await until(messages, (item) => item.type === 'state' && item.state === 'restarting');
      await until(messages, (item) => item.type === 'state' && item.state === 'running');
      expect(startedPids(root)).toHaveLength(2);
      await messages.return?.();
    });
  }

  it('restarts a crashing server a bounded number of times, then tells the user it stopped', async () => {
    const root = workspace('crash');
    await open(root);
    await client.call('lsp.start', { language: 'python' });
    const states: string[] = [];
    // the stream ends when the engine gives the server up
    for await (const item of client.stream('lsp.messages', { language: 'python' })) {
      if (item.type === 'state') states.push(item.state);
    }
    expect(states.at(-1)).toBe('stopped');
    // the first start plus three restarts, then no more
    expect(startedPids(root)).toHaveLength(4);
    const error = await errorOf(hover());
    expect(error.code).toBe(ErrorCode.UNAVAILABLE);
  });

  it('folds a flood of diagnostics for a slow reader into the newest per file', async () => {
    const root = workspace('flood');
    await open(root);
    await client.call('lsp.start', { language: 'python' });
    const messages = client.stream('lsp.messages', { language: 'python' })[Symbol.asyncIterator]();
    const latest = new Map<string, string>();
    const seen: string[] = [];
    // a flood that never settles fails with what it saw, not with vitest's bare timeout (it did once under load)
    const deadline = Date.now() + 30_000;
    while (latest.size < 10 || [...latest.values()].some((message) => message !== 'final')) {
      const next = await Promise.race([
        until(messages, (item) => item.type === 'diagnostics' || item.type === 'state'),
        new Promise<null>((done) => setTimeout(() => done(null), Math.max(0, deadline - Date.now()))),
      ]);
      if (next === null)
        throw new Error(
          `no final diagnostics for every file in 30 s: ${JSON.stringify({ latest: [...latest], last: seen.slice(-20) })}`,
        );
      if (next.type === 'state') seen.push(`state ${next.state}`);
      if (next.type === 'diagnostics') {
        latest.set(next.path, next.diagnostics[0]?.message ?? '');
        seen.push(`${next.path} ${next.diagnostics[0]?.message ?? ''}`);
      }
    }
    expect([...latest.keys()].sort()).toEqual([...Array(10).keys()].map((n) => `flood${n}.py`).sort());
    await messages.return?.();
  });

  // last: it kills this block's engine
  it('leaves no server running when the engine is killed with SIGKILL', async () => {
    const root = workspace('plain');
    await open(root);
    await client.call('lsp.start', { language: 'python' });
    const [pid] = startedPids(root);
    expect(alive(pid ?? 0)).toBe(true);
    engine.process.kill('SIGKILL');
    expect(await gone(pid ?? 0)).toBe(true);
  });
});
