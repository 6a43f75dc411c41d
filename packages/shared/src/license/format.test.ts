import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { decodeBase64Url, encodeBase64Url, utf8Decode, utf8Encode } from './encoding.js';
import { encodeCertificate, encodeLicense, keyPairFromSeed } from './format.js';
import type { LicensePayload } from './payload.js';
import { findDuplicateKey, parseStrictJson } from './strict-json.js';
import { evaluateLicense, GRACE_PERIOD_MS, verifyLicense } from './verify.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 25);
const vendor = keyPairFromSeed(new Uint8Array(32).fill(7));
const payload: LicensePayload = {
  id: 'lic_test_0001',
  licensee: 'Zoë Example',
  email: 'zoe@example.com',
  edition: 'team',
  features: [],
  quotas: { ai_requests: 5000, workflow_runs: 2000 },
  issuedAt: NOW,
  notBefore: NOW,
  expiresAt: NOW + 30 * DAY,
  maxDevices: null,
};
const device = { fingerprint: 'a'.repeat(64), certificate: null };
const verify = (text: string, now = NOW, highWaterMark: number | null = null) =>
  verifyLicense(text, { publicKey: vendor.publicKey, now, highWaterMark, device });

describe('base64url', () => {
  it('round-trips every length and refuses padding, the base64 alphabet and non-canonical tails', () => {
    for (let length = 0; length < 40; length++) {
      const bytes = nacl.randomBytes(length);
      expect(decodeBase64Url(encodeBase64Url(bytes))).toEqual(bytes);
    }
    expect(decodeBase64Url('AAE=')).toBeNull();
    expect(decodeBase64Url('+/8')).toBeNull();
    expect(decodeBase64Url('AB')).toBeNull(); // 'B' leaves a non-zero unused bit
    expect(decodeBase64Url('A')).toBeNull();
    expect(decodeBase64Url('AA AA')).toBeNull();
  });

  it('decodes UTF-8 strictly', () => {
    expect(utf8Decode(utf8Encode('Zoë 東京'))).toBe('Zoë 東京');
    expect(utf8Decode(Uint8Array.from([0xc3]))).toBeNull();
  });
});

describe('strict JSON', () => {
  it('refuses a key repeated in one object, at any depth, even when escaped differently', () => {
    expect(findDuplicateKey('{"a":1,"b":{"a":2}}')).toBeNull();
    expect(parseStrictJson('{"a":1,"a":2}')).toEqual({ ok: false, reason: 'duplicate_key' });
    expect(findDuplicateKey('{"x":[{"k":1,"k":2}]}')).toBe('k');
    expect(findDuplicateKey('{"edition":"a","\\u0065dition":"b"}')).toBe('edition');
    expect(findDuplicateKey('{"s":"{\\"a\\":1,\\"a\\":1}"}')).toBeNull();
  });
});

describe('verifyLicense', () => {
  const license = encodeLicense(payload, vendor.secretKey);

  it('accepts a license signed by the vendor key and returns its payload', () => {
    const verdict = verify(license);
    expect(verdict).toMatchObject({ ok: true, status: 'active', readOnly: false, license: payload });
  });

  it('keeps an expired license read-only for 7 days, then refuses it', () => {
    expect(verify(license, payload.expiresAt - 1000)).toMatchObject({ ok: true, status: 'active' });
    expect(verify(license, payload.expiresAt + 1000)).toMatchObject({ ok: true, status: 'grace', readOnly: true });
    expect(verify(license, payload.expiresAt + GRACE_PERIOD_MS - 1000)).toMatchObject({ ok: true, status: 'grace' });
    expect(verify(license, payload.expiresAt + GRACE_PERIOD_MS)).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('refuses a license issued more than 5 minutes ahead of the clock', () => {
    const ahead = encodeLicense({ ...payload, issuedAt: NOW + 6 * 60_000, notBefore: NOW - DAY }, vendor.secretKey);
    expect(verify(ahead)).toMatchObject({ ok: false, reason: 'issued_in_future' });
    const skewed = encodeLicense({ ...payload, issuedAt: NOW + 4 * 60_000, notBefore: NOW - DAY }, vendor.secretKey);
    expect(verify(skewed)).toMatchObject({ ok: true });
  });

  it('refuses a clock more than 10 minutes behind the high-water mark', () => {
    expect(verify(license, NOW + DAY, NOW + DAY + 9 * 60_000)).toMatchObject({ ok: true });
    expect(verify(license, NOW + DAY, NOW + DAY + 11 * 60_000)).toMatchObject({ ok: false, reason: 'clock_rollback' });
  });

  it('binds a device-bound license to the certificate of this fingerprint only', () => {
    const bound = { ...payload, maxDevices: 2 };
    const other = { licenseId: bound.id, fingerprint: 'b'.repeat(64), issuedAt: NOW };
    const mine = { ...other, fingerprint: device.fingerprint };
    const options = { now: NOW, highWaterMark: null, fingerprint: device.fingerprint };
    expect(evaluateLicense(bound, null, options)).toMatchObject({ ok: false, reason: 'activation_required' });
    expect(evaluateLicense(bound, other, options)).toMatchObject({ ok: false, reason: 'device_mismatch' });
    expect(evaluateLicense(bound, mine, options)).toMatchObject({ ok: true });
    const text = encodeLicense(bound, vendor.secretKey);
    const certificate = encodeCertificate(mine, vendor.secretKey);
    expect(
      verifyLicense(text, {
        publicKey: vendor.publicKey,
        now: NOW,
        highWaterMark: null,
        device: { ...device, certificate },
      }),
    ).toMatchObject({ ok: true });
  });

  it('refuses a signature whose scalar was made non-canonical by adding the group order', () => {
    const [head, body, signature = ''] = license.split('.');
    const bytes = decodeBase64Url(signature) as Uint8Array;
    const order = [0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14];
    let carry = 0;
    for (let i = 0; i < 32; i++) {
      const sum = (bytes[32 + i] ?? 0) + (order[i] ?? (i === 31 ? 0x10 : 0)) + carry;
      bytes[32 + i] = sum & 0xff;
      carry = sum >> 8;
    }
    // tweetnacl alone would accept this malleated signature; the verifier must not
    expect(verify(`${head}.${body}.${encodeBase64Url(bytes)}`)).toMatchObject({ ok: false, reason: 'bad_signature' });
  });
});
