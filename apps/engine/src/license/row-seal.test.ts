// The clock and quota rows are sealed: a row edited or deleted with a SQLite tool (better-sqlite3 on the same
// database file, as the machine's owner would) is detected on the next question, refuses licenses or counts the day
// as used up, and leaves an audit row. Real SQLite store, encrypted-file secrets store, fake clock.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeLicense, keyPairFromSeed } from '@pa/shared';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createQuotaLedger } from '../quota/index.js';
import { ConnectionSet } from '../rpc/connection.js';
import { createSecrets } from '../secrets/index.js';
import { openStore } from '../store/index.js';
import { createLicensing, type Licensing } from './index.js';
import { thrownPaError } from './pa-error.testing.js';
import { openRowSeal } from './row-seal.js';
import { buildLicensePayload } from './vendor.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 25, 9);
const vendor = keyPairFromSeed(new Uint8Array(32).fill(5));
const actor = { actor: 'test', connection: { id: 1, emit: () => {}, onDidClose: () => () => {} } };

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pa-seal-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** An engine's licensing on dir (as after a start); closed by the test's cleanup. */
function open(dir: string, clock = { now: T0 }): Licensing {
  const store = openStore(join(dir, 'powerautomation.db'));
  const licensing = createLicensing(
    { dataDir: dir, store, clock: () => clock.now, connections: new ConnectionSet(), log: () => {} },
    createSecrets({ dataDir: dir }, { PA_SECRETS_BACKEND: 'file' }),
    { publicKey: vendor.publicKey },
  );
  cleanups.push(() => store.close());
  cleanups.push(() => licensing.dispose?.());
  return licensing;
}

/** The owner's SQLite tool on the same database file. */
function sqlite(dir: string, sql: string, ...params: unknown[]): void {
  const db = new Database(join(dir, 'powerautomation.db'));
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

const team = () =>
  encodeLicense(
    buildLicensePayload({ edition: 'team', licensee: 'Ada', email: 'ada@example.com', days: 30, now: T0 }),
    vendor.secretKey,
  );
const auditTypes = (licensing: Licensing) => licensing.audit.tail(50).map((row) => row.type);

describe('the sealed clock row', () => {
  it('keeps a license working across restarts while nobody edits the row', () => {
    const dir = dataDir();
    open(dir).handlers['license.activate']?.({ key: team() }, actor);
    expect(open(dir, { now: T0 + DAY }).status()).toMatchObject({ state: 'active', edition: 'team' });
  });

  it('refuses the license and audits when the high-water mark was lowered by hand', () => {
    const dir = dataDir();
    open(dir, { now: T0 + 20 * DAY }).handlers['license.activate']?.({ key: team() }, actor);
    // roll the clock back 15 days and lower the stored mark to match, so the rollback would go unseen
    sqlite(dir, 'UPDATE license_clock SET high_water = ?', T0 + 5 * DAY);
    const licensing = open(dir, { now: T0 + 5 * DAY });
    expect(licensing.status()).toMatchObject({
      state: 'rejected',
      edition: 'personal',
      rejection: { reason: 'clock_tampered' },
    });
    expect(auditTypes(licensing)).toContain('license.tampered');
    // it stays so: re-sealing on detection must not launder the edited value, and activating again is refused
    expect(open(dir, { now: T0 + 5 * DAY }).status()).toMatchObject({ rejection: { reason: 'clock_tampered' } });
    const again = thrownPaError(() => licensing.handlers['license.activate']?.({ key: team() }, actor));
    expect(again).toMatchObject({ code: 'E_LICENSE', data: { reason: 'clock_tampered' } });
  });

  it('treats a deleted clock row as tampering, and so does clearing the tamper flag', () => {
    const deleted = dataDir();
    open(deleted).handlers['license.activate']?.({ key: team() }, actor);
    sqlite(deleted, 'DELETE FROM license_clock');
    expect(open(deleted).status()).toMatchObject({ rejection: { reason: 'clock_tampered' } });
    sqlite(deleted, 'UPDATE license_clock SET tampered = 0');
    expect(open(deleted).status()).toMatchObject({ rejection: { reason: 'clock_tampered' } });
  });
});

describe('the sealed quota rows', () => {
  function usedUp(dir: string): Licensing {
    const licensing = open(dir);
    for (let i = 0; i < 100; i++) licensing.quotas.consume('ai_requests', 1, 'ai');
    expect(thrownPaError(() => licensing.quotas.consume('ai_requests', 1, 'ai'))).toMatchObject({ code: 'E_QUOTA' });
    return licensing;
  }

  it('counts the day as used up, and audits, when a counter was lowered by hand', () => {
    const dir = dataDir();
    usedUp(dir);
    sqlite(dir, "UPDATE quota_usage SET used = 0 WHERE metric = 'ai_requests'");
    const licensing = open(dir);
    expect(thrownPaError(() => licensing.quotas.consume('ai_requests', 1, 'ai'))).toMatchObject({
      code: 'E_QUOTA',
      data: { reason: 'quota_tampered' },
    });
    expect(thrownPaError(() => licensing.quotas.consume('workflow_runs', 1, 'workflow'))).toMatchObject({
      code: 'E_QUOTA',
    });
    expect(licensing.status().quotas.every((quota) => quota.remaining === 0)).toBe(true);
    expect(auditTypes(licensing)).toContain('quota.tampered');
  });

  it('counts the day as used up when a counter row was deleted', () => {
    const dir = dataDir();
    usedUp(dir);
    sqlite(dir, 'DELETE FROM quota_usage');
    const licensing = open(dir);
    expect(thrownPaError(() => licensing.quotas.consume('ai_requests', 1, 'ai'))).toMatchObject({
      data: { reason: 'quota_tampered' },
    });
  });

  it('grants again on the next UTC day, and never flags honest use', () => {
    const dir = dataDir();
    const clock = { now: T0 };
    const honest = open(dir, clock);
    for (let i = 0; i < 10; i++) honest.quotas.consume('ai_requests', 1, 'ai').refund();
    honest.quotas.consume('workflow_runs', 1, 'workflow');
    expect(open(dir, clock).quotas.consume('ai_requests', 1, 'ai')).toBeDefined();
    sqlite(dir, 'UPDATE quota_usage SET used = 0');
    expect(thrownPaError(() => open(dir, clock).quotas.consume('ai_requests', 1, 'ai'))).toMatchObject({
      code: 'E_QUOTA',
    });
    clock.now += DAY;
    const tomorrow = open(dir, clock);
    expect(tomorrow.quotas.consume('ai_requests', 1, 'ai')).toBeDefined();
    expect(auditTypes(tomorrow).filter((type) => type === 'quota.tampered')).toHaveLength(1);
  });
});

describe('the seal key', () => {
  const memoryStore = () => {
    const values = new Map<string, string>();
    return {
      getSync: (name: string) => values.get(name) ?? null,
      setSync: (name: string, v: string) => values.set(name, v),
    };
  };

  it('is the same for a process with the keychain and one that reaches only the data dir file', () => {
    const dir = dataDir();
    const keychain = memoryStore();
    const file = memoryStore();
    const engineStore = openStore(join(dir, 'powerautomation.db'));
    const cliStore = openStore(join(dir, 'powerautomation.db'));
    cleanups.push(
      () => engineStore.close(),
      () => cliStore.close(),
    );
    const engine = createQuotaLedger(engineStore, () => T0, { seal: openRowSeal(engineStore, [keychain, file]) });
    engine.consume('personal', 'ai_requests', 3, 100);
    // an MCP client's `pa mcp serve`, started without the keychain's session, finds the key in the file
    const found: string[] = [];
    const cli = createQuotaLedger(cliStore, () => T0, {
      seal: openRowSeal(cliStore, [file]),
      onDidFindTampering: (day) => found.push(day),
    });
    expect(cli.consume('personal', 'ai_requests', 1, 100)).toMatchObject({ granted: true, used: 4 });
    expect(engine.consume('personal', 'ai_requests', 1, 100)).toMatchObject({ granted: true, used: 5 });
    expect(found).toEqual([]);
    expect(engine.tampered('personal')).toBe(false);
  });
});
