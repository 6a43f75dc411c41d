// Model settings › Sent to remote models: what left the machine, newest first; a row opens to the exact payload.
import type { SentRequestSummary } from '@pa/shared';
import { useEffect, useState } from 'react';
import { useObservable } from '../workbench/observable';
import type { SentController } from './sent-controller';
import { bytesLabel, sourceLabel, sourcesSummary } from './sent-sources';

/** How often the list is read again while it shows. */
const REFRESH_MS = 5_000;

const time = (at: number) => new Date(at).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
const size = (chars: number) => (chars < 10_000 ? `${chars} chars` : `${(chars / 1000).toFixed(0)}k chars`);

/** The host of an endpoint root, or the provider kind's default endpoint. */
export function hostOf(endpoint: string | null): string {
  if (!endpoint) return 'default endpoint';
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint.slice(0, 80);
  }
}

/** The rows a provider and kind filter leave ('' matches all). */
export function filterSent(
  items: readonly SentRequestSummary[],
  provider: string,
  kind: '' | SentRequestSummary['kind'],
): SentRequestSummary[] {
  return items.filter((item) => (!provider || item.providerId === provider) && (!kind || item.kind === kind));
}

/** The listed record as a JSON file the user saves (an audit export). */
function exportRecord(items: readonly SentRequestSummary[]): void {
  const rows = items.map((item) => ({ ...item, host: hostOf(item.endpoint), sentAt: new Date(item.at).toISOString() }));
  const url = URL.createObjectURL(new Blob([JSON.stringify(rows, null, 2)], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `sent-to-providers-${new Date().toISOString().slice(0, 10)}.json`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

export function SentRequests({ sent }: { sent: SentController }) {
  const { items: all, open, error } = useObservable(sent.state);
  const [provider, setProvider] = useState('');
  const [kind, setKind] = useState<'' | SentRequestSummary['kind']>('');
  const providers = [...new Set(all.map((item) => item.providerId))].sort();
  const items = filterSent(all, provider, kind);
  useEffect(() => {
    void sent.refresh();
    const timer = setInterval(() => void sent.refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [sent]);
  return (
    <>
      <h3 className="ai-section">Sent to remote models</h3>
      <div className="ai-sent" data-testid="ai-sent">
        <div className="ai-sent__intro">
          Every request handed to a remote provider: chats and tool rounds as sent, completions as asked (the provider
          sends the part that fits its window). Local models are not listed: nothing of theirs leaves this machine.
        </div>
        {error && <div className="ai-message__error">{error}</div>}
        {all.length > 0 && (
          <div className="ai-sent__filters">
            <select
              aria-label="Provider"
              value={provider}
              onChange={(event) => setProvider(event.target.value)}
              data-testid="ai-sent-provider"
            >
              <option value="">All providers</option>
              {providers.map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </select>
            <select
              aria-label="Kind"
              value={kind}
              onChange={(event) => setKind(event.target.value as '' | SentRequestSummary['kind'])}
              data-testid="ai-sent-kind"
            >
              <option value="">Chats and completions</option>
              <option value="chat">Chats</option>
              <option value="completion">Completions</option>
            </select>
            <span className="ai-sent__total">
              {items.length} {items.length === 1 ? 'request' : 'requests'} ·{' '}
              {size(items.reduce((sum, item) => sum + item.chars, 0))}
            </span>
          </div>
        )}
        {items.length === 0 ? (
          <div className="ai-chat__empty">
            {all.length === 0 ? 'Nothing has been sent to a remote model.' : 'No request matches the filters.'}
          </div>
        ) : (
          <>
            <ul className="ai-sent__list">
              {items.map((item) => (
                <li key={item.id} className="ai-sent__item">
                  <button
                    type="button"
                    className={`ai-sent__row${open?.id === item.id ? ' ai-sent__row--open' : ''}`}
                    aria-expanded={open?.id === item.id}
                    data-testid="ai-sent-row"
                    onClick={() => void sent.toggle(item.id)}
                  >
                    <span className="ai-sent__kind">{item.kind}</span>
                    <span className="ai-sent__provider">
                      {item.providerId} <span className="ai-sent__host">{hostOf(item.endpoint)}</span>
                    </span>
                    <span className="ai-sent__size">
                      {size(item.chars)}
                      {item.truncated ? ' (kept cut)' : ''}
                      {item.sources.length > 0 ? ` · ${sourcesSummary(item.sources, item.sourcesCut)}` : ''}
                    </span>
                    <span className="ai-sent__time">{time(item.at)}</span>
                  </button>
                  {open?.id === item.id && (
                    <div className="ai-sent__detail">
                      <div className="ai-sent__meta">
                        {open.model}
                        {open.endpoint ? ` · ${open.endpoint}` : ''}
                      </div>
                      {open.sources.length > 0 && (
                        <div className="ai-sent__sources" data-testid="ai-sent-sources">
                          <div className="ai-sent__meta">
                            Workspace files and chunks it carried
                            {open.sourcesCut ? ` (the first ${open.sources.length})` : ''}
                          </div>
                          <ul className="ai-sent__source-list">
                            {open.sources.map((source) => (
                              <li key={sourceLabel(source)} className="ai-sent__source" data-testid="ai-sent-source">
                                <span className="ai-sent__source-path">{sourceLabel(source)}</span>
                                <span className="ai-sent__source-bytes">{bytesLabel(source.bytes)}</span>
                              </li>
                            ))}
                          </ul>
                        </div>
                      )}
                      <pre className="ai-sent__payload" data-testid="ai-sent-payload">
                        {open.payload}
                      </pre>
                    </div>
                  )}
                </li>
              ))}
            </ul>
            <div className="ai-form__row">
              <button
                type="button"
                className="ai-button"
                onClick={() => exportRecord(items)}
                data-testid="ai-sent-export"
              >
                Export as JSON
              </button>
              <button
                type="button"
                className="ai-button ai-button--danger"
                onClick={() => void sent.clear()}
                data-testid="ai-sent-clear"
              >
                Forget this record
              </button>
            </div>
          </>
        )}
      </div>
    </>
  );
}
