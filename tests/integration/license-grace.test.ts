// A license that expired a day ago, in the real built engine: its paid grants stay visible, using them (hosting a
// collaboration session) is refused with E_LICENSE grace_read_only, and a UI polling the refused call leaves one
// coalesced audit row rather than one per call.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, type PaError, type RpcClient } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueLicense } from '../../apps/engine/src/license/vendor.js';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { engineCliFor, testVendorEnv } from '../support/vendor-key.js';

const DAY = 86_400_000;
const vendor = generateKeyPair();
const dataDir = mkdtempSync(join(tmpdir(), 'pa-lic-grace-'));
const env = { ...testVendorEnv(Buffer.from(vendor.publicKey).toString('base64')), PA_SECRETS_BACKEND: 'file' };
const host = { roomId: 'a'.repeat(32), secret: 'b'.repeat(32), files: ['README.md'] };
let engine: StartedEngine;
let client: RpcClient;

beforeAll(async () => {
  // issued 31 days ago for 30 days: expired one day ago, six days of grace left
  const expired = issueLicense(
    { edition: 'team', licensee: 'Late Payer', email: 'late@example.com', days: 30, now: Date.now() - 31 * DAY },
    vendor.secretKey,
  );
  execFileSync(process.execPath, [engineCliFor(env), 'license', 'activate', expired], {
    env: { ...process.env, ...env, PA_DATA_DIR: dataDir },
    encoding: 'utf8',
  });
  engine = await startEngine({ dataDir, env });
  client = await engine.connect();
});

afterAll(async () => {
  await engine?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('an expired license in its grace period', () => {
  it('stays visible as the team edition, read-only, with a warning to renew', async () => {
    const status = await client.call('license.status');
    expect(status).toMatchObject({ state: 'grace', edition: 'team', readOnly: true });
    expect(status.graceEndsAt).toBeGreaterThan(Date.now() + 5 * DAY);
    expect(status.features).toContain('collab.host');
    expect(status.warning).toContain('read-only');
    expect(status.quotas.map((quota) => [quota.metric, quota.limit])).toEqual([
      ['ai_requests', 100],
      ['workflow_runs', 50],
    ]);
  });

  it('refuses to host a session with grace_read_only, and audits a polling UI in one row with a count', async () => {
    for (let i = 0; i < 3; i++) {
      const error = await client.call('collab.host', host).catch((e: PaError) => e);
      expect(error).toMatchObject({
        code: 'E_LICENSE',
        data: { reason: 'grace_read_only', entitlement: 'feature:collab.host' },
      });
      expect((error as PaError).message).toContain('Renew the license');
    }
    const { items } = await client.call('audit.tail', { limit: 10 });
    const denials = items.filter((row) => row.type === 'entitlement.denied');
    expect(denials).toHaveLength(1);
    expect(denials[0]?.detail).toMatchObject({
      entitlement: 'feature:collab.host',
      reason: 'grace_read_only',
      count: 3,
    });
  });
});
