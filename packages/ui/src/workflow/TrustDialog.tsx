// The one question before a workflow runs code from the open folder: what exactly would run (each command, MCP
// call and file write, step by step), and whether the user trusts this folder enough to let it.
import type { TrustRequest } from './workflow-controller';

export function TrustDialog({ request, onDecide }: { request: TrustRequest; onDecide(trusted: boolean): void }) {
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a click outside dismisses; Escape does the same from the keyboard
    <div className="overlay-backdrop" role="presentation" onMouseDown={() => onDecide(false)}>
      <div
        className="dialog dialog--wide"
        role="dialog"
        aria-modal="true"
        aria-label="Trust this folder?"
        data-testid="wf-trust-dialog"
        onMouseDown={(event) => event.stopPropagation()}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.stopPropagation();
            onDecide(false);
          }
        }}
      >
        <div className="dialog__title">Trust this folder?</div>
        <div className="dialog__message">
          <p>
            “{request.workflow}” would run code that comes from <code>{request.root}</code>. Anyone who wrote this
            folder (a cloned repository, a download) decides what these do:
          </p>
          <ul className="wf-trust__list" data-testid="wf-trust-items">
            {request.items.map((item) => (
              <li key={`${item.step}:${item.what}`}>
                <span className="wf-trust__step">{item.name}</span> {item.what}
              </li>
            ))}
          </ul>
          <p>
            Trust it only if you know where it comes from. <code>pa workflow trust --revoke</code> takes trust back.
          </p>
        </div>
        <div className="dialog__buttons">
          <button type="button" className="button button--secondary" onClick={() => onDecide(false)}>
            Cancel
          </button>
          <button type="button" className="button" data-testid="wf-trust-run" onClick={() => onDecide(true)}>
            Trust folder and run
          </button>
        </div>
      </div>
    </div>
  );
}
