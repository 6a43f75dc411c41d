// Clock rules through 1,000 seeded timelines: the engine's evaluation (high-water mark in SQLite + the shared
// evaluateLicense) against an independent oracle written from DESIGN.md's rules.

import { randomBytes } from 'node:crypto';
import { evaluateLicense, GRACE_PERIOD_MS, type LicensePayload, ROLLBACK_TOLERANCE_MS } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { openStore } from '../store/index.js';
import { createClockGuard } from './clock-guard.js';
import { rowSealFromKey } from './row-seal.js';
import { buildLicensePayload } from './vendor.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 0, 1);
// issued, valid from and expiring exactly as the vendor's `pa license issue` would write it
const license: LicensePayload = buildLicensePayload({
  id: 'lic_clock_0001',
  licensee: 'Clock Test',
  email: 'clock@example.com',
  edition: 'professional',
  days: 30,
  now: T0,
});
const graceEnd = license.expiresAt + GRACE_PERIOD_MS;

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Expected = { ok: false; rollback: boolean } | { ok: true; status: 'active' | 'grace' };

/** DESIGN.md's rules, written independently of the code under test. */
function oracle(now: number, latestSeen: number | null): Expected {
  if (now < license.notBefore || now >= graceEnd) return { ok: false, rollback: false };
  if (latestSeen !== null && now < latestSeen - ROLLBACK_TOLERANCE_MS) return { ok: false, rollback: true };
  return { ok: true, status: now < license.expiresAt ? 'active' : 'grace' };
}

type Kind = 'jitter' | 'rollback' | 'edges';

/** Observed clock readings: true time moving forward, with jitter, jumps, rollbacks and readings at the edges. */
function timeline(kind: Kind, random: () => number): number[] {
  let truth = T0 + Math.floor(random() * 40 * DAY) - DAY;
  const readings: number[] = [];
  const edges = [license.notBefore, license.expiresAt, graceEnd];
  for (let step = 0; step < 30; step++) {
    truth += Math.floor(random() * (random() < 0.2 ? 3 * DAY : 20 * MINUTE)) + SECOND;
    const jitter = Math.round((random() * 2 - 1) * 2 * MINUTE);
    let reading = truth + jitter;
    if (kind === 'rollback' && random() < 0.25) {
      // back by more than the tolerance plus the worst jitter, sometimes by months
      reading = truth - ROLLBACK_TOLERANCE_MS - 4 * MINUTE - Math.floor(random() * (random() < 0.5 ? HOUR : 90 * DAY));
    }
    if (kind === 'edges' && random() < 0.5) {
      const edge = edges[Math.floor(random() * edges.length)] as number;
      truth = Math.max(truth, edge - SECOND);
      reading = edge + (random() < 0.5 ? -SECOND : SECOND);
    }
    readings.push(reading);
  }
  return readings;
}
describe('clock rules over 1,000 random timelines', () => {
  it('never accepts after a rollback beyond tolerance and never rejects monotonic time with ±2 min jitter', () => {
    const random = seeded(42);
    const store = openStore(':memory:');
    const kinds: Kind[] = ['jitter', 'rollback', 'edges'];
    const mismatches: string[] = [];
    let rollbacksSeen = 0;
    let jitterRejections = 0;
    createClockGuard(store, rowSealFromKey(randomBytes(32), false));
    for (let index = 0; index < 1000; index++) {
      store.db.exec('DELETE FROM license_clock'); // a fresh install (new seal key, no mark) for every timeline
      const guard = createClockGuard(store, rowSealFromKey(randomBytes(32), false));
      const kind = kinds[index % kinds.length] as Kind;
      let latestSeen: number | null = null;
      for (const now of timeline(kind, random)) {
        const verdict = evaluateLicense(license, null, {
          now,
          highWaterMark: guard.observe(now),
          fingerprint: 'f'.repeat(64),
        });
        const expected = oracle(now, latestSeen);
        latestSeen = latestSeen === null ? now : Math.max(latestSeen, now);
        const actual: Expected = verdict.ok
          ? { ok: true, status: verdict.status }
          : { ok: false, rollback: verdict.reason === 'clock_rollback' };
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          mismatches.push(
            `#${index} ${kind} at ${new Date(now).toISOString()}: ${JSON.stringify({ actual, expected })}`,
          );
        }
        if (!verdict.ok && verdict.reason === 'clock_rollback') rollbacksSeen++;
        if (kind === 'jitter' && now >= license.notBefore + 2 * MINUTE && now < graceEnd - 2 * MINUTE && !verdict.ok) {
          jitterRejections++;
        }
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(jitterRejections).toBe(0);
    expect(rollbacksSeen).toBeGreaterThan(500);
    store.close();
  });

  it('keeps the high-water mark across restarts, so a rollback after a restart is still caught', () => {
    const store = openStore(':memory:');
    const key = randomBytes(32);
    createClockGuard(store, rowSealFromKey(key, false)).observe(T0 + 10 * DAY);
    const restarted = createClockGuard(store, rowSealFromKey(key, true));
    const mark = restarted.observe(T0 + 9 * DAY);
    expect(mark).toBe(T0 + 10 * DAY);
    const verdict = evaluateLicense(license, null, {
      now: T0 + 9 * DAY,
      highWaterMark: mark,
      fingerprint: 'f'.repeat(64),
    });
    expect(verdict).toMatchObject({ ok: false, reason: 'clock_rollback' });
    store.close();
  });
});
