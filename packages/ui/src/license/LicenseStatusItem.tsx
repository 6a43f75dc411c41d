// The status bar item: the edition and today's remote-AI quota; warns in the grace period or near the limit.
import { EDITIONS } from '@pa/shared';
import { useWorkbench } from '../workbench/contributions';
import { LICENSE_VIEW_ID, useLicenseStatus } from './entitlements';

export function LicenseStatusItem() {
  const status = useLicenseStatus();
  const workbench = useWorkbench();
  if (!status) return null;
  const ai = status.quotas.find((quota) => quota.metric === 'ai_requests');
  const ratio = ai?.limit ? ai.used / ai.limit : 0;
  const warn =
    status.state === 'grace' || status.state === 'rejected' || status.state === 'activation_required' || ratio >= 0.9;
  const quota = ai ? (ai.limit === null ? `AI ${ai.used}` : `AI ${ai.used}/${ai.limit}`) : '';
  return (
    <button
      type="button"
      className={`license-status-item${warn ? ' license-status-item--warn' : ''}`}
      data-testid="license-status-item"
      title={status.warning ?? `${EDITIONS[status.edition].label} edition — ${quota} remote AI requests today`}
      onClick={() => workbench.showView(LICENSE_VIEW_ID)}
    >
      <span className="license-status-item__edition">{EDITIONS[status.edition].label}</span>
      {ai && (
        <span className="license-status-item__quota">
          <span className="license-status-item__track">
            <span style={{ width: `${Math.min(1, ratio) * 100}%` }} />
          </span>
          {quota}
        </span>
      )}
    </button>
  );
}
