// The Usage view's state and calls: one `usage.summary` per range (and on Refresh), the audit log filtered in the
// engine (`audit.query`, a page at a time) and exported by it (`audit.export`, gated by the edition). Components
// render this; the text of the search box is debounced here.
import { type AuditEntry, type Disposable, errorMessage, type UsageSummary } from '@pa/shared';
import type { WorkbenchApi } from '../workbench/contributions';
import { Observable } from '../workbench/observable';

export const RANGES = [
  { id: '24h', label: '24 hours', ms: 86_400_000 },
  { id: '7d', label: '7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: '30 days', ms: 30 * 86_400_000 },
  { id: '90d', label: '90 days', ms: 90 * 86_400_000 },
] as const;
export type RangeId = (typeof RANGES)[number]['id'];

export interface AuditFilterState {
  type: string;
  actor: string;
  /** `datetime-local` values ('' = open). */
  from: string;
  to: string;
  text: string;
}

export interface UsageState {
  range: RangeId;
  loading: boolean;
  error: string | null;
  summary: UsageSummary | null;
  audit: {
    filter: AuditFilterState;
    items: AuditEntry[];
    total: number;
    types: string[];
    actors: string[];
    loading: boolean;
    error: string | null;
  };
  exporting: 'json' | 'csv' | null;
}

const AUDIT_PAGE = 100;
const TEXT_DEBOUNCE_MS = 250;

export type Download = (file: { fileName: string; mimeType: string; content: string }) => void;

/** Saves a file the way a browser page can: a blob URL on a link that is clicked. */
export const browserDownload: Download = ({ fileName, mimeType, content }) => {
  const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
};

/** A `datetime-local` value as epoch ms in the page's time zone; undefined when empty or not a date. */
export function localTime(value: string): number | undefined {
  if (!value) return undefined;
  const time = new Date(value).getTime();
  return Number.isFinite(time) && time >= 0 ? time : undefined;
}

export class UsageController implements Disposable {
  readonly state = new Observable<UsageState>({
    range: '7d',
    loading: false,
    error: null,
    summary: null,
    audit: {
      filter: { type: '', actor: '', from: '', to: '', text: '' },
      items: [],
      total: 0,
      types: [],
      actors: [],
      loading: false,
      error: null,
    },
    exporting: null,
  });
  private summaryRequest = 0;
  private auditRequest = 0;
  private textTimer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;

  constructor(
    private readonly api: Pick<WorkbenchApi, 'client' | 'notify'>,
    private readonly download: Download = browserDownload,
    private readonly now: () => number = Date.now,
  ) {}

  setRange(range: RangeId): void {
    this.state.update((state) => ({ ...state, range }));
    void this.refresh();
  }

  /** Reads the summary of the range and the audit log's first page again. */
  async refresh(): Promise<void> {
    await Promise.all([this.loadSummary(), this.loadAudit()]);
  }

  async loadSummary(): Promise<void> {
    const request = ++this.summaryRequest;
    const span = RANGES.find((range) => range.id === this.state.value.range)?.ms ?? RANGES[1].ms;
    const to = this.now() + 1;
    this.state.update((state) => ({ ...state, loading: true, error: null }));
    try {
      const summary = await this.api.client.call('usage.summary', {
        from: to - span,
        to,
        utcOffsetMinutes: -new Date(to).getTimezoneOffset(),
      });
      if (request !== this.summaryRequest || this.disposed) return;
      this.state.update((state) => ({ ...state, loading: false, summary }));
    } catch (error) {
      if (request !== this.summaryRequest || this.disposed) return;
      this.state.update((state) => ({ ...state, loading: false, error: errorMessage(error) }));
    }
  }

  setAuditFilter(change: Partial<AuditFilterState>): void {
    this.state.update((state) => ({
      ...state,
      audit: { ...state.audit, filter: { ...state.audit.filter, ...change } },
    }));
    if (this.textTimer) clearTimeout(this.textTimer);
    // typing waits for a pause; a choice applies at once
    if ('text' in change) this.textTimer = setTimeout(() => void this.loadAudit(), TEXT_DEBOUNCE_MS);
    else void this.loadAudit();
  }

  clearAuditFilter(): void {
    this.setAuditFilter({ type: '', actor: '', from: '', to: '', text: '' });
  }

  private filterParams() {
    const { type, actor, from, to, text } = this.state.value.audit.filter;
    const fromMs = localTime(from);
    const toMs = localTime(to);
    const trimmed = text.trim().slice(0, 200);
    return {
      ...(type ? { types: [type] } : {}),
      ...(actor ? { actor } : {}),
      ...(fromMs !== undefined ? { from: fromMs } : {}),
      ...(toMs !== undefined ? { to: toMs } : {}),
      ...(trimmed ? { text: trimmed } : {}),
    };
  }

  /** The first page for the filter, or (more: true) the next page after the rows shown. */
  async loadAudit(more = false): Promise<void> {
    const request = ++this.auditRequest;
    const before = more ? this.state.value.audit.items.at(-1)?.id : undefined;
    this.state.update((state) => ({ ...state, audit: { ...state.audit, loading: true, error: null } }));
    try {
      const page = await this.api.client.call('audit.query', {
        ...this.filterParams(),
        limit: AUDIT_PAGE,
        ...(before !== undefined ? { before } : {}),
      });
      if (request !== this.auditRequest || this.disposed) return;
      this.state.update((state) => ({
        ...state,
        audit: {
          ...state.audit,
          loading: false,
          items: more ? [...state.audit.items, ...page.items] : page.items,
          total: page.total,
          types: page.types,
          actors: page.actors,
        },
      }));
    } catch (error) {
      if (request !== this.auditRequest || this.disposed) return;
      this.state.update((state) => ({
        ...state,
        audit: { ...state.audit, loading: false, error: errorMessage(error) },
      }));
    }
  }

  /** Asks the engine for the filtered log as a file and saves it. */
  async exportAudit(format: 'json' | 'csv'): Promise<void> {
    if (this.state.value.exporting) return;
    this.state.update((state) => ({ ...state, exporting: format }));
    try {
      const file = await this.api.client.call('audit.export', { ...this.filterParams(), format });
      if (this.disposed) return;
      this.download(file);
      this.api.notify(
        file.truncated
          ? `Exported the newest ${file.rows} audit rows (${format.toUpperCase()}); narrow the filter for older ones.`
          : `Exported ${file.rows} audit ${file.rows === 1 ? 'row' : 'rows'} as ${format.toUpperCase()}.`,
      );
      // the export is itself audited
      void this.loadAudit();
    } catch (error) {
      if (!this.disposed) this.api.notify(`Audit export failed: ${errorMessage(error)}`, 'error');
    } finally {
      if (!this.disposed) this.state.update((state) => ({ ...state, exporting: null }));
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.textTimer) clearTimeout(this.textTimer);
  }
}
