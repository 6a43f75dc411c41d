// The vendor's side, usable offline: key pairs, issuing licenses and signing device certificates for activation
// requests. The private key stays with the vendor; only the public key ships (resources/license-public-key).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ActivationRequestPayload,
  type CertificatePayload,
  decodeActivationRequest,
  EDITIONS,
  type Edition,
  ErrorCode,
  encodeCertificate,
  encodeLicense,
  type Feature,
  keyPairFromSeed,
  LicensePayload,
  PaError,
  verifyLicenseToken,
} from '@pa/shared';
import type { ActivationLedger, SeatOutcome } from './activation-ledger.js';
import { PUBLIC_KEY_FILE, parseKeyText } from './public-key.js';

export const PRIVATE_KEY_FILE = 'license-private-key';
const DAY_MS = 24 * 60 * 60 * 1000;

/** Writes license-private-key (0600, base64 seed) and license-public-key (base64) into dir. */
export function writeKeyPair(dir: string): { publicKey: string; privateKeyFile: string; publicKeyFile: string } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const seed = randomBytes(32);
  const { publicKey } = keyPairFromSeed(seed);
  const privateKeyFile = join(dir, PRIVATE_KEY_FILE);
  const publicKeyFile = join(dir, PUBLIC_KEY_FILE);
  writeFileSync(
    privateKeyFile,
    `# PowerAutomation vendor license signing key (Ed25519 seed). Keep offline; never commit or ship.\n${seed.toString('base64')}\n`,
    { mode: 0o600, flag: 'wx' },
  );
  const publicText = Buffer.from(publicKey).toString('base64');
  writeFileSync(publicKeyFile, `# PowerAutomation license public key (Ed25519)\n${publicText}\n`, { flag: 'wx' });
  return { publicKey: publicText, privateKeyFile, publicKeyFile };
}

/** Reads a private key file: a 32-byte seed or a 64-byte tweetnacl secret key, base64 or hex. */
export function readSecretKey(file: string): Uint8Array {
  const text = readFileSync(file, 'utf8');
  const seed = parseKeyText(text, 32);
  if (seed) return keyPairFromSeed(seed).secretKey;
  const full = parseKeyText(text, 64);
  if (full) return full;
  throw new PaError(
    ErrorCode.BAD_REQUEST,
    `${file} is not an Ed25519 private key; create one with \`pa license keygen\`.`,
  );
}

export interface IssueOptions {
  edition: Edition;
  licensee: string;
  email: string;
  days: number;
  maxDevices?: number | null;
  features?: Feature[];
  now: number;
  id?: string;
}

export function buildLicensePayload(options: IssueOptions): LicensePayload {
  const payload = {
    id: options.id ?? `lic_${randomBytes(9).toString('base64url')}`,
    licensee: options.licensee,
    email: options.email,
    edition: options.edition,
    features: options.features ?? [],
    quotas: { ...EDITIONS[options.edition].quotas },
    issuedAt: options.now,
    notBefore: options.now,
    expiresAt: options.now + options.days * DAY_MS,
    maxDevices: options.maxDevices ?? null,
  };
  const parsed = LicensePayload.safeParse(payload);
  if (!parsed.success) {
    throw new PaError(
      ErrorCode.BAD_REQUEST,
      `Cannot issue this license: ${parsed.error.issues[0]?.message ?? 'invalid'}.`,
    );
  }
  return parsed.data;
}

export function issueLicense(options: IssueOptions, secretKey: Uint8Array): string {
  return encodeLicense(buildLicensePayload(options), secretKey);
}

function parseActivationRequest(request: string): ActivationRequestPayload {
  const parsed = ActivationRequestPayload.safeParse(decodeActivationRequest(request.trim()));
  if (!parsed.success) {
    throw new PaError(ErrorCode.BAD_REQUEST, 'This is not an activation request; it should start with "PAR1.".');
  }
  return parsed.data;
}

/** Signs the device certificate for an activation request (`PAR1.…`), with no seat accounting. */
export function signActivation(
  request: string,
  secretKey: Uint8Array,
  now: number,
): { certificate: string; payload: CertificatePayload } {
  const { licenseId, fingerprint } = parseActivationRequest(request);
  const payload = { licenseId, fingerprint, issuedAt: now };
  return { certificate: encodeCertificate(payload, secretKey), payload };
}

/** A license the vendor shows to the ledger must carry the vendor's own signature (a tweetnacl secret key ends with its public key). */
export function verifyOwnLicense(text: string, secretKey: Uint8Array): LicensePayload {
  const verified = verifyLicenseToken(text.trim(), secretKey.slice(32));
  if (verified.ok) return verified.license;
  throw new PaError(
    ErrorCode.BAD_REQUEST,
    `That license was not signed by this private key (${verified.reason}); pass the license this key issued.`,
  );
}

/**
 * The vendor's offline activation: takes (or confirms) the device's seat in the ledger, then signs its certificate.
 * A device already holding a seat gets a fresh certificate without taking another one.
 */
export function activateOffline(
  request: string,
  secretKey: Uint8Array,
  now: number,
  ledger: ActivationLedger,
  licenseText?: string,
): { certificate: string; payload: CertificatePayload; seat: SeatOutcome } {
  const { licenseId, fingerprint } = parseActivationRequest(request);
  if (licenseText !== undefined) {
    const license = verifyOwnLicense(licenseText, secretKey);
    if (license.id !== licenseId) {
      throw new PaError(
        ErrorCode.BAD_REQUEST,
        `The activation request is for license ${licenseId}, but --license holds ${license.id}; pass the matching license.`,
      );
    }
    ledger.register(license);
  }
  const seat = ledger.claim(licenseId, fingerprint, now);
  const payload = { licenseId, fingerprint, issuedAt: now };
  return { certificate: encodeCertificate(payload, secretKey), payload, seat };
}
