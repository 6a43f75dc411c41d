// The signed-token format shared by licenses (`PA1.…`) and device certificates (`PAC1.…`):
// `<FAMILY><version>.<base64url payload>.<base64url Ed25519 signature>`, signed over the ASCII of `<head>.<payload>`.
import nacl from 'tweetnacl';
import { asciiBytes, decodeBase64Url, encodeBase64Url, isAscii, utf8Decode, utf8Encode } from './encoding.js';
import type { ActivationRequestPayload, CertificatePayload, LicensePayload } from './payload.js';

export type TokenFamily = 'PA' | 'PAC';
export const FORMAT_VERSION = '1';
/** Longer than any license we issue; refusing early keeps hostile input cheap. */
export const MAX_TOKEN_LENGTH = 16 * 1024;

export type TokenFailure = 'malformed' | 'bad_prefix' | 'bad_version' | 'bad_encoding';

export interface ParsedToken {
  /** Exactly the bytes the signature covers. */
  signed: Uint8Array;
  payload: Uint8Array;
  signature: Uint8Array;
}

/** Splits a token and decodes its parts without trusting anything in it. */
export function parseToken(text: string, family: TokenFamily): ParsedToken | { failure: TokenFailure } {
  if (text.length > MAX_TOKEN_LENGTH || !isAscii(text)) return { failure: 'malformed' };
  const parts = text.split('.');
  if (parts.length !== 3) return { failure: 'malformed' };
  const [head = '', payloadText = '', signatureText = ''] = parts;
  const match = /^([A-Z]+)([0-9]+)$/.exec(head);
  if (!match) return { failure: 'bad_prefix' };
  if (match[1] !== family) return { failure: 'bad_prefix' };
  if (match[2] !== FORMAT_VERSION) return { failure: 'bad_version' };
  const payload = decodeBase64Url(payloadText);
  const signature = decodeBase64Url(signatureText);
  if (!payload || payload.length === 0 || !signature || signature.length !== nacl.sign.signatureLength) {
    return { failure: 'bad_encoding' };
  }
  return { signed: asciiBytes(`${head}.${payloadText}`), payload, signature };
}

export function payloadText(token: ParsedToken): string | null {
  return utf8Decode(token.payload);
}

/** Signs a payload object into a token (vendor side: `pa license issue`, `activate-offline`). */
export function signToken(family: TokenFamily, payload: object, secretKey: Uint8Array): string {
  const signedText = `${family}${FORMAT_VERSION}.${encodeBase64Url(utf8Encode(JSON.stringify(payload)))}`;
  const signature = nacl.sign.detached(asciiBytes(signedText), secretKey);
  return `${signedText}.${encodeBase64Url(signature)}`;
}

export function encodeLicense(payload: LicensePayload, secretKey: Uint8Array): string {
  return signToken('PA', payload, secretKey);
}

export function encodeCertificate(payload: CertificatePayload, secretKey: Uint8Array): string {
  return signToken('PAC', payload, secretKey);
}

/** Activation requests are not signed: they only carry what the vendor signs back (license id + fingerprint). */
export function encodeActivationRequest(payload: ActivationRequestPayload): string {
  return `PAR${FORMAT_VERSION}.${encodeBase64Url(utf8Encode(JSON.stringify(payload)))}`;
}

export function generateKeyPair(): { publicKey: Uint8Array; secretKey: Uint8Array } {
  return nacl.sign.keyPair();
}

export function keyPairFromSeed(seed: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array } {
  return nacl.sign.keyPair.fromSeed(seed);
}

export function decodeActivationRequest(text: string): unknown {
  const match = /^PAR1\.([A-Za-z0-9_-]+)$/.exec(text);
  const bytes = match?.[1] === undefined ? null : decodeBase64Url(match[1]);
  const body = bytes === null ? null : utf8Decode(bytes);
  if (body === null) return null;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return null;
  }
}
