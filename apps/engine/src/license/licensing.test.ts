// The licensing capability with a real SQLite store, the encrypted-file secrets store and a fake clock.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeLicense, keyPairFromSeed, type LicensePayload } from '@pa/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionSet } from '../rpc/connection.js';
import { createSecrets } from '../secrets/index.js';
import { openStore, type Store } from '../store/index.js';
import { SALT_FILE } from './fingerprint.js';
import { createLicensing, type Licensing } from './index.js';
import { thrownPaError } from './pa-error.testing.js';
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
const call = thrownPaError;

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

  it('in the grace period keeps paid grants visible but refuses to use them with grace_read_only', () => {
    const h = harness();
    h.licensing.handlers['license.activate']?.({ key: issue({}, 10) }, actor);
    h.clock.now = T0 + 11 * DAY; // expired 1 day ago
    const { entitlements, quotas } = h.licensing;
    expect(h.licensing.status()).toMatchObject({ state: 'grace', edition: 'team', readOnly: true });
    expect(h.licensing.status().features).toContain('collab.host');
    expect(h.licensing.status().components).toContain('operations');

    const host = call(() => entitlements.require({ kind: 'feature', feature: 'collab.host' }, 'collab'));
    expect(host).toMatchObject({
      code: 'E_LICENSE',
      data: { reason: 'grace_read_only', entitlement: 'feature:collab.host', edition: 'team' },
    });
    expect(host.message).toContain('Renew');
    expect(host.message).toContain('read-only until 2026-12-12');
    expect(call(() => entitlements.require({ kind: 'component', component: 'operations' }, 'wf')).data).toMatchObject({
      reason: 'grace_read_only',
    });
    expect(entitlements.allows({ kind: 'model', modelClass: 'remote' })).toBe(false);
    expect(entitlements.collabParticipantLimit()).toBe(0);

    // what the personal edition grants keeps working, up to its allowance
    expect(entitlements.allows({ kind: 'feature', feature: 'collab.join' })).toBe(true);
    entitlements.require({ kind: 'model', modelClass: 'local' }, 'ai');
    for (let i = 0; i < 100; i++) quotas.consume('ai_requests', 1, 'ai');
    const beyond = call(() => quotas.consume('ai_requests', 1, 'ai'));
    expect(beyond).toMatchObject({
      code: 'E_LICENSE',
      data: { reason: 'grace_read_only', entitlement: 'quota:ai_requests' },
    });
    expect(beyond.message).toContain('AI request use beyond the Personal allowance');
    expect(h.licensing.status().quotas.find((q) => q.metric === 'ai_requests')).toMatchObject({
      used: 100,
      limit: 100,
      remaining: 0,
    });
    const denials = h.licensing.audit.tail(10).filter((row) => row.type === 'entitlement.denied');
    expect(denials.map((row) => row.detail.reason)).toEqual(['grace_read_only', 'grace_read_only', 'grace_read_only']);
  });

  it('after the grace period is the personal edition again: upgrade hints, E_QUOTA at the personal limit', () => {
    const h = harness();
    h.licensing.handlers['license.activate']?.({ key: issue({}, 10) }, actor);
    h.clock.now = T0 + 18 * DAY; // expired 8 days ago
    expect(h.licensing.status()).toMatchObject({ state: 'rejected', edition: 'personal', readOnly: false });
    const host = call(() => h.licensing.entitlements.require({ kind: 'feature', feature: 'collab.host' }, 'collab'));
    expect(host).toMatchObject({ code: 'E_LICENSE', data: { requiredEdition: 'professional' } });
    expect(host.data).not.toHaveProperty('reason');
    for (let i = 0; i < 100; i++) h.licensing.quotas.consume('ai_requests', 1, 'ai');
    expect(call(() => h.licensing.quotas.consume('ai_requests', 1, 'ai'))).toMatchObject({ code: 'E_QUOTA' });
  });

  it('gives a license with unlimited quotas the personal allowance while read-only', () => {
    const h = harness();
    const unlimited = { edition: 'enterprise' as const, quotas: { ai_requests: null, workflow_runs: null } };
    h.licensing.handlers['license.activate']?.({ key: issue(unlimited, 10) }, actor);
    h.clock.now = T0 + 11 * DAY;
    for (let i = 0; i < 50; i++) h.licensing.quotas.consume('workflow_runs', 1, 'wf');
    expect(call(() => h.licensing.quotas.consume('workflow_runs', 1, 'wf')).data).toMatchObject({
      reason: 'grace_read_only',
    });
    h.licensing.handlers['license.activate']?.({ key: issue(unlimited, 30) }, actor); // renewed
    expect(() => h.licensing.quotas.consume('workflow_runs', 1, 'wf')).not.toThrow();
  });

  it('coalesces repeated denials of one entitlement to one actor into one audit row with a count', () => {
    const h = harness();
    const other = h.reopen(); // a second process on the same database shares the row
    const host = { kind: 'feature', feature: 'collab.host' } as const;
    for (let i = 0; i < 5; i++) call(() => h.licensing.entitlements.require(host, 'ui'));
    h.clock.now += 30_000;
    call(() => other.licensing.entitlements.require(host, 'ui'));
    call(() => h.licensing.entitlements.require(host, 'cli'));
    call(() => h.licensing.entitlements.require({ kind: 'component', component: 'operations' }, 'ui'));
    const rows = () => h.licensing.audit.tail(50).filter((row) => row.type === 'entitlement.denied');
    expect(rows().map((row) => [row.actor, row.detail.entitlement, row.detail.count])).toEqual([
      ['ui', 'feature:collab.host', 6],
      ['cli', 'feature:collab.host', 1],
      ['ui', 'component:operations', 1],
    ]);
    expect(rows()[0]).toMatchObject({ at: T0, detail: { lastAt: T0 + 30_000 } });
    h.clock.now = T0 + 60_000; // the window is counted from the row's first denial
    call(() => h.licensing.entitlements.require(host, 'ui'));
    expect(rows().filter((row) => row.actor === 'ui' && row.detail.entitlement === 'feature:collab.host')).toHaveLength(
      2,
    );
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
