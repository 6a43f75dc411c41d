// Settings › Privacy and AI against the real engine and loopback providers over HTTP: with "Allow Remote Models"
// off no prompt and no health check reaches a network provider (the chat says why), turning it back on applies
// without a restart, and the first-token deadline of Settings › AI cuts a silent provider short. Hostile: the
// workspace's settings.json (a cloned repository writes it) cannot turn remote models on, trusted or not.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, type RpcClient } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectAiStream as collect } from '../support/ai-stream.js';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { type LoopbackProvider, startLoopbackOpenAI } from '../support/loopback-providers.js';

const HEALTH_MS = 100;

describe('Settings › Privacy › Allow Remote Models', () => {
  let engine: StartedEngine;
  let client: RpcClient;
  let cloud: LoopbackProvider;
  let silent: LoopbackProvider;
  let root: string;
  let dataDir: string;

  const chat = (provider?: string) =>
    collect(
      client.stream('ai.chat', {
        messages: [{ role: 'user', content: 'the secret plan' }],
        ...(provider ? { provider } : {}),
      }),
    );

  beforeAll(async () => {
    cloud = await startLoopbackOpenAI({ kind: 'ok', text: 'from the cloud' });
    silent = await startLoopbackOpenAI({ kind: 'silent' });
    root = mkdtempSync(join(tmpdir(), 'pa-privacy-ws-'));
    dataDir = mkdtempSync(join(tmpdir(), 'pa-privacy-data-'));
    // off from the first moment: not even the first health check may go out
    writeFileSync(join(dataDir, 'settings.json'), '{ "privacy.allowRemoteModels": false }\n');
    writeFileSync(
      join(dataDir, 'ai-providers.json'),
      JSON.stringify({
        version: 1,
        providers: [
          { id: 'cloud', kind: 'openai-compatible', modelClass: 'own_key', model: 'gpt-loop', baseURL: cloud.baseURL },
        ],
        router: { breakerCooldownMs: 30_000, healthIntervalMs: HEALTH_MS },
      }),
    );
    engine = await startEngine({ dataDir, workspace: root });
    client = await engine.connect();
  });

  afterAll(async () => {
    await engine?.stop();
    await cloud?.close();
    await silent?.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends nothing to a network provider while off, and the chat says which setting stops it', async () => {
    const end = await chat();
    expect(end.kind).toBe('error');
    if (end.kind !== 'error') return;
    expect(end.code).toBe(ErrorCode.UNAVAILABLE);
    expect(end.message).toMatch(
      /^Remote models are off \(Settings › Privacy › Allow Remote Models\) and no local model/,
    );
    expect(end.message).toContain('cloud: remote models are off');
    // pinned, and Test in Model settings: refused the same way
    expect(await chat('cloud')).toMatchObject({ kind: 'error', code: ErrorCode.UNAVAILABLE });
    const test = await client.call('ai.providers.test', { id: 'cloud' });
    expect(test.ok).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, HEALTH_MS * 4));
    expect(cloud.requests).toHaveLength(0);
    expect(cloud.modelListCalls).toBe(0);
  });

  it('ignores a workspace settings.json that turns them on, even in a trusted workspace', async () => {
    mkdirSync(join(root, '.claudeeditor'), { recursive: true });
    writeFileSync(join(root, '.claudeeditor', 'settings.json'), '{ "privacy.allowRemoteModels": true }\n');
    await client.call('workflow.trust.set', { trusted: true });
    const snapshot = await client.call('settings.get');
    expect(snapshot.workspace?.values).toEqual({});
    expect(snapshot.workspace?.problems.map((problem) => [problem.kind, problem.key])).toEqual([
      ['scope', 'privacy.allowRemoteModels'],
    ]);
    expect(await chat()).toMatchObject({ kind: 'error', code: ErrorCode.UNAVAILABLE });
    expect(cloud.requests).toHaveLength(0);
    // and the Settings view cannot be made to write it there either
    const refused = await client
      .call('settings.set', { scope: 'workspace', key: 'privacy.allowRemoteModels', value: true })
      .then(
        () => null,
        (error: { code?: string }) => error.code,
      );
    expect(refused).toBe(ErrorCode.BAD_REQUEST);
  });

  it('answers from the network provider again as soon as the user turns them on, no restart', async () => {
    await client.call('settings.set', { scope: 'user', key: 'privacy.allowRemoteModels', value: true });
    const end = await chat();
    expect(end).toMatchObject({ kind: 'done', answer: { text: 'from the cloud', route: { providerId: 'cloud' } } });
    expect(cloud.requests).toHaveLength(1);
    await expect.poll(() => cloud.modelListCalls, { timeout: 5_000 }).toBeGreaterThan(0);
  });

  it("gives a silent network provider Settings › AI's first-token deadline", async () => {
    await client.call('ai.providers.add', {
      id: 'silent',
      kind: 'openai-compatible',
      modelClass: 'own_key',
      model: 'gpt-silent',
      baseURL: silent.baseURL,
    });
    await client.call('settings.set', { scope: 'user', key: 'ai.remoteFirstTokenTimeout', value: 1 });
    const started = performance.now();
    const end = await chat('silent');
    const took = performance.now() - started;
    expect(end.kind).toBe('error');
    if (end.kind !== 'error') return;
    expect(end.message).toContain('sent no first token within 1000 ms');
    // the built-in default is 10 s
    expect(took).toBeLessThan(5_000);
  });
});
