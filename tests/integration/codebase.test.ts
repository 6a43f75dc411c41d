// The codebase index through the real, built engine over its WebSocket: indexing starts when a folder opens (in
// the worker thread) and reports progress as `codebase.changed`; search on keywords, then hybrid once the tiny ONNX
// model is set; a saved file is searchable at once; `@codebase` puts the retrieved chunks in the request the
// provider received (checked on the loopback server) and never an .aiignore'd file; `@file` of such a file is
// refused; the index survives an engine restart; hostile params get typed errors.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, type IndexStatus, type RpcClient } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyEmbedModel } from '../../scripts/make-tiny-onnx.js';
import { collectAiStream as collect } from '../support/ai-stream.js';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { errorOf } from '../support/error-of.js';
import { type LoopbackProvider, startLoopbackOpenAI } from '../support/loopback-providers.js';
import { TempFolders, writeBelow } from '../support/workspace.js';

const folders = new TempFolders();

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the codebase index in the engine', () => {
  let root: string;
  let dataDir: string;
  let engine: StartedEngine;
  let client: RpcClient;
  let remote: LoopbackProvider;
  const events: IndexStatus[] = [];

  const ready = (files: number) =>
    until(
      () => client.call('codebase.status'),
      (status) => status.state === 'ready' && status.filesIndexed >= files,
      'the index to be ready',
    );

  beforeAll(async () => {
    root = folders.make('pa-codebase-ws-');
    dataDir = folders.make('pa-codebase-data-');
    writeBelow(
      root,
      'src/account.ts',
      '/** Removes a user and everything they own. */\nexport async function deleteAccount(userId: string) {\n  await users.remove(userId);\n}\n',
    );
    writeBelow(
      root,
      'src/http.ts',
      'export async function fetchJson(url: string) {\n  return (await fetch(url)).json();\n}\n',
    );
    writeBelow(root, '.aiignore', 'secrets/\n');
    writeBelow(root, 'secrets/keys.ts', 'export function deleteAccountKey() { return "sk-never-leaves-31337"; }\n');
    remote = await startLoopbackOpenAI({ kind: 'ok', text: 'See src/account.ts:2.' });
    engine = await startEngine({ dataDir, workspace: root, keepDataDir: true });
    client = await engine.connect();
    client.on('codebase.changed', (status) => events.push(status));
    await client.call('ai.providers.add', {
      id: 'remote',
      kind: 'openai-compatible',
      modelClass: 'own_key',
      model: 'gpt-loop',
      baseURL: remote.baseURL,
      apiKey: 'sk-test',
      tasks: ['chat', 'code-edit'],
    });
  });

  afterAll(async () => {
    await client?.close();
    await engine?.stop();
    await remote?.close();
    folders.removeAll();
  });

  it('indexes the folder once it opens, on keywords until a model is set', async () => {
    const status = await ready(3);
    expect(status.embeddingModel).toBeNull();
    expect(status.embeddingsNote).toMatch(/^No embedding model is set/);
    expect(events.some((event) => event.state === 'indexing')).toBe(true);
    const result = await client.call('codebase.search', { query: 'delete account' });
    expect(result.hybrid).toBe(false);
    expect(result.hits[0]).toMatchObject({ path: 'src/account.ts', name: 'deleteAccount', startLine: 1 });
    expect(result.hits.map((hit) => hit.path)).not.toContain('secrets/keys.ts');
  });

  it.runIf(process.platform === 'linux')('indexes at a lower priority than the engine answers requests', () => {
    const pid = engine.process.pid as number;
    const niceOf = (tid: string) => {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    };
    const threads = readdirSync(`/proc/${pid}/task`);
    expect(niceOf(String(pid))).toBe(0);
    expect(threads.map(niceOf)).toContain(10);
  });

  it('stays on keywords, saying why, when the chosen model is not a model', async () => {
    const tiny = ensureTinyEmbedModel();
    const fake = folders.make('pa-codebase-fake-model-');
    writeFileSync(join(fake, 'model.onnx'), 'this is not an ONNX protobuf');
    writeFileSync(join(fake, 'tokenizer.json'), readFileSync(tiny.tokenizerPath));
    const status = await client.call('codebase.setModel', { path: join(fake, 'model.onnx') });
    expect(status.embeddingModel).toBeNull();
    expect(status.embeddingsNote).toMatch(/could not be loaded.*keywords only/s);
    expect((await client.call('codebase.search', { query: 'delete account' })).hits[0]?.name).toBe('deleteAccount');
  });

  it('searches by meaning once the tiny ONNX model is set', async () => {
    const tiny = ensureTinyEmbedModel();
    const status = await client.call('codebase.setModel', { path: tiny.modelPath });
    expect(status.embeddingModel).not.toBeNull();
    await until(
      () => client.call('codebase.status'),
      (now) => now.state === 'ready' && now.embedded === now.chunks && now.chunks > 0,
      'every chunk to have a vector',
    );
    const result = await client.call('codebase.search', { query: 'erase person', limit: 3 });
    expect(result.hybrid).toBe(true);
    expect(result.hits[0]).toMatchObject({ path: 'src/account.ts', name: 'deleteAccount', via: ['vector'] });
  });

  it('makes a saved file searchable', async () => {
    await client.call('files.write', {
      path: 'src/billing.ts',
      content: 'export function refundInvoice(invoiceId: string) {\n  return invoiceId;\n}\n',
    });
    const found = await until(
      () => client.call('codebase.search', { query: 'refund invoice', mode: 'keyword' }),
      (result) => result.hits[0]?.name === 'refundInvoice',
      'the saved function',
    );
    expect(found.hits[0]?.path).toBe('src/billing.ts');
    // a change made by another program (the watcher's report) too
    writeFileSync(join(root, 'src/http.ts'), 'export function postForm(url: string) {\n  return url;\n}\n');
    await until(
      () => client.call('codebase.search', { query: 'post form', mode: 'keyword' }),
      (result) => result.hits[0]?.name === 'postForm',
      'the changed function',
    );
  });

  it('puts the retrieved chunks in the request the provider received, and never an .aiignored file', async () => {
    const stream = client.stream('ai.chat', {
      messages: [{ role: 'user', content: 'How do we delete an account?' }],
      mentions: [{ kind: 'codebase' }],
      provider: 'remote',
    });
    const items: Array<{ text: string; context?: unknown[] }> = [];
    for await (const item of stream) items.push(item);
    const answer = await stream.result;
    expect(items[0]?.context).toEqual(answer.context);
    expect(answer.context?.[0]).toMatchObject({ source: 'codebase', path: 'src/account.ts', startLine: 1 });
    const body = remote.requests.at(-1)?.body as { messages: Array<{ role: string; content: string }> };
    const sent = body.messages.at(-1)?.content ?? '';
    expect(sent).toContain('export async function deleteAccount(userId: string)');
    expect(sent).toContain('src/account.ts:1-');
    expect(sent).toMatch(/Question: How do we delete an account\?$/);
    expect(JSON.stringify(body)).not.toContain('sk-never-leaves-31337');
  });

  it('gives a Ctrl+K edit the related code its instruction and selection retrieve', async () => {
    const end = await collect(
      client.stream('ai.edit', {
        instruction: 'Call the account removal helper here',
        code: 'export function closeUser(id: string) {\n  // TODO\n}\n',
        path: 'src/admin.ts',
        mentions: [{ kind: 'codebase' }],
        provider: 'remote',
      }),
    );
    expect(end).toMatchObject({ kind: 'done' });
    if (end.kind !== 'done') return;
    expect(end.answer.context?.map((used) => used.path)).toContain('src/account.ts');
    const body = remote.requests.at(-1)?.body as { messages: Array<{ role: string; content: string }> };
    const sent = body.messages.at(-1)?.content ?? '';
    expect(sent).toContain('export async function deleteAccount(userId: string)');
    expect(sent).toMatch(/\n\nInstruction: Call the account removal helper here/);
  });

  it('sends the start of a mentioned file that is too large, bounded', async () => {
    writeBelow(root, 'logs/huge.log', `first line of the log\n${'x'.repeat(80)}\n`.repeat(40_000));
    const end = await collect(
      client.stream('ai.chat', {
        messages: [{ role: 'user', content: 'What does the log say?' }],
        mentions: [{ kind: 'file', path: 'logs/huge.log' }],
        provider: 'remote',
      }),
    );
    expect(end).toMatchObject({ kind: 'done' });
    if (end.kind !== 'done') return;
    expect(end.answer.context).toEqual([
      { source: 'file', path: 'logs/huge.log', startLine: 1, endLine: expect.any(Number), name: null, chars: 16_000 },
    ]);
    const body = remote.requests.at(-1)?.body as { messages: Array<{ role: string; content: string }> };
    const sent = body.messages.at(-1)?.content ?? '';
    expect(sent).toContain('first line of the log');
    expect(sent.length).toBeLessThan(17_000);
  });

  it('refuses @file of an .aiignored file and of a path outside the folder, sending nothing', async () => {
    const before = remote.requests.length;
    const ignored = await collect(
      client.stream('ai.chat', {
        messages: [{ role: 'user', content: 'What is in here?' }],
        mentions: [{ kind: 'file', path: 'secrets/keys.ts' }],
        provider: 'remote',
      }),
    );
    expect(ignored).toMatchObject({ kind: 'error', code: ErrorCode.FORBIDDEN });
    const outside = await collect(
      client.stream('ai.chat', {
        messages: [{ role: 'user', content: 'What is in here?' }],
        mentions: [{ kind: 'file', path: '../../etc/passwd' }],
        provider: 'remote',
      }),
    );
    expect(outside).toMatchObject({ kind: 'error', code: ErrorCode.BAD_REQUEST });
    expect(remote.requests.length).toBe(before);
  });

  it('answers bad params and a missing model with typed errors', async () => {
    expect(await errorOf(client.call('codebase.search', { query: '' }))).toMatchObject({ code: ErrorCode.BAD_REQUEST });
    expect(await errorOf(client.call('codebase.search', { query: 'x', limit: 100_000 } as never))).toMatchObject({
      code: ErrorCode.BAD_REQUEST,
    });
    expect(await errorOf(client.call('codebase.setModel', { path: join(root, 'nope.onnx') }))).toMatchObject({
      code: ErrorCode.NOT_FOUND,
    });
    expect(await errorOf(client.call('codebase.setModel', { path: 'relative.onnx' }))).toMatchObject({
      code: ErrorCode.BAD_REQUEST,
    });
    // an FTS5 expression in the query is only words
    const tricky = await client.call('codebase.search', { query: 'NEAR(delete account) OR path:* "' });
    expect(tricky.hits[0]?.name).toBe('deleteAccount');
  });

  it('keeps its index across an engine restart', async () => {
    const before = await client.call('codebase.status');
    await client.close();
    await engine.stop();
    engine = await startEngine({ dataDir, workspace: root, keepDataDir: true });
    client = await engine.connect();
    const after = await ready(before.filesIndexed);
    expect(after).toMatchObject({ chunks: before.chunks, embedded: before.embedded });
    expect(after.embeddingModel).toBe(before.embeddingModel);
    expect((await client.call('codebase.search', { query: 'erase person', limit: 1 })).hits[0]?.name).toBe(
      'deleteAccount',
    );
  });
});
