// The licensing capability: the installed license (kept in the secrets store), its verdict against the clock and
// this device, the entitlements and quotas it grants, and the audit log. No license = the personal edition.
import {
  AUDIT_EXPORT_MAX_ROWS,
  type CertificatePayload,
  cheapestEditionFor,
  describeEntitlement,
  ErrorCode,
  encodeActivationRequest,
  errorMessage,
  evaluateLicense,
  grantsOf,
  isGranted,
  type LicensePayload,
  type LicenseRejection,
  type LicenseStatus,
  PaError,
  type QuotaMetric,
  type QuotaUsage,
  rejectionMessage,
  type UsageQuota,
  verifyCertificate,
  verifyLicenseToken,
} from '@pa/shared';
import type { Capability, EngineContext } from '../context.js';
import { createQuotaLedger, type QuotaLedger } from '../quota/index.js';
import { createSecrets, keychainStatus, type Secrets } from '../secrets/index.js';
import type { Entitlements, Quotas } from './api.js';
import { type AuditLog, createAuditLog, formatAudit } from './audit.js';
import { type ClockGuard, createClockGuard } from './clock-guard.js';
import { deviceFingerprint } from './fingerprint.js';
import { loadPublicKey } from './public-key.js';
import { openRowSeal } from './row-seal.js';
import { deniedMessage, describeStatus, type Evaluation, readOnlyMessage, usableGrants } from './status.js';

export type { Audit, Entitlements, LicenseState, QuotaReservation, Quotas } from './api.js';
export { scrub } from './audit.js';

export const LICENSE_SECRET = 'license';
export const CERTIFICATE_SECRET = 'license-certificate';
const METRIC_LABEL: Record<QuotaMetric, string> = { ai_requests: 'AI request', workflow_runs: 'workflow run' };

export interface Licensing extends Capability {
  entitlements: Entitlements;
  quotas: Quotas;
  audit: AuditLog;
  status(): LicenseStatus;
  /** The edition in force and its quotas' usage per UTC day from `first` to `last` (inclusive), with today's limits. */
  quotaHistory(first: string, last: string): { edition: LicenseStatus['edition']; quotas: UsageQuota[] };
}

export interface LicensingOptions {
  /** Defaults to the installed resources/license-public-key; only code in this process (tests) may pass another. */
  publicKey?: Uint8Array | null;
  /** Defaults to the hash of this machine's id, the OS user and the data dir's salt. */
  fingerprint?: string;
}

interface Installed {
  license: LicensePayload;
  certificate: CertificatePayload | null;
}

/** What licensing needs from the engine (a subset, so tests can build it without a workspace). */
export type LicensingContext = Pick<EngineContext, 'dataDir' | 'store' | 'clock' | 'connections' | 'log'>;

export function createLicensing(ctx: LicensingContext, secrets: Secrets, options: LicensingOptions = {}): Licensing {
  const publicKey = options.publicKey !== undefined ? options.publicKey : loadPublicKey();
  const fingerprint = options.fingerprint ?? deviceFingerprint(ctx.dataDir);
  const audit: AuditLog = createAuditLog(ctx.store, ctx.clock);
  // the clock and quota rows are sealed with a key from the keychain: rows edited by hand are found and audited
  // (mirrored into the data dir's file store, so a process that cannot reach the keychain seals with the same key)
  const seal = openRowSeal(
    ctx.store,
    secrets.backend === 'keychain' ? [secrets, createSecrets(ctx, { PA_SECRETS_BACKEND: 'file' })] : [secrets],
  );
  const clock: ClockGuard = createClockGuard(ctx.store, seal);
  const ledger: QuotaLedger = createQuotaLedger(ctx.store, ctx.clock, {
    seal,
    onDidFindTampering: (day) =>
      audit.record({ type: 'quota.tampered', actor: 'engine', detail: { day, effect: 'day counts as used up' } }),
  });
  let clockTamperAudited = false;
  const exhaustedAudited = new Set<string>();
  const readRevision = ctx.store.db.prepare<[], { revision: number }>(
    'SELECT revision FROM license_revision WHERE id = 1',
  );
  const bumpRevision = ctx.store.db.prepare(
    `INSERT INTO license_revision (id, revision) VALUES (1, 1)
     ON CONFLICT (id) DO UPDATE SET revision = revision + 1`,
  );
  let revision = readRevision.get()?.revision ?? 0;
  let installed: Installed | null = loadInstalled();

  /** Another process (`pa license activate`, a second window's engine) changed the license: load it again. */
  function reloadIfChanged(): void {
    const current = readRevision.get()?.revision ?? 0;
    if (current === revision) return;
    revision = current;
    installed = loadInstalled();
  }

  function changed(): void {
    bumpRevision.run();
    revision = readRevision.get()?.revision ?? revision;
  }
  let lastReason: LicenseRejection | 'ok' | 'none' = 'none';

  function loadInstalled(): Installed | null {
    let text: string | null;
    let certificateText: string | null;
    try {
      text = secrets.getSync(LICENSE_SECRET);
      certificateText = secrets.getSync(CERTIFICATE_SECRET);
    } catch (error) {
      ctx.log({ level: 'warn', msg: 'stored license unreadable', error: errorMessage(error) });
      return null;
    }
    if (text === null || publicKey === null) return null;
    const verified = verifyLicenseToken(text, publicKey);
    if (!verified.ok) {
      audit.record({ type: 'license.rejected', actor: 'engine', detail: { reason: verified.reason, at: 'start' } });
      return null;
    }
    const certificate = verifyCertificate(certificateText, publicKey);
    return {
      license: verified.license,
      certificate: certificate?.licenseId === verified.license.id ? certificate : null,
    };
  }

  /** Re-judges the license against the clock on every question: cheap, and expiry or rollback takes effect at once. */
  function evaluate(): Evaluation {
    reloadIfChanged();
    const now = ctx.clock();
    const highWaterMark = clock.observe(now);
    const judged = (state: Evaluation['state'], verdict: Evaluation['verdict'], grants: Evaluation['grants']) =>
      settle({ state, verdict, grants, usable: usableGrants(state, grants), license: installed?.license ?? null, now });
    auditClockTamper();
    if (!installed) return judged('none', null, grantsOf(null));
    if (clock.tampered()) return judged('rejected', clockTampered(), grantsOf(null));
    const verdict = evaluateLicense(installed.license, installed.certificate, { now, highWaterMark, fingerprint });
    if (verdict.ok) return judged(verdict.status, verdict, grantsOf(verdict.license));
    return judged(
      verdict.reason === 'activation_required' ? 'activation_required' : 'rejected',
      verdict,
      grantsOf(null),
    );
  }

  function clockTampered(): Evaluation['verdict'] {
    return { ok: false, reason: 'clock_tampered', message: rejectionMessage('clock_tampered') };
  }

  function auditClockTamper(): void {
    if (clockTamperAudited || !clock.tampered()) return;
    clockTamperAudited = true;
    audit.record({
      type: 'license.tampered',
      actor: 'engine',
      detail: { record: 'clock', effect: 'licenses refused' },
    });
  }

  /** Audits and announces a change of verdict (expiry, rollback, activation) once, when it happens. */
  function settle(evaluation: Evaluation): Evaluation {
    const reason = evaluation.verdict === null ? 'none' : evaluation.verdict.ok ? 'ok' : evaluation.verdict.reason;
    if (reason !== lastReason) {
      const previous = lastReason;
      lastReason = reason;
      if (reason !== 'ok' && reason !== 'none' && previous !== 'none') {
        audit.record({
          type: 'license.rejected',
          actor: 'engine',
          detail: { reason, licenseId: evaluation.license?.id ?? null },
        });
      }
      if (previous !== 'none' || reason !== 'none') queueMicrotask(() => broadcastStatus());
    }
    return evaluation;
  }

  function quotaUsage(evaluation: Evaluation): QuotaUsage[] {
    const account = accountOf(evaluation);
    const day = ledger.dayOf(evaluation.now);
    const rows = new Map(ledger.usage(account, day).map((row) => [row.metric, row.used]));
    const tampered = ledger.tampered(account, day);
    return (['ai_requests', 'workflow_runs'] as const).map((metric) => {
      const used = rows.get(metric) ?? 0;
      const limit = evaluation.usable.quotas[metric];
      if (tampered) return { metric, day, used: Math.max(used, limit ?? 0), limit, remaining: 0 };
      return { metric, day, used, limit, remaining: limit === null ? null : Math.max(0, limit - used) };
    });
  }

  function accountOf(evaluation: Evaluation): string {
    return evaluation.state === 'active' || evaluation.state === 'grace'
      ? (evaluation.license?.id ?? 'personal')
      : 'personal';
  }

  function status(): LicenseStatus {
    const evaluation = evaluate();
    return describeStatus(evaluation, {
      fingerprint,
      activated: installed?.certificate?.fingerprint === fingerprint,
      quotas: quotaUsage(evaluation),
      keychain: keychainStatus(secrets),
    });
  }

  function broadcastStatus(): void {
    if (ctx.connections.size > 0) ctx.connections.broadcast('license.changed', status());
  }

  function broadcastQuota(): void {
    if (ctx.connections.size > 0) ctx.connections.broadcast('quota.changed', { items: quotaUsage(evaluate()) });
  }

  function requirePublicKey(): Uint8Array {
    if (publicKey) return publicKey;
    throw new PaError(
      ErrorCode.LICENSE,
      'This build has no license public key (resources/license-public-key); reinstall the app.',
    );
  }

  function refuse(reason: LicenseRejection, actor: string, extra: Record<string, unknown> = {}): never {
    audit.record({ type: 'license.rejected', actor, detail: { reason, ...extra } });
    throw new PaError(ErrorCode.LICENSE, rejectionMessage(reason), { reason });
  }

  function activate(key: string, actor: string): LicenseStatus {
    const text = key.trim();
    const verified = verifyLicenseToken(text, requirePublicKey());
    if (!verified.ok) refuse(verified.reason, actor);
    const license = verified.license;
    const certificate = installed?.certificate?.licenseId === license.id ? installed.certificate : null;
    const now = ctx.clock();
    const verdict = evaluateLicense(license, certificate, { now, highWaterMark: clock.observe(now), fingerprint });
    if (clock.tampered()) refuse('clock_tampered', actor, { licenseId: license.id });
    // a device-bound license is kept while it waits for its certificate; any other failure refuses the key
    if (!verdict.ok && verdict.reason !== 'activation_required' && verdict.reason !== 'device_mismatch') {
      refuse(verdict.reason, actor, { licenseId: license.id });
    }
    secrets.setSync(LICENSE_SECRET, text);
    if (!certificate) secrets.deleteSync(CERTIFICATE_SECRET);
    installed = { license, certificate };
    changed();
    audit.record({
      type: 'license.installed',
      actor,
      detail: { licenseId: license.id, edition: license.edition, deviceBound: license.maxDevices !== null },
    });
    broadcastStatus();
    return status();
  }

  function remove(actor: string): LicenseStatus {
    const licenseId = installed?.license.id ?? null;
    secrets.deleteSync(LICENSE_SECRET);
    secrets.deleteSync(CERTIFICATE_SECRET);
    installed = null;
    changed();
    if (licenseId) audit.record({ type: 'license.removed', actor, detail: { licenseId } });
    broadcastStatus();
    return status();
  }

  function requireInstalled(): Installed {
    if (installed) return installed;
    throw new PaError(ErrorCode.LICENSE, 'No license is installed. Activate your license key first.');
  }

  function installCertificate(text: string, actor: string): LicenseStatus {
    const current = requireInstalled();
    const certificate = verifyCertificate(text.trim(), requirePublicKey());
    if (!certificate) {
      audit.record({ type: 'license.rejected', actor, detail: { reason: 'bad_certificate' } });
      throw new PaError(
        ErrorCode.LICENSE,
        'This device certificate is damaged or was not signed by the vendor. Paste it again from the file you received.',
        { reason: 'bad_certificate' },
      );
    }
    if (certificate.licenseId !== current.license.id || certificate.fingerprint !== fingerprint) {
      refuse('device_mismatch', actor, { licenseId: current.license.id });
    }
    secrets.setSync(CERTIFICATE_SECRET, text.trim());
    installed = { license: current.license, certificate };
    changed();
    audit.record({ type: 'license.device_activated', actor, detail: { licenseId: current.license.id } });
    broadcastStatus();
    return status();
  }

  const entitlements: Entitlements = {
    state() {
      const evaluation = evaluate();
      return {
        edition: evaluation.grants.edition,
        licenseId:
          evaluation.state === 'active' || evaluation.state === 'grace' ? (evaluation.license?.id ?? null) : null,
        readOnly: evaluation.state === 'grace',
      };
    },
    allows: (entitlement) => isGranted(evaluate().usable, entitlement),
    require(entitlement, actor) {
      const evaluation = evaluate();
      if (isGranted(evaluation.usable, entitlement)) return;
      const name = describeEntitlement(entitlement);
      const edition = evaluation.grants.edition;
      if (isGranted(evaluation.grants, entitlement)) refuseReadOnly(evaluation, actor, name, name);
      audit.recordCoalesced({ type: 'entitlement.denied', actor, detail: { entitlement: name, edition } }, name);
      throw new PaError(ErrorCode.LICENSE, deniedMessage(evaluation, entitlement), {
        entitlement: name,
        edition,
        requiredEdition: cheapestEditionFor(entitlement),
      });
    },
    collabParticipantLimit: () => evaluate().usable.collabParticipants,
  };

  /** Something the license grants but may not use while read-only: audited like any denial, refused with a reason. */
  function refuseReadOnly(evaluation: Evaluation, actor: string, entitlement: string, what: string): never {
    const edition = evaluation.grants.edition;
    const detail = { entitlement, edition, reason: 'grace_read_only' };
    audit.recordCoalesced({ type: 'entitlement.denied', actor, detail }, `${entitlement}/grace_read_only`);
    throw new PaError(ErrorCode.LICENSE, readOnlyMessage(evaluation, what), {
      ...detail,
      graceEndsAt: evaluation.verdict?.ok ? evaluation.verdict.graceEndsAt : null,
    });
  }

  const quotas: Quotas = {
    consume(metric, n, actor) {
      const evaluation = evaluate();
      const account = accountOf(evaluation);
      const outcome = ledger.consume(account, metric, n, evaluation.usable.quotas[metric]);
      if (!outcome.granted && outcome.tampered) {
        throw new PaError(
          ErrorCode.QUOTA,
          `Today's ${METRIC_LABEL[metric]} quota counts as used up: its counters were altered outside the app. It resets at 00:00 UTC.`,
          { metric, day: outcome.day, reason: 'quota_tampered' },
        );
      }
      if (!outcome.granted) {
        const licensed = evaluation.grants.quotas[metric];
        if (evaluation.state === 'grace' && (licensed === null || outcome.used + n <= licensed)) {
          // the license would allow it, the personal allowance does not: read-only, not exhausted
          refuseReadOnly(
            evaluation,
            actor,
            `quota:${metric}`,
            `${METRIC_LABEL[metric]} use beyond the Personal allowance`,
          );
        }
        const key = `${account}/${metric}/${outcome.day}`;
        if (!exhaustedAudited.has(key)) {
          exhaustedAudited.add(key);
          audit.record({ type: 'quota.exhausted', actor, detail: { metric, limit: outcome.limit, day: outcome.day } });
        }
        throw new PaError(
          ErrorCode.QUOTA,
          `Today's ${METRIC_LABEL[metric]} quota (${outcome.limit}) is used up; it resets at 00:00 UTC. Upgrade your edition for a higher limit.`,
          { metric, limit: outcome.limit, used: outcome.used, day: outcome.day },
        );
      }
      broadcastQuota();
      let refunded = false;
      return {
        refund() {
          if (refunded) return;
          refunded = true;
          ledger.refund(account, metric, outcome.day, n);
          broadcastQuota();
        },
      };
    },
  };

  function quotaHistory(first: string, last: string): { edition: LicenseStatus['edition']; quotas: UsageQuota[] } {
    const evaluation = evaluate();
    const rows = ledger.history(accountOf(evaluation), first, last);
    return {
      edition: evaluation.grants.edition,
      quotas: (['ai_requests', 'workflow_runs'] as const).map((metric) => ({
        metric,
        limit: evaluation.usable.quotas[metric],
        days: rows.filter((row) => row.metric === metric).map(({ day, used }) => ({ day, used })),
      })),
    };
  }

  evaluate();
  // once a minute even when nobody asks, so a license installed by `pa license`, expiry, grace and rollback
  // reach the UI as license.changed
  const ticker = setInterval(evaluate, 60_000);
  ticker.unref();

  return {
    entitlements,
    quotas,
    audit,
    status,
    quotaHistory,
    dispose: () => clearInterval(ticker),
    handlers: {
      'license.status': () => status(),
      'license.activate': ({ key }, { actor }) => activate(key, actor),
      'license.remove': (_params, { actor }) => remove(actor),
      'license.activationRequest': () => {
        const { license } = requireInstalled();
        return {
          request: encodeActivationRequest({ licenseId: license.id, fingerprint, requestedAt: ctx.clock() }),
          licenseId: license.id,
          fingerprint,
        };
      },
      'license.installCertificate': ({ certificate }, { actor }) => installCertificate(certificate, actor),
      'quota.usage': () => ({ items: quotaUsage(evaluate()) }),
      'audit.tail': (params) => ({ items: audit.tail(params?.limit ?? 50) }),
      'audit.query': ({ limit, before, ...filter }) => ({
        items: audit.query(filter, limit, before),
        total: audit.count(filter),
        ...audit.choices(),
      }),
      'audit.export': ({ format, ...filter }, { actor }) => {
        entitlements.require({ kind: 'feature', feature: 'audit.export' }, actor);
        const rows = audit.query(filter, AUDIT_EXPORT_MAX_ROWS + 1);
        const truncated = rows.length > AUDIT_EXPORT_MAX_ROWS;
        const kept = truncated ? rows.slice(0, AUDIT_EXPORT_MAX_ROWS) : rows;
        // who took a copy of the log, and how much of it
        audit.record({ type: 'audit.exported', actor, detail: { format, rows: kept.length, truncated } });
        const stamp = new Date(ctx.clock()).toISOString().slice(0, 19).replaceAll(':', '-');
        return {
          fileName: `audit-log-${stamp}.${format}`,
          mimeType: format === 'json' ? 'application/json' : 'text/csv',
          content: formatAudit(kept, format),
          rows: kept.length,
          truncated,
        };
      },
    },
  };
}
