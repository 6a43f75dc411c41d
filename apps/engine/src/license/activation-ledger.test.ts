// The vendor's activation ledger and offline activation in process: seats per license, idempotent repeats, freeing,
// and which licenses the vendor may show it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeActivationRequest, keyPairFromSeed, verifyCertificate } from '@pa/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { type ActivationLedger, openActivationLedger } from './activation-ledger.js';
import { thrownPaError } from './pa-error.testing.js';
import { activateOffline, buildLicensePayload, issueLicense } from './vendor.js';

const T0 = Date.UTC(2026, 10, 25, 9);
const vendor = keyPairFromSeed(new Uint8Array(32).fill(5));
const stranger = keyPairFromSeed(new Uint8Array(32).fill(6));
const dirs: string[] = [];
const ledgers: ActivationLedger[] = [];

afterEach(() => {
  for (const ledger of ledgers.splice(0)) ledger.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function ledgerFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pa-ledger-'));
  dirs.push(dir);
  return join(dir, 'license-ledger.db');
}

function open(file = ledgerFile()): ActivationLedger {
  const ledger = openActivationLedger(file);
  ledgers.push(ledger);
  return ledger;
}

const options = (id: string, maxDevices: number | null) => ({
  id,
  edition: 'team' as const,
  licensee: 'Ada',
  email: 'ada@example.com',
  days: 30,
  maxDevices,
  now: T0,
});
const request = (licenseId: string, digit: string) =>
  encodeActivationRequest({ licenseId, fingerprint: digit.repeat(64), requestedAt: T0 });
const errorOf = thrownPaError;

describe('activation ledger', () => {
  it('counts seats per license, shared by every process that opens the file', () => {
    const file = ledgerFile();
    const ledger = open(file);
    ledger.register(buildLicensePayload(options('lic_two_seats', 2)));
    ledger.register(buildLicensePayload(options('lic_two_seats', 9))); // registering again changes nothing
    expect(ledger.claim('lic_two_seats', 'a', T0)).toEqual({ seat: 'new', used: 1, maxDevices: 2 });
    expect(ledger.claim('lic_two_seats', 'a', T0 + 1)).toEqual({ seat: 'existing', used: 1, maxDevices: 2 });
    const other = open(file);
    expect(other.claim('lic_two_seats', 'b', T0 + 2)).toEqual({ seat: 'new', used: 2, maxDevices: 2 });
    expect(errorOf(() => ledger.claim('lic_two_seats', 'c', T0 + 3))).toMatchObject({
      code: 'E_LICENSE',
      data: { reason: 'device_limit', maxDevices: 2 },
    });
    expect(ledger.release('lic_two_seats', 'c')).toBe(false);
    expect(ledger.release('lic_two_seats', 'a')).toBe(true);
    expect(other.claim('lic_two_seats', 'c', T0 + 4).seat).toBe('new');
    expect(ledger.devices('lic_two_seats')).toEqual(['b', 'c']);
  });

  it('refuses licenses it has never seen', () => {
    const ledger = open();
    expect(errorOf(() => ledger.claim('lic_unknown', 'a', T0))).toMatchObject({ code: 'E_NOT_FOUND' });
    expect(errorOf(() => ledger.release('lic_unknown', 'a'))).toMatchObject({ code: 'E_NOT_FOUND' });
  });
});

describe('offline activation', () => {
  it('signs a certificate for the requesting device once its license is shown, and never beyond the limit', () => {
    const ledger = open();
    const license = issueLicense(options('lic_one_seat', 1), vendor.secretKey);
    const done = activateOffline(request('lic_one_seat', 'a'), vendor.secretKey, T0, ledger, license);
    expect(verifyCertificate(done.certificate, vendor.publicKey)).toMatchObject({
      licenseId: 'lic_one_seat',
      fingerprint: 'a'.repeat(64),
    });
    expect(done.seat).toEqual({ seat: 'new', used: 1, maxDevices: 1 });
    expect(errorOf(() => activateOffline(request('lic_one_seat', 'b'), vendor.secretKey, T0, ledger))).toMatchObject({
      code: 'E_LICENSE',
    });
  });

  it('refuses a shown license that does not match the request or that another key signed', () => {
    const ledger = open();
    const other = issueLicense(options('lic_other', 1), vendor.secretKey);
    expect(
      errorOf(() => activateOffline(request('lic_mine', 'a'), vendor.secretKey, T0, ledger, other)).message,
    ).toContain('activation request is for license lic_mine');
    const forged = issueLicense(options('lic_mine', 99), stranger.secretKey);
    expect(
      errorOf(() => activateOffline(request('lic_mine', 'a'), vendor.secretKey, T0, ledger, forged)).message,
    ).toContain('not signed by this private key');
    expect(errorOf(() => ledger.claim('lic_mine', 'a', T0)).code).toBe('E_NOT_FOUND');
  });
});
