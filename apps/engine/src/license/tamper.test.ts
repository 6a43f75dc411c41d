// Tamper fuzz: 10,000 seeded mutants of valid licenses must all be refused with a reason, and nothing may throw.
// The signature primitive for the bulk run is node:crypto's Ed25519 (same algorithm, ~80x faster than tweetnacl
// here); a sample also goes through the default tweetnacl path and must reach the same verdict.
import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import {
  encodeLicense,
  keyPairFromSeed,
  type LicensePayload,
  LicenseRejectionReason,
  type SignatureCheck,
  signToken,
  verifyLicense,
} from '@pa/shared';
import { decodeBase64Url, encodeBase64Url, utf8Decode, utf8Encode } from '@pa/shared/license/encoding';
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';

const NOW = Date.UTC(2026, 10, 25, 12);
const DAY = 86_400_000;
const vendor = keyPairFromSeed(Uint8Array.from({ length: 32 }, (_, i) => i + 1));
const stranger = keyPairFromSeed(Uint8Array.from({ length: 32 }, (_, i) => 200 - i));

function spki(publicKey: Uint8Array): KeyObject {
  const prefix = Buffer.from('302a300506032b6570032100', 'hex');
  return createPublicKey({ key: Buffer.concat([prefix, publicKey]), format: 'der', type: 'spki' });
}
const vendorKeyObject = spki(vendor.publicKey);
const fastCheck: SignatureCheck = (message, signature, publicKey) => {
  if (Buffer.compare(Buffer.from(publicKey), Buffer.from(vendor.publicKey)) !== 0) return false;
  return cryptoVerify(null, message, vendorKeyObject, signature);
};

function payloadFor(id: string, edition: LicensePayload['edition']): LicensePayload {
  return {
    id,
    licensee: 'Fuzz Corp',
    email: 'ops@fuzz.example',
    edition,
    features: [],
    quotas: { ai_requests: 1000, workflow_runs: 500 },
    issuedAt: NOW - DAY,
    notBefore: NOW - DAY,
    expiresAt: NOW + 300 * DAY,
    maxDevices: null,
  };
}
const payloadA = payloadFor('lic_fuzz_aaaa', 'professional');
const payloadB = payloadFor('lic_fuzz_bbbb', 'team');
const licenseA = encodeLicense(payloadA, vendor.secretKey);
const licenseB = encodeLicense(payloadB, vendor.secretKey);

/** mulberry32: a seeded generator so a failing mutant can be reproduced by its index. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Signs exactly these ASCII bytes: a duplicate-key payload is something JSON.stringify cannot produce. */
function signExactly(signedText: string): string {
  const signature = nacl.sign.detached(
    Uint8Array.from(signedText, (char) => char.charCodeAt(0)),
    vendor.secretKey,
  );
  return `${signedText}.${encodeBase64Url(signature)}`;
}

const POOL = 12;
const duplicateKeyPool = Array.from({ length: POOL }, (_, i) =>
  signExactly(
    `PA1.${encodeBase64Url(utf8Encode(JSON.stringify({ ...payloadA, id: `lic_dup_${i}xxxx` }).replace('"edition":"professional"', `"edition":"professional","edition":"${i % 2 ? 'team' : 'enterprise'}"`)))}`,
  ),
);
const unknownFieldPool = Array.from({ length: POOL }, (_, i) =>
  signToken('PA', { ...payloadA, [['admin', 'seats', 'note'][i % 3] as string]: i }, vendor.secretKey),
);
const otherKeyPool = Array.from({ length: POOL }, (_, i) =>
  signToken('PA', { ...payloadA, id: `lic_other_${i}xxx` }, stranger.secretKey),
);

type Mutator = (license: string, random: () => number) => string;
const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)] as T;
const split = (license: string) => license.split('.') as [string, string, string];
const flipBit = (bytes: Uint8Array, random: () => number) => {
  const copy = Uint8Array.from(bytes);
  const index = Math.floor(random() * copy.length);
  copy[index] = (copy[index] ?? 0) ^ (1 << Math.floor(random() * 8));
  return copy;
};
const bytesOf = (segment: string) => decodeBase64Url(segment) as Uint8Array;
/** Re-serialises the payload (as text) under the original signature. */
const reserialised = (change: (payload: Record<string, unknown>) => string, license: string) => {
  const [head, body, signature] = split(license);
  const payload = JSON.parse(utf8Decode(bytesOf(body)) as string) as Record<string, unknown>;
  return `${head}.${encodeBase64Url(utf8Encode(change(payload)))}.${signature}`;
};

const MUTATORS: Record<string, Mutator> = {
  payloadBitFlip: (license, random) => {
    const [head, body, signature] = split(license);
    return `${head}.${encodeBase64Url(flipBit(bytesOf(body), random))}.${signature}`;
  },
  signatureBitFlip: (license, random) => {
    const [head, body, signature] = split(license);
    return `${head}.${body}.${encodeBase64Url(flipBit(bytesOf(signature), random))}`;
  },
  textCharacter: (license, random) => {
    const index = Math.floor(random() * license.length);
    const replacement = pick([...'ABCxyz019-_+/=. \n%é'], random);
    const mutated = `${license.slice(0, index)}${replacement}${license.slice(index + 1)}`;
    return mutated === license ? `${license}${replacement}` : mutated;
  },
  standardBase64: (license, random) => {
    const [head, body, signature] = split(license);
    const toStd = (segment: string) => Buffer.from(bytesOf(segment)).toString('base64');
    const std = random() < 0.5 ? `${head}.${toStd(body)}.${signature}` : `${head}.${body}.${toStd(signature)}`;
    return std === license ? `${license}=` : std;
  },
  padding: (license, random) => {
    const [head, body, signature] = split(license);
    const pad = pick(['=', '==', '==='], random);
    return random() < 0.5 ? `${head}.${body}${pad}.${signature}` : `${head}.${body}.${signature}${pad}`;
  },
  truncation: (license, random) => license.slice(0, Math.floor(random() * (license.length - 1))),
  prefixOrVersion: (license, random) => {
    const [, body, signature] = split(license);
    return `${pick(['PA2', 'PA0', 'PA01', 'pa1', 'PB1', 'PAC1', 'PAR1', 'XPA1', 'PA', '1', 'PA1 '], random)}.${body}.${signature}`;
  },
  raisedQuota: (license, random) =>
    reserialised(
      (payload) =>
        JSON.stringify({ ...payload, quotas: { ai_requests: 1000 + Math.ceil(random() * 1e6), workflow_runs: null } }),
      license,
    ),
  raisedEdition: (license) => reserialised((payload) => JSON.stringify({ ...payload, edition: 'enterprise' }), license),
  whitespaceReserialised: (license) => reserialised((payload) => JSON.stringify(payload, null, 1), license),
  // signing is slow in tweetnacl, so the signed mutants come from small pools made once
  duplicateKeySigned: (_license, random) => pick(duplicateKeyPool, random),
  unknownFieldSigned: (_license, random) => pick(unknownFieldPool, random),
  otherKey: (_license, random) => pick(otherKeyPool, random),
  swappedPayloads: (_license, random) => {
    const [headA, bodyA, signatureA] = split(licenseA);
    const [, bodyB, signatureB] = split(licenseB);
    return random() < 0.5 ? `${headA}.${bodyA}.${signatureB}` : `${headA}.${bodyB}.${signatureA}`;
  },
  extraSegment: (license, random) => (random() < 0.5 ? `${license}.` : `${license}.${split(license)[2]}`),
};

const reasons = new Set<string>(LicenseRejectionReason.options);
const device = { fingerprint: 'f'.repeat(64), certificate: null };

describe('tamper fuzz', () => {
  it('refuses 10,000 mutants of valid licenses, each with a reason, and never throws', () => {
    expect(
      verifyLicense(licenseA, { publicKey: vendor.publicKey, now: NOW, highWaterMark: null, device, check: fastCheck })
        .ok,
    ).toBe(true);
    const random = seeded(20261125);
    const names = Object.keys(MUTATORS);
    const byMutator = new Map<string, Map<string, number>>();
    const sample: string[] = [];
    const failures: string[] = [];
    for (let index = 0; index < 10_000; index++) {
      const name = names[index % names.length] as string;
      const mutant = (MUTATORS[name] as Mutator)(random() < 0.5 ? licenseA : licenseB, random);
      let reason: string;
      try {
        const verdict = verifyLicense(mutant, {
          publicKey: vendor.publicKey,
          now: NOW,
          highWaterMark: null,
          device,
          check: fastCheck,
        });
        reason = verdict.ok ? `ACCEPTED #${index}: ${mutant}` : verdict.reason;
      } catch (error) {
        reason = `THREW #${index}: ${String(error)}`;
      }
      if (!reasons.has(reason)) failures.push(`${name} → ${reason}`);
      const counts = byMutator.get(name) ?? new Map<string, number>();
      counts.set(reason, (counts.get(reason) ?? 0) + 1);
      byMutator.set(name, counts);
      if (index % 100 === 0) sample.push(mutant);
    }
    expect(failures).toEqual([]);
    const reasonsOf = (name: string) => [...(byMutator.get(name)?.keys() ?? [])].sort();
    expect(reasonsOf('signatureBitFlip')).toEqual(['bad_signature']);
    expect(reasonsOf('raisedQuota')).toEqual(['bad_signature']);
    expect(reasonsOf('raisedEdition')).toEqual(['bad_signature']);
    expect(reasonsOf('whitespaceReserialised')).toEqual(['bad_signature']);
    expect(reasonsOf('otherKey')).toEqual(['bad_signature']);
    expect(reasonsOf('swappedPayloads')).toEqual(['bad_signature']);
    expect(reasonsOf('duplicateKeySigned')).toEqual(['duplicate_key']);
    expect(reasonsOf('unknownFieldSigned')).toEqual(['bad_payload']);
    expect(reasonsOf('padding')).toEqual(['bad_encoding']);
    expect(reasonsOf('standardBase64')).toEqual(['bad_encoding']);
    expect(reasonsOf('prefixOrVersion')).toEqual(['bad_prefix', 'bad_version']);

    // the default tweetnacl path agrees with node:crypto on a sample of 100 mutants
    for (const mutant of sample) {
      const fast = verifyLicense(mutant, {
        publicKey: vendor.publicKey,
        now: NOW,
        highWaterMark: null,
        device,
        check: fastCheck,
      });
      const slow = verifyLicense(mutant, { publicKey: vendor.publicKey, now: NOW, highWaterMark: null, device });
      expect(slow).toEqual(fast);
    }
  });
});
