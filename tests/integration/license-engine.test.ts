// Licensing through the real built engine and the real `pa` CLI (the test build, trusting a test vendor key):
// activation over RPC with its event, refusals with reasons, quotas and the audit log.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EventData, generateKeyPair, type PaError, type RpcClient } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueLicense } from '../../apps/engine/src/license/vendor.js';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { engineCliFor, testVendorEnv } from '../support/vendor-key.js';

const vendor = generateKeyPair();
const publicKey = Buffer.from(vendor.publicKey).toString('base64');
const dataDir = mkdtempSync(join(tmpdir(), 'pa-lic-engine-'));
const env = { ...testVendorEnv(publicKey), PA_SECRETS_BACKEND: 'file' };
let engine: StartedEngine;
let client: RpcClient;

beforeAll(async () => {
  engine = await startEngine({ dataDir, env });
  client = await engine.connect();
});

afterAll(async () => {
  await engine?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const license = (edition: 'team' | 'enterprise', days = 30) =>
  issueLicense(
    { edition, licensee: 'Grace Hopper', email: 'grace@example.com', days, now: Date.now() },
    vendor.secretKey,
  );

function pa(...args: string[]): string {
  return execFileSync(process.execPath, [engineCliFor(env), ...args], {
    env: { ...process.env, ...env, PA_DATA_DIR: dataDir },
    encoding: 'utf8',
  });
}

describe('licensing in the engine', () => {
  it('starts as the personal edition with its quotas for today', async () => {
    const status = await client.call('license.status');
    expect(status).toMatchObject({
      state: 'none',
      edition: 'personal',
      license: null,
      keychain: 'unavailable (file fallback)',
    });
    expect(status.quotas.map((q) => [q.metric, q.limit])).toEqual([
      ['ai_requests', 100],
      ['workflow_runs', 50],
    ]);
  });

  it('activates a license, announces the change to every client and reports it in `pa license status`', async () => {
    const watcher = await engine.connect();
    const changed = new Promise<EventData<'license.changed'>>((resolve) => {
      const subscription = watcher.on('license.changed', (data) => {
        subscription.dispose();
        resolve(data);
      });
    });
    const status = await client.call('license.activate', { key: license('team') });
    expect(status).toMatchObject({ state: 'active', edition: 'team', license: { licensee: 'Grace Hopper' } });
    expect(await changed).toMatchObject({ edition: 'team' });
    const cli = JSON.parse(pa('license', 'status', '--json')) as { edition: string; state: string };
    expect(cli).toMatchObject({ edition: 'team', state: 'active' });
  });

  it('refuses a key signed by another vendor with E_LICENSE and the reason, keeping the current license', async () => {
    const stranger = generateKeyPair();
    const foreign = issueLicense(
      { edition: 'enterprise', licensee: 'Mallory', email: 'm@example.com', days: 9999, now: Date.now() },
      stranger.secretKey,
    );
    const error = await client.call('license.activate', { key: foreign }).catch((e: PaError) => e);
    expect(error).toMatchObject({ code: 'E_LICENSE', data: { reason: 'bad_signature' } });
    expect((error as PaError).message).not.toContain(foreign.split('.')[2]);
    expect((await client.call('license.status')).edition).toBe('team');
    const badParams = await client.call('license.activate', { key: '' }).catch((e: PaError) => e);
    expect(badParams).toMatchObject({ code: 'E_BAD_REQUEST' });
  });

  it('shows audit rows over RPC and in `pa audit tail --json`', async () => {
    const { items } = await client.call('audit.tail', { limit: 10 });
    expect(items.map((row) => row.type)).toEqual(['license.installed', 'license.rejected']);
    expect(items[1]).toMatchObject({ actor: expect.any(String), detail: { reason: 'bad_signature' } });
    const rows = JSON.parse(pa('audit', 'tail', '--json')) as Array<{ type: string }>;
    expect(rows.map((row) => row.type)).toEqual(['license.installed', 'license.rejected']);
    expect(JSON.stringify(rows)).not.toMatch(/PA1\./);
  });

  it('goes back to personal when the license is removed', async () => {
    const status = await client.call('license.remove');
    expect(status).toMatchObject({ state: 'none', edition: 'personal' });
    expect((await client.call('quota.usage')).items).toHaveLength(2);
  });

  it('decodes a license without trusting it in `pa license inspect --json`', () => {
    const stranger = generateKeyPair();
    const text = issueLicense(
      { edition: 'team', licensee: 'Inspect Me', email: 'i@example.com', days: 1, now: Date.now() },
      stranger.secretKey,
    );
    const inspected = JSON.parse(pa('license', 'inspect', text, '--json')) as Record<string, unknown>;
    expect(inspected).toMatchObject({
      payload: { licensee: 'Inspect Me' },
      schemaValid: true,
      signature: 'not checked',
    });
    expect(() => pa('license', 'inspect', 'PA2.x.y')).toThrow(/bad_version/);
  });

  it('sees a license that `pa license activate` installed while the engine runs', async () => {
    expect(pa('license', 'activate', license('enterprise'))).toContain('edition:       enterprise');
    expect(await client.call('license.status')).toMatchObject({ state: 'active', edition: 'enterprise' });
  });
});
