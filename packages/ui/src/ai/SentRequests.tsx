// Model settings › Sent to remote models: what left the machine, newest first; a row opens to the exact payload.
import { useEffect } from 'react';
import { useObservable } from '../workbench/observable';
import type { SentController } from './sent-controller';

/** How often the list is read again while it shows. */
const REFRESH_MS = 5_000;

const time = (at: number) => new Date(at).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
const size = (chars: number) => (chars < 10_000 ? `${chars} chars` : `${(chars / 1000).toFixed(0)}k chars`);

export function SentRequests({ sent }: { sent: SentController }) {
  const { items, open, error } = useObservable(sent.state);
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
        {items.length === 0 ? (
          <div className="ai-chat__empty">Nothing has been sent to a remote model.</div>
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
                    <span className="ai-sent__provider">{item.providerId}</span>
                    <span className="ai-sent__size">
                      {size(item.chars)}
                      {item.truncated ? ' (kept cut)' : ''}
                    </span>
                    <span className="ai-sent__time">{time(item.at)}</span>
                  </button>
                  {open?.id === item.id && (
                    <div className="ai-sent__detail">
                      <div className="ai-sent__meta">
                        {open.model}
                        {open.endpoint ? ` · ${open.endpoint}` : ''}
                      </div>
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
