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

/** Filters of the audit log (`audit.query`, `audit.export`); every one optional, all of them must hold. */
export const AuditFilter = z.strictObject({
  /** Event types (actions), e.g. license.installed, entitlement.denied; any of them. */
  types: z.array(z.string().min(1).max(100)).max(50).optional(),
  actor: z.string().min(1).max(200).optional(),
  /** Epoch ms, inclusive. */
  from: z.number().int().min(0).max(8_640_000_000_000_000).optional(),
  /** Epoch ms, exclusive. */
  to: z.number().int().min(0).max(8_640_000_000_000_000).optional(),
  /** Plain text (no wildcards), case-insensitive, in the type, actor or detail. */
  text: z.string().min(1).max(200).optional(),
});
export type AuditFilter = z.infer<typeof AuditFilter>;

/** The most rows one export holds (newest first); `truncated` says when there were more. */
export const AUDIT_EXPORT_MAX_ROWS = 10_000;

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
  /** The log filtered, newest first, in pages (`before`: the id of the last row of the previous page). */
  'audit.query': method(
    AuditFilter.extend({
      limit: z.number().int().min(1).max(500).default(100),
      before: z.number().int().min(1).optional(),
    }),
    z.object({
      items: z.array(AuditEntry),
      /** Rows matching the filter in all (not only this page). */
      total: z.number().int().nonnegative(),
      /** Every type and actor in the log, for the filter's choices. */
      types: z.array(z.string()),
      actors: z.array(z.string()),
    }),
  ),
  /**
   * The filtered log as a file (JSON or CSV), newest first, at most AUDIT_EXPORT_MAX_ROWS rows. Needs the
   * `audit.export` feature of the edition (E_LICENSE otherwise; the denial is audited).
   */
  'audit.export': method(
    AuditFilter.extend({ format: z.enum(['json', 'csv']) }),
    z.object({
      fileName: z.string(),
      mimeType: z.string(),
      content: z.string(),
      rows: z.number().int(),
      truncated: z.boolean(),
    }),
  ),
} as const;

export const licenseEvents = {
  'license.changed': LicenseStatus,
  'quota.changed': z.object({ items: z.array(QuotaUsage) }),
} as const;
