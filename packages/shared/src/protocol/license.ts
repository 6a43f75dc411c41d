// license methods and events (owned by the license capability): status, activation, quotas and the audit log.
import { z } from 'zod';
import { Edition, Feature, ModelClass, QuotaMetric, WorkflowComponent } from '../editions.js';
import { Empty, method } from '../rpc.js';

export const LicenseRejectionReason = z.enum([
  'malformed',
  'bad_prefix',
  'bad_version',
  'bad_encoding',
  'bad_signature',
  'bad_payload',
  'duplicate_key',
  'not_yet_valid',
  'expired',
  'issued_in_future',
  'activation_required',
  'device_mismatch',
  'clock_rollback',
  'clock_tampered',
]);

export const QuotaUsage = z.object({
  metric: QuotaMetric,
  /** UTC day, YYYY-MM-DD. */
  day: z.string(),
  used: z.number().int().nonnegative(),
  /** null = unlimited (usage is still recorded). */
  limit: z.number().int().nonnegative().nullable(),
  remaining: z.number().int().nonnegative().nullable(),
});
export type QuotaUsage = z.infer<typeof QuotaUsage>;

export const LicenseStatus = z.object({
  /** none: no license (personal); active; grace: expired, read-only for 7 days; the rest: installed but not in force. */
  state: z.enum(['none', 'active', 'grace', 'activation_required', 'rejected']),
  edition: Edition,
  readOnly: z.boolean(),
  license: z
    .object({
      id: z.string(),
      licensee: z.string(),
      email: z.string(),
      edition: Edition,
      issuedAt: z.number(),
      notBefore: z.number(),
      expiresAt: z.number(),
      maxDevices: z.number().nullable(),
    })
    .nullable(),
  /** Whole days until expiry (negative in the grace period); null without a license. */
  daysLeft: z.number().int().nullable(),
  graceEndsAt: z.number().nullable(),
  rejection: z.object({ reason: LicenseRejectionReason, message: z.string() }).nullable(),
  warning: z.string().nullable(),
  device: z.object({ bound: z.boolean(), activated: z.boolean(), fingerprint: z.string() }),
  features: z.array(Feature),
  models: z.array(ModelClass),
  components: z.array(WorkflowComponent),
  collabParticipants: z.number().nullable(),
  quotas: z.array(QuotaUsage),
  keychain: z.enum(['available', 'unavailable (file fallback)']),
});
export type LicenseStatus = z.infer<typeof LicenseStatus>;

export const AuditEntry = z.object({
  id: z.number().int(),
  at: z.number(),
  type: z.string(),
  actor: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

const TokenText = z
  .string()
  .min(1)
  .max(16 * 1024);

export const licenseMethods = {
  'license.status': method(Empty, LicenseStatus),
  /** Installs a license key (the text of a license file); answers E_LICENSE with the reason when it does not verify. */
  'license.activate': method(z.strictObject({ key: TokenText }), LicenseStatus),
  'license.remove': method(Empty, LicenseStatus),
  /** The activation request to send to the vendor for a device-bound license (`PAR1.…`). */
  'license.activationRequest': method(
    Empty,
    z.object({ request: z.string(), licenseId: z.string(), fingerprint: z.string() }),
  ),
  'license.installCertificate': method(z.strictObject({ certificate: TokenText }), LicenseStatus),
  'quota.usage': method(Empty, z.object({ items: z.array(QuotaUsage) })),
  'audit.tail': method(
    z.strictObject({ limit: z.number().int().min(1).max(1000).default(50) }).optional(),
    z.object({ items: z.array(AuditEntry) }),
  ),
} as const;

export const licenseEvents = {
  'license.changed': LicenseStatus,
  'quota.changed': z.object({ items: z.array(QuotaUsage) }),
} as const;
