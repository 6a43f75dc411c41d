// The Usage view (a tab, loaded on first open with uPlot): AI requests and tokens per provider per day, time to
// first token and tokens/s over time, error and fallback rates, quota used against the edition's limit, workflow
// runs, and the audit log with filters and export. State and calls live in UsageController.
import { type AuditEntry, EDITIONS, type UsageSummary } from '@pa/shared';
import { useEffect, useMemo } from 'react';
import { UpgradeHint, useEntitlements } from '../license/index';
import { useObservable } from '../workbench/observable';
import { Chart, type ChartSpec } from './Chart';
import { compact, dailyChart, quotaCharts, timeChart, workflowChart } from './series';
import { RANGES, type RangeId, type UsageController } from './usage-controller';
import './usage.css';

const EXPORT = { kind: 'feature', feature: 'audit.export' } as const;
const METRIC_TITLE = { ai_requests: 'AI requests (remote models)', workflow_runs: 'Workflow runs' } as const;

const percent = (rate: number) => `${(rate * 100).toFixed(rate > 0 && rate < 0.1 ? 1 : 0)}%`;
const ms = (value: number | null) =>
  value === null ? '–' : value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
const rate = (value: number | null) => (value === null ? '–' : `${value.toFixed(value < 10 ? 1 : 0)} tok/s`);
const auditTime = (at: number) => new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** A row's detail in one line, without the coalescing bookkeeping. */
function detailText(entry: AuditEntry): string {
  const { count, lastAt: _lastAt, ...rest } = entry.detail as { count?: number; lastAt?: number };
  const text = Object.entries(rest)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' · ');
  return typeof count === 'number' && count > 1 ? `${text} (×${count})` : text;
}

function Card({ label, value, note, tone }: { label: string; value: string; note?: string; tone?: string }) {
  return (
    <div className={`usage-card${tone ? ` usage-card--${tone}` : ''}`} data-testid="usage-card">
      <div className="usage-card__label">{label}</div>
      <div className="usage-card__value">{value}</div>
      {note && <div className="usage-card__note">{note}</div>}
    </div>
  );
}

function Panel({
  title,
  subtitle,
  empty,
  children,
  testId,
}: {
  title: string;
  subtitle?: string;
  empty?: string | null;
  children: React.ReactNode;
  testId: string;
}) {
  return (
    <section className="usage-panel" data-testid={testId}>
      <header className="usage-panel__header">
        <h3>{title}</h3>
        {subtitle && <span className="usage-panel__subtitle">{subtitle}</span>}
      </header>
      <div className="usage-panel__body">
        {children}
        {empty && <div className="usage-panel__empty">{empty}</div>}
      </div>
    </section>
  );
}

const sum = (values: ReadonlyArray<number | null>) => values.reduce<number>((total, value) => total + (value ?? 0), 0);

function Charts({ summary, rangeLabel }: { summary: UsageSummary; rangeLabel: string }) {
  const specs = useMemo(() => {
    const xSummary = `all ${rangeLabel}`;
    const daily = dailyChart(summary);
    const time = timeChart(summary);
    const workflows = workflowChart(summary);
    const providerSeries = (columns: number[][]) =>
      daily.providers.map((label, i) => ({
        label,
        color: i,
        values: columns[i] ?? [],
        summary: compact(sum(columns[i] ?? [])),
      }));
    const requests: ChartSpec = {
      x: daily.x,
      xKind: 'day',
      xSummary,
      stack: true,
      series: providerSeries(daily.requests),
      axes: [{ label: 'requests', format: compact }],
    };
    const tokens: ChartSpec = {
      x: daily.x,
      xKind: 'day',
      stack: true,
      xSummary,
      series: providerSeries(daily.tokens),
      axes: [{ label: 'tokens (in + out)', format: compact }],
    };
    const xKind = summary.bucket === 'hour' ? ('time' as const) : ('day' as const);
    const latency: ChartSpec = {
      x: time.x,
      xKind,
      xSummary: `mean, ${rangeLabel}`,
      series: [
        {
          label: 'Time to first token',
          color: 0,
          values: time.ttftMs,
          kind: 'line',
          summary: ms(summary.totals.ttftMs),
        },
        {
          label: 'Tokens/s',
          color: 1,
          values: time.tokensPerS,
          kind: 'line',
          axis: 1,
          summary: rate(summary.totals.tokensPerS),
        },
      ],
      axes: [
        { label: 'TTFT (ms)', format: (value) => compact(value) },
        { label: 'tokens/s', format: (value) => compact(value) },
      ],
      valueLabel: (value, series) => (series.axis === 1 ? rate(value) : ms(value)),
    };
    const errors: ChartSpec = {
      x: time.x,
      xKind,
      xSummary,
      series: [
        {
          label: 'Error rate',
          color: 4,
          values: time.errorPct,
          kind: 'line',
          summary: percent(summary.totals.errorRate),
        },
        {
          label: 'Fallback rate',
          color: 2,
          values: time.fallbackPct,
          kind: 'line',
          summary: percent(summary.totals.fallbackRate),
        },
      ],
      axes: [{ label: '% of requests', format: (value) => `${value}%`, max: 100 }],
      valueLabel: (value) => (value === null ? '–' : `${value}%`),
    };
    const quotas = quotaCharts(summary).map((quota) => ({
      quota,
      spec: {
        x: quota.x,
        xKind: 'day',
        xSummary: 'today',
        series: [
          {
            label: 'Used',
            color: quota.metric === 'ai_requests' ? 0 : 5,
            values: quota.used,
            summary: String(quota.used.at(-1) ?? 0),
          },
          ...(quota.limit === null
            ? []
            : [
                {
                  label: 'Daily limit',
                  color: 4,
                  values: quota.limitLine,
                  kind: 'line' as const,
                  dash: true,
                  summary: compact(quota.limit),
                },
              ]),
        ],
        axes: [{ label: quota.metric === 'ai_requests' ? 'requests / day' : 'runs / day', format: compact }],
        height: 160,
      } satisfies ChartSpec,
    }));
    const runs: ChartSpec = {
      x: workflows.x,
      xKind: 'day',
      stack: true,
      xSummary,
      series: [
        { label: 'Succeeded', color: 1, values: workflows.succeeded, summary: String(sum(workflows.succeeded)) },
        { label: 'Failed', color: 4, values: workflows.failed, summary: String(sum(workflows.failed)) },
        { label: 'Cancelled', color: 2, values: workflows.cancelled, summary: String(sum(workflows.cancelled)) },
        { label: 'Other', color: 6, values: workflows.other, summary: String(sum(workflows.other)) },
      ],
      axes: [{ label: 'runs', format: compact }],
      height: 160,
    };
    const answered = time.ttftMs.some((value) => value !== null);
    return { requests, tokens, latency, errors, quotas, runs, workflows, answered };
  }, [summary, rangeLabel]);
  const none = summary.totals.requests === 0;
  const noRequests = none ? 'No AI requests in this range yet.' : null;
  const edition = EDITIONS[summary.edition].label;
  return (
    <div className="usage-grid">
      <Panel title="AI requests per day" subtitle="by provider" empty={noRequests} testId="usage-requests">
        <Chart spec={specs.requests} testId="usage-chart-requests" />
      </Panel>
      <Panel title="Tokens per day" subtitle="prompt + answer, by provider" empty={noRequests} testId="usage-tokens">
        <Chart spec={specs.tokens} testId="usage-chart-tokens" />
      </Panel>
      <Panel
        title="Time to first token and tokens/s"
        subtitle={`mean of answered requests per ${summary.bucket}`}
        empty={specs.answered ? null : 'No answered requests in this range yet.'}
        testId="usage-latency"
      >
        <Chart spec={specs.latency} testId="usage-chart-latency" />
      </Panel>
      <Panel
        title="Errors and fallbacks"
        subtitle={`share of requests per ${summary.bucket}`}
        empty={noRequests}
        testId="usage-errors"
      >
        <Chart spec={specs.errors} testId="usage-chart-errors" />
      </Panel>
      {specs.quotas.map(({ quota, spec }) => (
        <Panel
          key={quota.metric}
          title={`Quota: ${METRIC_TITLE[quota.metric]}`}
          subtitle={
            quota.limit === null
              ? `${edition}: unlimited · UTC days`
              : `${edition}: ${compact(quota.limit)} a day · today ${quota.latest} of ${compact(quota.limit)} · UTC days`
          }
          testId={`usage-quota-${quota.metric}`}
        >
          <Chart spec={spec} testId={`usage-chart-quota-${quota.metric}`} />
        </Panel>
      ))}
      <Panel
        title="Workflow runs"
        subtitle="per day, by how they ended"
        empty={specs.workflows.total === 0 ? 'No workflow runs in this range yet.' : null}
        testId="usage-workflows"
      >
        <Chart spec={specs.runs} testId="usage-chart-workflows" />
      </Panel>
    </div>
  );
}

function Summary({ summary }: { summary: UsageSummary }) {
  const { totals } = summary;
  const quota = summary.quotas.find((entry) => entry.metric === 'ai_requests');
  const today = quota?.days.at(-1)?.used ?? 0;
  const runs = summary.workflows.reduce((sum, row) => sum + row.succeeded + row.failed + row.cancelled + row.other, 0);
  return (
    <div className="usage-cards">
      <Card
        label="AI requests"
        value={compact(totals.requests)}
        note={`${summary.providers.length} ${summary.providers.length === 1 ? 'provider' : 'providers'}`}
      />
      <Card
        label="Tokens"
        value={compact(totals.tokensIn + totals.tokensOut)}
        note={`${compact(totals.tokensIn)} in · ${compact(totals.tokensOut)} out`}
      />
      <Card label="Time to first token" value={ms(totals.ttftMs)} note="mean, answered requests" />
      <Card label="Output speed" value={rate(totals.tokensPerS)} note="mean while streaming" />
      <Card
        label="Error rate"
        value={percent(totals.errorRate)}
        note={`${totals.errors} failed · ${totals.cancelled} cancelled`}
        tone={totals.errorRate > 0.1 ? 'danger' : undefined}
      />
      <Card
        label="Fallback rate"
        value={percent(totals.fallbackRate)}
        note={`${totals.fallbacks} answered after a fallback`}
        tone={totals.fallbackRate > 0.2 ? 'warning' : undefined}
      />
      <Card
        label="AI quota today"
        value={quota?.limit === null || !quota ? `${today}` : `${today} / ${compact(quota.limit)}`}
        note={quota?.limit === null || !quota ? 'unlimited' : `${EDITIONS[summary.edition].label} edition`}
        tone={quota && quota.limit !== null && today >= quota.limit * 0.9 ? 'warning' : undefined}
      />
      <Card label="Workflow runs" value={compact(runs)} note="in this range" />
    </div>
  );
}

function AuditLog({ controller }: { controller: UsageController }) {
  const { audit, exporting } = useObservable(controller.state);
  const { allows } = useEntitlements();
  const { filter } = audit;
  const filtered = Boolean(filter.type || filter.actor || filter.from || filter.to || filter.text);
  return (
    <section className="usage-panel usage-audit" data-testid="usage-audit">
      <header className="usage-panel__header">
        <h3>Audit log</h3>
        <span className="usage-panel__subtitle" data-testid="usage-audit-count">
          {audit.items.length < audit.total
            ? `${audit.items.length} of ${audit.total} entries`
            : `${audit.total} ${audit.total === 1 ? 'entry' : 'entries'}`}
          {filtered ? ' match' : ''}
        </span>
        <span className="usage-spacer" />
        {allows(EXPORT) ? (
          <>
            <button
              type="button"
              className="button button--secondary button--small"
              disabled={exporting !== null || audit.total === 0}
              onClick={() => void controller.exportAudit('json')}
              data-testid="usage-audit-export-json"
            >
              {exporting === 'json' ? 'Exporting…' : 'Export JSON'}
            </button>
            <button
              type="button"
              className="button button--secondary button--small"
              disabled={exporting !== null || audit.total === 0}
              onClick={() => void controller.exportAudit('csv')}
              data-testid="usage-audit-export-csv"
            >
              {exporting === 'csv' ? 'Exporting…' : 'Export CSV'}
            </button>
          </>
        ) : (
          <UpgradeHint entitlement={EXPORT} label="Export" />
        )}
      </header>
      <div className="usage-audit__filters">
        <label>
          <span>Action</span>
          <select
            value={filter.type}
            onChange={(event) => controller.setAuditFilter({ type: event.target.value })}
            data-testid="usage-audit-type"
          >
            <option value="">All actions</option>
            {audit.types.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Actor</span>
          <select
            value={filter.actor}
            onChange={(event) => controller.setAuditFilter({ actor: event.target.value })}
            data-testid="usage-audit-actor"
          >
            <option value="">Anyone</option>
            {audit.actors.map((actor) => (
              <option key={actor} value={actor}>
                {actor}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>From</span>
          <input
            type="datetime-local"
            value={filter.from}
            onChange={(event) => controller.setAuditFilter({ from: event.target.value })}
            data-testid="usage-audit-from"
          />
        </label>
        <label>
          <span>To</span>
          <input
            type="datetime-local"
            value={filter.to}
            onChange={(event) => controller.setAuditFilter({ to: event.target.value })}
            data-testid="usage-audit-to"
          />
        </label>
        <label className="usage-audit__search">
          <span>Text</span>
          <input
            type="search"
            placeholder="Search type, actor, detail"
            value={filter.text}
            maxLength={200}
            onChange={(event) => controller.setAuditFilter({ text: event.target.value })}
            data-testid="usage-audit-text"
          />
        </label>
        {filtered && (
          <button type="button" className="link-button" onClick={() => controller.clearAuditFilter()}>
            Clear filters
          </button>
        )}
      </div>
      {audit.error && <div className="usage-error">{audit.error}</div>}
      {audit.items.length === 0 ? (
        <div className="usage-panel__empty usage-panel__empty--static">
          {audit.loading
            ? 'Reading the audit log…'
            : filtered
              ? 'No entry matches the filters.'
              : 'The audit log is empty.'}
        </div>
      ) : (
        <div className="usage-audit__table-wrap">
          <table className="usage-audit__table">
            <thead>
              <tr>
                <th>Time</th>
                <th>Action</th>
                <th>Actor</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {audit.items.map((entry) => (
                <tr key={entry.id} data-testid="usage-audit-row">
                  <td className="usage-audit__time">{auditTime(entry.at)}</td>
                  <td>
                    <span className={`usage-audit__type usage-audit__type--${entry.type.split('.')[1] ?? ''}`}>
                      {entry.type}
                    </span>
                  </td>
                  <td>{entry.actor}</td>
                  <td className="usage-audit__detail">{detailText(entry)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {audit.items.length < audit.total && (
        <button
          type="button"
          className="button button--secondary button--small usage-audit__more"
          disabled={audit.loading}
          onClick={() => void controller.loadAudit(true)}
        >
          Load more
        </button>
      )}
    </section>
  );
}

export function UsageView({ controller }: { controller: UsageController }) {
  const { range, loading, error, summary } = useObservable(controller.state);
  useEffect(() => {
    void controller.refresh();
  }, [controller]);
  return (
    <div className="usage-view" data-testid="usage-view">
      <header className="usage-header">
        <div>
          <h2>Usage</h2>
          <p className="usage-header__sub">
            AI requests, quotas and workflow runs recorded by this machine's engine
            {summary ? ` · days in your time zone (UTC${offsetLabel(summary.utcOffsetMinutes)})` : ''}
          </p>
        </div>
        <span className="usage-spacer" />
        <div className="usage-ranges" role="tablist" aria-label="Range">
          {RANGES.map((entry) => (
            <button
              key={entry.id}
              type="button"
              role="tab"
              aria-selected={range === entry.id}
              className={`usage-range${range === entry.id ? ' usage-range--active' : ''}`}
              onClick={() => controller.setRange(entry.id as RangeId)}
              data-testid={`usage-range-${entry.id}`}
            >
              {entry.label}
            </button>
          ))}
        </div>
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() => void controller.refresh()}
          disabled={loading}
          data-testid="usage-refresh"
        >
          {loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </header>
      {error && <div className="usage-error">Could not read the usage: {error}</div>}
      {summary ? (
        <>
          <Summary summary={summary} />
          <Charts summary={summary} rangeLabel={RANGES.find((entry) => entry.id === range)?.label ?? ''} />
        </>
      ) : (
        !error && <div className="usage-panel__empty usage-panel__empty--static">Reading the usage…</div>
      )}
      <AuditLog controller={controller} />
    </div>
  );
}

function offsetLabel(minutes: number): string {
  if (minutes === 0) return '';
  const sign = minutes > 0 ? '+' : '−';
  const abs = Math.abs(minutes);
  return `${sign}${Math.floor(abs / 60)}${abs % 60 ? `:${String(abs % 60).padStart(2, '0')}` : ''}`;
}
