// Starts the built engine for the AI benchmarks: an enterprise license (a throwaway vendor key, trusted by the
// test build through testVendorEnv) so thousands of requests are not stopped by the personal edition's daily quota, and an
// optional provider settings file written into the data dir before start (router settings have no RPC).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AiSettingsFile, RpcClient } from '@pa/shared';
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

/** Time from the call to the first ai.token of an ai.chat stream, and until ai.done. */
export function timeChat(
  client: RpcClient,
  params: Parameters<RpcClient['call']>[1] & object,
): Promise<{ ttftMs: number; tokens: number; firstAt: number; lastAt: number; doneAt: number }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    let firstAt = -1;
    let lastAt = -1;
    let tokens = 0;
    client
      .call('ai.chat', params as never)
      .then(({ streamId }) => {
        const subscription = client.onStream(streamId, (event, data) => {
          if (event === 'ai.token') {
            const now = performance.now();
            if (firstAt < 0) firstAt = now;
            lastAt = now;
            tokens += 1;
          } else if (event === 'ai.done') {
            // deferred: early events are replayed inside onStream, before `subscription` is assigned
            queueMicrotask(() => subscription.dispose());
            resolve({ ttftMs: firstAt - start, tokens, firstAt, lastAt, doneAt: performance.now() });
          } else if (event === 'ai.error') {
            // deferred: early events are replayed inside onStream, before `subscription` is assigned
            queueMicrotask(() => subscription.dispose());
            reject(new Error((data as { message: string }).message));
          }
        });
      })
      .catch(reject);
  });
}
