// Modal dialogs (confirm with several choices, prompt for a name) and the toast stack for notifications.
import { useState } from 'react';
import type { Dialog, Toast, WorkbenchController } from './controller';
import { Icons } from './icons';
import { useObservable } from './observable';

export function DialogHost({ workbench }: { workbench: WorkbenchController }) {
  const dialog = useObservable(workbench.prompts.current);
  if (!dialog) return null;
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a click outside dismisses; Escape does the same from the keyboard
    <div className="overlay-backdrop" role="presentation" onMouseDown={() => dialog.resolve(null)}>
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-label={dialog.title}
        onMouseDown={(event) => event.stopPropagation()}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.stopPropagation();
            dialog.resolve(null);
          }
        }}
      >
        {dialog.kind === 'confirm' ? <ConfirmBody dialog={dialog} /> : <PromptBody dialog={dialog} />}
      </div>
    </div>
  );
}

function ConfirmBody({ dialog }: { dialog: Extract<Dialog, { kind: 'confirm' }> }) {
  return (
    <>
      <div className="dialog__title">{dialog.title}</div>
      <div className="dialog__message">{dialog.message}</div>
      <div className="dialog__buttons">
        {dialog.buttons.map((button, index) => (
          <button
            key={button.id}
            type="button"
            // biome-ignore lint/a11y/noAutofocus: the first choice takes Enter, as in native dialogs
            autoFocus={index === 0}
            className={`button${button.variant && button.variant !== 'primary' ? ` button--${button.variant}` : ''}`}
            onClick={() => dialog.resolve(button.id)}
          >
            {button.label}
          </button>
        ))}
      </div>
    </>
  );
}

function PromptBody({ dialog }: { dialog: Extract<Dialog, { kind: 'prompt' }> }) {
  const [value, setValue] = useState(dialog.value);
  const [touched, setTouched] = useState(false);
  const problem = dialog.validate(value);
  const submit = () => {
    setTouched(true);
    if (!problem) dialog.resolve(value);
  };
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <div className="dialog__title">{dialog.title}</div>
      <input
        className={`text-input${touched && problem ? ' text-input--invalid' : ''}`}
        // biome-ignore lint/a11y/noAutofocus: the prompt exists to be typed into
        autoFocus
        spellCheck={false}
        value={value}
        placeholder={dialog.placeholder}
        onFocus={(event) => {
          // select the name without its extension, as file managers do
          const dot = event.target.value.lastIndexOf('.');
          event.target.setSelectionRange(0, dot > 0 ? dot : event.target.value.length);
        }}
        onChange={(event) => {
          setValue(event.target.value);
          setTouched(true);
        }}
      />
      <div className="dialog__error">{touched && problem ? problem : ''}</div>
      <div className="dialog__buttons">
        <button type="button" className="button button--secondary" onClick={() => dialog.resolve(null)}>
          Cancel
        </button>
        <button type="submit" className="button" disabled={touched && problem !== null}>
          {dialog.confirmLabel}
        </button>
      </div>
    </form>
  );
}

const TOAST_ICON = { info: Icons.info, warning: Icons.warning, error: Icons.error } as const;

export function Toasts({ workbench }: { workbench: WorkbenchController }) {
  const toasts = useObservable(workbench.notifications.toasts);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((toast: Toast) => (
        <div key={toast.id} className={`toast toast--${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'}>
          <span className="toast__icon">{TOAST_ICON[toast.kind](16)}</span>
          <span className="toast__message">{toast.message}</span>
          <button
            type="button"
            className="icon-button toast__close"
            aria-label="Dismiss"
            onClick={() => workbench.notifications.dismiss(toast.id)}
          >
            {Icons.close(13)}
          </button>
        </div>
      ))}
    </div>
  );
}
