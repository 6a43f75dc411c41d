// Starts the built engine for the AI benchmarks: an enterprise license (a throwaway vendor key, trusted by the
// test build through testVendorEnv) so thousands of requests are not stopped by the personal edition's daily quota, and an
// optional provider settings file written into the data dir before start (router settings have no RPC).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AiSettingsFile, ParamsIn, RpcClient } from '@pa/shared';
import { issueLicense, readSecretKey, writeKeyPair } from '../../apps/engine/src/license/vendor.js';
import { type StartedEngine, startEngine } from '../../tests/support/engine.js';
import { testVendorEnv } from '../../tests/support/vendor-key.js';

export interface AiBenchEngine {
  engine: StartedEngine;
  client: RpcClient;
  stop(): Promise<void>;
}

export async function startAiBenchEngine(settings?: AiSettingsFile): Promise<AiBenchEngine> {
  const keys = mkdtempSync(join(tmpdir(), 'pa-bench-keys-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'pa-bench-data-'));
  const pair = writeKeyPair(join(keys, 'vendor'));
  if (settings) writeFileSync(join(dataDir, 'ai-providers.json'), JSON.stringify(settings));
  const engine = await startEngine({ dataDir, env: testVendorEnv(pair.publicKeyFile) });
  const client = await engine.connect();
  const key = issueLicense(
    { edition: 'enterprise', licensee: 'Bench', email: 'bench@example.com', days: 30, now: Date.now() },
    readSecretKey(pair.privateKeyFile),
  );
  await client.call('license.activate', { key });
  return {
    engine,
    client,
    async stop() {
      await engine.stop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(keys, { recursive: true, force: true });
    },
  };
}

/** Time from the start of an ai.chat stream to its first token, and until its end (rejects with its error). */
export async function timeChat(
  client: RpcClient,
  params: ParamsIn<'ai.chat'>,
): Promise<{ ttftMs: number; tokens: number; firstAt: number; lastAt: number; doneAt: number }> {
  const start = performance.now();
  let firstAt = -1;
  let lastAt = -1;
  let tokens = 0;
  const stream = client.stream('ai.chat', params);
  for await (const _token of stream) {
    const now = performance.now();
    if (firstAt < 0) firstAt = now;
    lastAt = now;
    tokens += 1;
  }
  await stream.result;
  return { ttftMs: firstAt - start, tokens, firstAt, lastAt, doneAt: performance.now() };
}
