// What a license, a device certificate and an activation request say, as zod schemas. Unknown fields are refused:
// a field the verifier does not understand must not silently change what a signed license means.
import { z } from 'zod';
import { Edition, Feature } from '../editions.js';

/** Milliseconds since the epoch (UTC). */
const Instant = z.number().int().min(0).max(8_640_000_000_000_000);
const QuotaLimit = z.number().int().min(0).max(1_000_000_000).nullable();

export const LicensePayload = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
    licensee: z.string().min(1).max(200),
    email: z.email().max(320),
    edition: Edition,
    /** Features granted on top of the edition's own. */
    features: z.array(Feature).max(Feature.options.length),
    /** Daily limits per metric; null = unlimited. */
    quotas: z.strictObject({ ai_requests: QuotaLimit, workflow_runs: QuotaLimit }),
    issuedAt: Instant,
    notBefore: Instant,
    expiresAt: Instant,
    /** null = not bound to devices; a number = needs a device certificate (the vendor counts activations). */
    maxDevices: z.number().int().min(1).max(100_000).nullable(),
  })
  .refine((payload) => payload.notBefore < payload.expiresAt, { message: 'notBefore must be before expiresAt' });
export type LicensePayload = z.infer<typeof LicensePayload>;

/** A device fingerprint is a SHA-256 hex digest; raw machine ids never leave the machine. */
export const Fingerprint = z.string().regex(/^[0-9a-f]{64}$/);

export const CertificatePayload = z.strictObject({
  licenseId: LicensePayload.shape.id,
  fingerprint: Fingerprint,
  issuedAt: Instant,
});
export type CertificatePayload = z.infer<typeof CertificatePayload>;

export const ActivationRequestPayload = z.strictObject({
  licenseId: LicensePayload.shape.id,
  fingerprint: Fingerprint,
  requestedAt: Instant,
});
export type ActivationRequestPayload = z.infer<typeof ActivationRequestPayload>;
