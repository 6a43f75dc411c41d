// The License view: edition and licensee, expiry countdown, quota bars for today, activation (paste or pick a
// file), offline device activation (export a request, import a certificate), what the edition includes, keychain.
import { EDITIONS, type Entitlement, type LicenseStatus, type QuotaUsage } from '@pa/shared';
import { type ChangeEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { USAGE_EDITOR } from '../usage/ids';
import { useWorkbench } from '../workbench/contributions';
import { useObservable } from '../workbench/observable';
import { countdown } from './countdown';
import { Gated } from './entitlements';
import type { LicenseController } from './license-controller';

const METRIC_LABEL: Record<QuotaUsage['metric'], string> = {
  ai_requests: 'Remote AI requests',
  workflow_runs: 'Workflow & test runs',
};

const STATE_LABEL: Record<LicenseStatus['state'], string> = {
  none: 'No license — free personal edition',
  active: 'Active',
  grace: 'Expired — read-only grace period',
  activation_required: 'Waiting for device activation',
  rejected: 'Not in force',
};

/** Gated things the view lists, so a user sees what an upgrade unlocks. */
const INCLUDED: Array<{ label: string; entitlement: Entitlement; command?: { id: string; title: string } }> = [
  {
    label: 'Host live sessions',
    entitlement: { kind: 'feature', feature: 'collab.host' },
    command: { id: 'collab.share', title: 'Host a session' },
  },
  { label: 'Remote models', entitlement: { kind: 'model', modelClass: 'remote' } },
  { label: 'Private endpoints', entitlement: { kind: 'model', modelClass: 'private_endpoint' } },
  { label: 'Review & commit', entitlement: { kind: 'component', component: 'review' } },
  { label: 'Operations', entitlement: { kind: 'component', component: 'operations' } },
  { label: 'Custom endpoints', entitlement: { kind: 'model', modelClass: 'custom_endpoint' } },
  { label: 'Audit export', entitlement: { kind: 'feature', feature: 'audit.export' } },
];

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** A text file from Electron's native picker, or from an <input type=file> in browser mode. */
function usePickText(controller: LicenseController, onText: (text: string) => void) {
  const input = useRef<HTMLInputElement>(null);
  const pick = async () => {
    if (!controller.picksNatively) {
      input.current?.click();
      return;
    }
    const text = await controller.pickTextFile();
    if (text !== null) onText(text);
  };
  const element = (
    <input
      ref={input}
      type="file"
      accept=".txt,.lic,.pa,text/plain"
      className="license-hidden"
      data-testid="license-file-input"
      onChange={(event: ChangeEvent<HTMLInputElement>) => {
        const file = event.target.files?.[0];
        if (file) void file.text().then(onText);
        event.target.value = '';
      }}
    />
  );
  return { pick, element };
}

/** A token pasted or read from a file (a license key, a device certificate) and the button that submits it. */
function TokenInput(props: {
  controller: LicenseController;
  value: string;
  onChange: (text: string) => void;
  placeholder: string;
  rows: number;
  testId: string;
  submitLabel: string;
  submitTestId?: string;
  busy: boolean;
  /** Resolves true when the text was accepted (the input is cleared). */
  onSubmit: (text: string) => Promise<boolean>;
  children?: ReactNode;
}) {
  const file = usePickText(props.controller, props.onChange);
  return (
    <>
      <textarea
        className="license-input"
        data-testid={props.testId}
        placeholder={props.placeholder}
        spellCheck={false}
        rows={props.rows}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
      />
      {file.element}
      <div className="license-actions">
        <button
          type="button"
          className="license-primary"
          data-testid={props.submitTestId}
          disabled={props.busy || props.value.trim() === ''}
          onClick={() =>
            void props.onSubmit(props.value).then((accepted) => {
              if (accepted) props.onChange('');
            })
          }
        >
          {props.submitLabel}
        </button>
        <button type="button" disabled={props.busy} onClick={() => void file.pick()}>
          Open file…
        </button>
        {props.children}
      </div>
    </>
  );
}

function QuotaBar({ quota }: { quota: QuotaUsage }) {
  const ratio = quota.limit ? Math.min(1, quota.used / quota.limit) : 0;
  const level = ratio >= 1 ? 'full' : ratio >= 0.8 ? 'high' : 'ok';
  return (
    <div className="license-quota" data-testid={`quota-${quota.metric}`}>
      <div className="license-quota__head">
        <span>{METRIC_LABEL[quota.metric]}</span>
        <span className="license-muted">
          {quota.limit === null ? `${quota.used} used · unlimited` : `${quota.used} / ${quota.limit}`}
        </span>
      </div>
      <div className={`license-quota__track license-quota__track--${level}`}>
        <div className="license-quota__fill" style={{ width: `${quota.limit === null ? 0 : ratio * 100}%` }} />
      </div>
    </div>
  );
}

export function LicenseView({ controller }: { controller: LicenseController }) {
  const status = useObservable(controller.status);
  const { busy, error } = useObservable(controller.activity);
  const workbench = useWorkbench();
  const now = useNow(60_000);
  const [key, setKey] = useState('');
  const [certificate, setCertificate] = useState('');

  if (!status) return <LicenseReading />;
  const { license } = status;
  const edition = EDITIONS[status.edition];
  const tone =
    status.state === 'rejected' ? 'danger' : status.state === 'active' || status.state === 'none' ? 'ok' : 'warning';

  return (
    <div className="license-view" data-testid="license-view">
      <section className="license-card">
        <div className="license-card__row">
          <span className={`license-edition license-edition--${status.edition}`} data-testid="license-edition">
            {edition.label}
          </span>
          <span className={`license-state license-state--${tone}`} data-testid="license-state">
            {STATE_LABEL[status.state]}
          </span>
        </div>
        {license && (
          <dl className="license-facts">
            <dt>Licensee</dt>
            <dd data-testid="license-licensee">
              {license.licensee} <span className="license-muted">&lt;{license.email}&gt;</span>
            </dd>
            <dt>Expires</dt>
            <dd>
              {new Date(license.expiresAt).toISOString().slice(0, 10)}{' '}
              <span className="license-muted" data-testid="license-countdown">
                ({countdown(license.expiresAt, now)})
              </span>
            </dd>
            <dt>License</dt>
            <dd className="license-mono">
              {license.id} · {EDITIONS[license.edition].label}
            </dd>
            <dt>Device</dt>
            <dd>
              {status.device.bound
                ? status.device.activated
                  ? 'activated on this device'
                  : 'not activated on this device'
                : 'not device-bound'}
            </dd>
          </dl>
        )}
        {status.warning && (
          <p className={`license-banner license-banner--${tone}`} data-testid="license-warning">
            {status.warning}
          </p>
        )}
      </section>

      <section className="license-section">
        <h3>Today's usage</h3>
        {status.quotas.map((quota) => (
          <QuotaBar key={quota.metric} quota={quota} />
        ))}
        <p className="license-muted license-small">Counts reset at 00:00 UTC. Local-model requests are not counted.</p>
        <p className="license-small">
          <button
            type="button"
            className="link-button"
            onClick={() => workbench.openEditor(USAGE_EDITOR, '')}
            data-testid="license-open-usage"
          >
            Usage over time, providers and the audit log…
          </button>
        </p>
      </section>

      <section className="license-section">
        <h3>{license ? 'Replace license' : 'Activate a license'}</h3>
        <TokenInput
          controller={controller}
          value={key}
          onChange={setKey}
          placeholder="Paste your license key (PA1.…)"
          rows={3}
          testId="license-key-input"
          submitLabel="Activate"
          submitTestId="license-activate"
          busy={busy}
          onSubmit={(text) => controller.activate(text)}
        >
          {license && (
            <button type="button" className="license-danger" disabled={busy} onClick={() => void controller.remove()}>
              Remove
            </button>
          )}
        </TokenInput>
        {error && (
          <p className="license-banner license-banner--danger" data-testid="license-error" role="alert">
            {error}
          </p>
        )}
      </section>

      {status.device.bound && !status.device.activated && (
        <section className="license-section" data-testid="license-device">
          <h3>Device activation</h3>
          <p className="license-muted license-small">
            Send the activation request to your vendor, then install the certificate they return. No network needed.
          </p>
          <div className="license-actions">
            <button
              type="button"
              data-testid="license-export-request"
              disabled={busy}
              onClick={() => void controller.exportActivationRequest()}
            >
              Export activation request
            </button>
          </div>
          <TokenInput
            controller={controller}
            value={certificate}
            onChange={setCertificate}
            placeholder="Paste the device certificate (PAC1.…)"
            rows={2}
            testId="license-certificate-input"
            submitLabel="Install certificate"
            busy={busy}
            onSubmit={(text) => controller.installCertificate(text)}
          />
        </section>
      )}

      <section className="license-section">
        <h3>Your edition includes</h3>
        <ul className="license-included">
          {INCLUDED.map((item) => (
            <li key={item.label} data-testid={`included-${item.label}`}>
              <span>{item.label}</span>
              <Gated entitlement={item.entitlement}>
                {item.command ? (
                  <button
                    type="button"
                    className="link-button"
                    data-testid={`gated-${item.command.id}`}
                    onClick={() => workbench.runCommand(item.command?.id ?? '')}
                  >
                    {item.command.title}
                  </button>
                ) : (
                  <span className="license-included__ok">✓ included</span>
                )}
              </Gated>
            </li>
          ))}
        </ul>
      </section>

      <section className="license-section">
        <h3>Secrets</h3>
        <p className="license-small" data-testid="license-keychain">
          Keychain: {status.keychain}
          {status.keychain !== 'available' && (
            <span className="license-muted">
              {' '}
              — no OS keychain answered; the license and API keys are kept in an encrypted file whose key is readable
              only by you.
            </span>
          )}
        </p>
      </section>
    </div>
  );
}

/** What the view shows until the first license status arrives (and while the feature is not active). */
export function LicenseReading() {
  return <div className="license-view license-muted">Reading the license…</div>;
}
