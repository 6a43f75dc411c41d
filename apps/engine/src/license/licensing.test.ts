// The licensing capability with a real SQLite store, the encrypted-file secrets store and a fake clock.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeLicense, keyPairFromSeed, type LicensePayload, PaError } from '@pa/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionSet } from '../rpc/connection.js';
import { createSecrets } from '../secrets/index.js';
import { openStore, type Store } from '../store/index.js';
import { SALT_FILE } from './fingerprint.js';
import { createLicensing, type Licensing } from './index.js';
import { buildLicensePayload, signActivation } from './vendor.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 25, 9);
const vendor = keyPairFromSeed(new Uint8Array(32).fill(3));
const API_KEY = 'sk-test-DO-NOT-LEAK-0123456789abcdef';

interface Harness {
  licensing: Licensing;
  store: Store;
  dataDir: string;
  logs: string[];
  clock: { now: number };
  reopen(): Harness;
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function harness(dataDir = mkdtempSync(join(tmpdir(), 'pa-lic-')), clock = { now: T0 }, logs: string[] = []): Harness {
  const store = openStore(join(dataDir, 'powerautomation.db'));
  const secrets = createSecrets({ dataDir }, { PA_SECRETS_BACKEND: 'file' });
  const licensing = createLicensing(
    {
      dataDir,
      store,
      clock: () => clock.now,
      connections: new ConnectionSet(),
      log: (line) => logs.push(JSON.stringify(line)),
    },
    secrets,
    { publicKey: vendor.publicKey },
  );
  cleanups.push(() => licensing.dispose?.());
  cleanups.push(() => store.close());
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  return { licensing, store, dataDir, logs, clock, reopen: () => harness(dataDir, clock, logs) };
}

function issue(overrides: Partial<LicensePayload> = {}, days = 30): string {
  return encodeLicense(
    {
      ...buildLicensePayload({ edition: 'team', licensee: 'Ada Lovelace', email: 'ada@example.com', days, now: T0 }),
      ...overrides,
    },
    vendor.secretKey,
  );
}

const actor = { actor: 'test', connection: { id: 1, emit: () => {}, onDidClose: () => () => {} } };
const call = <T>(fn: () => T): PaError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof PaError) return error;
    throw error;
  }
  throw new Error('expected a PaError');
};

describe('licensing', () => {
  it('is the personal edition without a license and denies hosting with the entitlement named', () => {
    const { licensing } = harness();
    expect(licensing.status()).toMatchObject({
      state: 'none',
      edition: 'personal',
      keychain: 'unavailable (file fallback)',
    });
    expect(licensing.entitlements.allows({ kind: 'feature', feature: 'collab.join' })).toBe(true);
    const error = call(() => licensing.entitlements.require({ kind: 'feature', feature: 'collab.host' }, 'ui'));
    expect(error.code).toBe('E_LICENSE');
    expect(error.message).toContain('feature:collab.host');
    expect(error.data).toMatchObject({ entitlement: 'feature:collab.host', requiredEdition: 'professional' });
    expect(licensing.audit.record).toBeTypeOf('function');
    expect(licensing.status().quotas.find((q) => q.metric === 'ai_requests')).toMatchObject({ limit: 100, used: 0 });
  });

  it('activates a team license, keeps it across a restart and audits it', async () => {
    const h = harness();
    const status = await h.licensing.handlers['license.activate']?.({ key: `${issue()}\n` }, actor);
    expect(status).toMatchObject({
      state: 'active',
      edition: 'team',
      daysLeft: 30,
      license: { licensee: 'Ada Lovelace' },
    });
    expect(h.licensing.entitlements.collabParticipantLimit()).toBe(25);
    expect(h.licensing.entitlements.allows({ kind: 'component', component: 'operations' })).toBe(true);
    const again = h.reopen();
    expect(again.licensing.status()).toMatchObject({ state: 'active', edition: 'team' });
    const tail = again.licensing.handlers['audit.tail']?.(undefined, actor);
    expect(tail).toMatchObject({ items: [{ type: 'license.installed', actor: 'test', detail: { edition: 'team' } }] });
  });

  it('picks up a license another process installed or removed on the same data dir', () => {
    const engine = harness();
    const cli = engine.reopen();
    cli.licensing.handlers['license.activate']?.({ key: issue() }, actor);
    expect(engine.licensing.status()).toMatchObject({ state: 'active', edition: 'team' });
    cli.licensing.handlers['license.remove']?.(undefined, actor);
    expect(engine.licensing.status()).toMatchObject({ state: 'none', edition: 'personal' });
  });

  it('refuses a tampered key with its reason, stores nothing, and writes the reason to the audit log', () => {
    const h = harness();
    const [head, body, signature = ''] = issue().split('.');
    const tampered = `${head}.${body}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    const error = call(() => h.licensing.handlers['license.activate']?.({ key: tampered }, actor));
    expect(error).toMatchObject({ code: 'E_LICENSE', data: { reason: 'bad_signature' } });
    expect(h.licensing.status().state).toBe('none');
    expect(h.licensing.handlers['audit.tail']?.({ limit: 5 }, actor)).toMatchObject({
      items: [{ type: 'license.rejected', detail: { reason: 'bad_signature' } }],
    });
  });

  it('goes read-only with a warning after expiry, then back to personal when the grace period ends', () => {
    const h = harness();
    h.licensing.handlers['license.activate']?.({ key: issue({}, 10) }, actor);
    h.clock.now = T0 + 10 * DAY + 1000;
    expect(h.licensing.status()).toMatchObject({ state: 'grace', edition: 'team', readOnly: true, daysLeft: -1 });
    expect(h.licensing.status().warning).toContain('read-only');
    expect(h.licensing.entitlements.state()).toMatchObject({ edition: 'team', readOnly: true });
    h.clock.now = T0 + 17 * DAY + 1000;
    expect(h.licensing.status()).toMatchObject({
      state: 'rejected',
      edition: 'personal',
      rejection: { reason: 'expired' },
    });
  });

  it('treats a clock set back more than 10 minutes as tampering and audits it', () => {
    const h = harness();
    h.licensing.handlers['license.activate']?.({ key: issue() }, actor);
    h.clock.now = T0 + 5 * DAY;
    expect(h.licensing.status().state).toBe('active');
    h.clock.now = T0 + 5 * DAY - 11 * 60_000;
    expect(h.licensing.status()).toMatchObject({
      state: 'rejected',
      edition: 'personal',
      rejection: { reason: 'clock_rollback' },
    });
    const error = call(() => h.licensing.entitlements.require({ kind: 'feature', feature: 'collab.host' }, 'ui'));
    expect(error.message).toContain('clock');
    const types = h.licensing.audit.tail(10).map((row) => `${row.type}:${String(row.detail.reason ?? '')}`);
    expect(types).toContain('license.rejected:clock_rollback');
  });

  it('binds a device-bound license to this device through the activation request and certificate', () => {
    const h = harness();
    const bound = issue({ maxDevices: 2 });
    expect(h.licensing.handlers['license.activate']?.({ key: bound }, actor)).toMatchObject({
      state: 'activation_required',
      edition: 'personal',
      device: { bound: true, activated: false },
    });
    const request = h.licensing.handlers['license.activationRequest']?.(undefined, actor) as {
      request: string;
      fingerprint: string;
    };
    expect(request.request).toMatch(/^PAR1\./);
    const strangerRequest = request.request.replace(/^PAR1\.(.*)$/, (_m, body: string) => {
      const json = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
      return `PAR1.${Buffer.from(JSON.stringify({ ...json, fingerprint: '0'.repeat(64) })).toString('base64url')}`;
    });
    const foreign = signActivation(strangerRequest, vendor.secretKey, T0).certificate;
    expect(
      call(() => h.licensing.handlers['license.installCertificate']?.({ certificate: foreign }, actor)),
    ).toMatchObject({
      code: 'E_LICENSE',
      data: { reason: 'device_mismatch' },
    });
    const mine = signActivation(request.request, vendor.secretKey, T0).certificate;
    expect(h.licensing.handlers['license.installCertificate']?.({ certificate: mine }, actor)).toMatchObject({
      state: 'active',
      edition: 'team',
      device: { bound: true, activated: true },
    });

    // the same data copied to a clean install (another salt) no longer matches this certificate
    const copy = mkdtempSync(join(tmpdir(), 'pa-lic-copy-'));
    for (const entry of readdirSync(h.dataDir)) {
      if (entry !== SALT_FILE) cpSync(join(h.dataDir, entry), join(copy, entry));
    }
    const moved = harness(copy);
    expect(moved.licensing.status()).toMatchObject({
      state: 'rejected',
      edition: 'personal',
      rejection: { reason: 'device_mismatch' },
    });
  });

  it('counts quotas per license per day, refunds once, and records unlimited usage without a limit', () => {
    const h = harness();
    for (let i = 0; i < 100; i++) h.licensing.quotas.consume('ai_requests', 1, 'ai');
    const error = call(() => h.licensing.quotas.consume('ai_requests', 1, 'ai'));
    expect(error).toMatchObject({ code: 'E_QUOTA', data: { metric: 'ai_requests', limit: 100, used: 100 } });
    h.clock.now = T0 + DAY; // a new UTC day starts from zero
    const reservation = h.licensing.quotas.consume('ai_requests', 1, 'ai');
    reservation.refund();
    reservation.refund();
    expect(h.licensing.status().quotas.find((q) => q.metric === 'ai_requests')).toMatchObject({
      used: 0,
      remaining: 100,
    });
    h.licensing.handlers['license.activate']?.(
      { key: issue({ edition: 'enterprise', quotas: { ai_requests: null, workflow_runs: null } }) },
      actor,
    );
    for (let i = 0; i < 150; i++) h.licensing.quotas.consume('ai_requests', 1, 'ai');
    expect(h.licensing.status().quotas.find((q) => q.metric === 'ai_requests')).toMatchObject({
      used: 150,
      limit: null,
      remaining: null,
    });
    expect(h.licensing.audit.tail(50).filter((row) => row.type === 'quota.exhausted')).toHaveLength(1);
  });

  it('never writes a license key, certificate or API key into logs, audit rows, errors or the secrets file', async () => {
    const h = harness();
    const secrets = createSecrets({ dataDir: h.dataDir }, { PA_SECRETS_BACKEND: 'file' });
    await secrets.set('ai.openai', API_KEY);
    const key = issue({ maxDevices: 1 });
    const messages: string[] = [];
    h.licensing.handlers['license.activate']?.({ key }, actor);
    messages.push(call(() => h.licensing.handlers['license.activate']?.({ key: `${key}x` }, actor)).message);
    messages.push(
      call(() => h.licensing.handlers['license.installCertificate']?.({ certificate: `PAC1.${key.slice(4)}` }, actor))
        .message,
    );
    h.licensing.audit.record({
      type: 'test.note',
      actor: 'test',
      detail: { apiKey: API_KEY, note: `pasted ${key}`, nested: { token: 'x' } },
    });
    const rows = JSON.stringify(h.store.db.prepare('SELECT * FROM audit_log').all());
    const onDisk = readdirSync(h.dataDir).map((file) => {
      try {
        return readFileSync(join(h.dataDir, file), 'latin1');
      } catch {
        return '';
      }
    });
    const signature = key.split('.')[2] as string;
    for (const haystack of [rows, ...h.logs, ...messages, ...onDisk]) {
      expect(haystack).not.toContain(signature);
      expect(haystack).not.toContain(API_KEY);
    }
    expect(rows).toContain('[redacted]');
    expect(await secrets.get('ai.openai')).toBe(API_KEY);
  });
});
