// Offline license verification: a pure function of (token, public key, time, high-water mark, device), so the
// engine and the renderer reach the same verdict. Each failure has its own reason code, checked in a fixed order.
import nacl from 'tweetnacl';
import { type ParsedToken, parseToken, payloadText, type TokenFailure } from './format.js';
import { CertificatePayload, LicensePayload } from './payload.js';
import { parseStrictJson } from './strict-json.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** A license issued further ahead than this was signed by a machine (or for a clock) we should not trust. */
export const MAX_ISSUE_SKEW_MS = 5 * MINUTE;
/** The clock may go back this far (NTP steps, DST bugs, jitter) before we call it tampering. */
export const ROLLBACK_TOLERANCE_MS = 10 * MINUTE;
/** An expired license keeps working read-only this long, with a visible warning. */
export const GRACE_PERIOD_MS = 7 * DAY;

export type LicenseRejection =
  | TokenFailure
  | 'bad_signature'
  | 'bad_payload'
  | 'duplicate_key'
  | 'not_yet_valid'
  | 'expired'
  | 'issued_in_future'
  | 'activation_required'
  | 'device_mismatch'
  | 'clock_rollback'
  | 'clock_tampered';

export interface DeviceBinding {
  fingerprint: string;
  /** The `PAC1.…` certificate the vendor signed for this device, if one is installed. */
  certificate: string | null;
}

export interface VerifyOptions {
  publicKey: Uint8Array;
  now: number;
  /** The latest time this installation has seen; null before the first check. */
  highWaterMark: number | null;
  device: DeviceBinding;
  check?: SignatureCheck;
}

export type LicenseVerdict =
  | { ok: true; license: LicensePayload; status: 'active' | 'grace'; readOnly: boolean; graceEndsAt: number }
  | { ok: false; reason: LicenseRejection; message: string };

const MESSAGES: Record<LicenseRejection, string> = {
  malformed: 'This is not a license key: it should look like PA1.<payload>.<signature>. Paste the whole key.',
  bad_prefix: 'This is not a PowerAutomation license key (it must start with "PA1."). Check you pasted the right text.',
  bad_version: 'This license uses a format version this app does not know. Update the app or ask for a new key.',
  bad_encoding: 'The license key is damaged (it is not valid base64url). Paste it again from the original file.',
  bad_signature:
    'The license signature does not match: the key was altered or issued by someone else. Ask your vendor for a new key.',
  bad_payload: 'The license content is not understood by this version of the app. Ask your vendor for a new key.',
  duplicate_key: 'The license content is ambiguous (a field appears twice). Ask your vendor for a new key.',
  not_yet_valid: 'This license is not valid yet. Check the date on this computer or wait until its start date.',
  expired: 'This license has expired and its 7-day grace period is over. Renew it with your vendor.',
  issued_in_future:
    'This license was issued in the future by this computer’s clock. Correct the date and time, then try again.',
  activation_required:
    'This license is bound to devices: export an activation request and install the certificate your vendor returns.',
  device_mismatch: 'The device certificate belongs to another computer. Export a new activation request from this one.',
  clock_rollback:
    'The system clock went back more than 10 minutes since the app last ran. Correct the date and time, then restart.',
  clock_tampered:
    'This installation’s clock record was altered or deleted outside the app, so licenses are refused here. Contact your vendor’s support to restore it.',
};

export function rejectionMessage(reason: LicenseRejection): string {
  return MESSAGES[reason];
}

function reject(reason: LicenseRejection): { ok: false; reason: LicenseRejection; message: string } {
  return { ok: false, reason, message: MESSAGES[reason] };
}

/** Ed25519 verification; tweetnacl by default, injectable so a benchmark or a fuzz run can use another. */
export type SignatureCheck = (message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array) => boolean;

export const tweetnaclCheck: SignatureCheck = (message, signature, publicKey) =>
  nacl.sign.detached.verify(message, signature, publicKey);

/** The group order L of Ed25519, little-endian. */
const GROUP_ORDER = [
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/** tweetnacl accepts S + L as well as S; refusing S >= L makes each license have exactly one valid signature. */
function hasCanonicalScalar(signature: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    const byte = signature[32 + i] ?? 0;
    const order = GROUP_ORDER[i] ?? 0;
    if (byte !== order) return byte < order;
  }
  return false;
}

function signatureValid(token: ParsedToken, publicKey: Uint8Array, check: SignatureCheck): boolean {
  if (publicKey.length !== nacl.sign.publicKeyLength || !hasCanonicalScalar(token.signature)) return false;
  return check(token.signed, token.signature, publicKey);
}

type Decoded<T> = { ok: true; value: T } | { ok: false; reason: 'bad_payload' | 'duplicate_key' };

function decodePayload<T>(
  token: ParsedToken,
  schema: { safeParse(value: unknown): { success: boolean; data?: T } },
): Decoded<T> {
  const text = payloadText(token);
  if (text === null) return { ok: false, reason: 'bad_payload' };
  const json = parseStrictJson(text);
  if (!json.ok) return { ok: false, reason: json.reason === 'duplicate_key' ? 'duplicate_key' : 'bad_payload' };
  const parsed = schema.safeParse(json.value);
  return parsed.success ? { ok: true, value: parsed.data as T } : { ok: false, reason: 'bad_payload' };
}

/** The checks that need the signature: structure → encoding → signature → payload schema. Run once per token. */
export function verifyLicenseToken(
  text: string,
  publicKey: Uint8Array,
  check: SignatureCheck = tweetnaclCheck,
): { ok: true; license: LicensePayload } | { ok: false; reason: LicenseRejection; message: string } {
  const token = parseToken(text, 'PA');
  if ('failure' in token) return reject(token.failure);
  if (!signatureValid(token, publicKey, check)) return reject('bad_signature');
  const decoded = decodePayload(token, LicensePayload);
  if (!decoded.ok) return reject(decoded.reason);
  return { ok: true, license: decoded.value };
}

export interface EvaluateOptions {
  now: number;
  highWaterMark: number | null;
  fingerprint: string;
}

/**
 * The checks that depend on time and on this device, for a license whose signature already verified:
 * validity window → issue date → device binding → clock rollback → grace. Cheap, so it runs on every question.
 */
export function evaluateLicense(
  license: LicensePayload,
  certificate: CertificatePayload | null,
  options: EvaluateOptions,
): LicenseVerdict {
  const { now } = options;
  const graceEndsAt = license.expiresAt + GRACE_PERIOD_MS;
  if (now < license.notBefore) return reject('not_yet_valid');
  if (now >= graceEndsAt) return reject('expired');
  if (license.issuedAt > now + MAX_ISSUE_SKEW_MS) return reject('issued_in_future');
  if (license.maxDevices !== null) {
    if (certificate === null) return reject('activation_required');
    if (certificate.licenseId !== license.id || certificate.fingerprint !== options.fingerprint) {
      return reject('device_mismatch');
    }
  }
  if (options.highWaterMark !== null && now < options.highWaterMark - ROLLBACK_TOLERANCE_MS) {
    return reject('clock_rollback');
  }
  const inGrace = now >= license.expiresAt;
  return { ok: true, license, status: inGrace ? 'grace' : 'active', readOnly: inGrace, graceEndsAt };
}

/** Verifies a license completely, in the documented order. Never throws: every failure is a verdict with a reason. */
export function verifyLicense(text: string, options: VerifyOptions): LicenseVerdict {
  const verified = verifyLicenseToken(text, options.publicKey, options.check);
  if (!verified.ok) return verified;
  const certificate =
    verified.license.maxDevices === null ? null : verifyCertificate(options.device.certificate, options.publicKey);
  return evaluateLicense(verified.license, certificate, {
    now: options.now,
    highWaterMark: options.highWaterMark,
    fingerprint: options.device.fingerprint,
  });
}

/** A device certificate's content, or null when it is absent, damaged or not signed by the vendor key. */
export function verifyCertificate(text: string | null, publicKey: Uint8Array): CertificatePayload | null {
  if (text === null) return null;
  const token = parseToken(text, 'PAC');
  if ('failure' in token || !signatureValid(token, publicKey, tweetnaclCheck)) return null;
  const decoded = decodePayload(token, CertificatePayload);
  return decoded.ok ? decoded.value : null;
}

/** Decodes a license without trusting it (`pa license inspect`): the payload, and whether the schema holds. */
export function inspectLicense(
  text: string,
): { ok: true; payload: unknown; valid: boolean } | { ok: false; reason: LicenseRejection } {
  const token = parseToken(text, 'PA');
  if ('failure' in token) return { ok: false, reason: token.failure };
  const body = payloadText(token);
  if (body === null) return { ok: false, reason: 'bad_payload' };
  const json = parseStrictJson(body);
  if (!json.ok) return { ok: false, reason: json.reason === 'duplicate_key' ? 'duplicate_key' : 'bad_payload' };
  return { ok: true, payload: json.value, valid: LicensePayload.safeParse(json.value).success };
}
