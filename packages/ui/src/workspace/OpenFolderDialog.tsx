// Browser mode's "Open folder" (the page cannot show the OS picker): a path with completion as it is typed (Tab
// completes, arrows move, Enter goes into the highlighted folder or opens what was typed), the folders of the
// folder typed so far listed by the engine (folder-browser.ts), and the recent folders.
import { useEffect, useRef, useState } from 'react';
import type { WorkbenchController } from '../workbench/controller';
import { useObservable } from '../workbench/observable';
import { FolderBrowser } from './folder-browser';
import { RecentList } from './RecentList';
import './workspace.css';

export function OpenFolderDialog({ workbench }: { workbench: WorkbenchController }) {
  const [browser, setBrowser] = useState<FolderBrowser | null>(null);
  useEffect(() => {
    const created = new FolderBrowser(workbench.api.client);
    setBrowser(created);
    return () => created.dispose();
  }, [workbench]);
  const close = () => workbench.patch({ overlay: null });
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a click outside dismisses; Escape does the same from the keyboard
    <div className="overlay-backdrop" role="presentation" onMouseDown={close}>
      <div
        className="dialog dialog--wide"
        role="dialog"
        aria-modal="true"
        aria-label="Open folder"
        onMouseDown={(event) => event.stopPropagation()}
        onKeyDown={(event) => {
          if (event.key === 'Escape') close();
        }}
      >
        <div className="dialog__title">Open folder</div>
        {browser && <FolderBrowserView browser={browser} workbench={workbench} onOpened={close} />}
        <div className="section-label">Recent</div>
        <RecentList
          workbench={workbench}
          onOpen={(target) => void workbench.openWorkspace(target).then((opened) => opened && close())}
        />
      </div>
    </div>
  );
}

function FolderBrowserView({
  browser,
  workbench,
  onOpened,
}: {
  browser: FolderBrowser;
  workbench: WorkbenchController;
  onOpened(): void;
}) {
  const state = useObservable(browser.state);
  const [busy, setBusy] = useState(false);
  const list = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    list.current?.querySelector(`[data-index="${state.selected}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [state.selected]);

  const open = async () => {
    const target = browser.target();
    if (target === '') return;
    setBusy(true);
    const opened = await workbench.openWorkspace(target);
    setBusy(false);
    if (opened) onOpened();
  };

  const entries = state.listing?.entries ?? [];
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        const entry = browser.highlighted();
        if (entry) browser.enter(entry);
        else void open();
      }}
    >
      <div className="open-folder__row">
        <input
          ref={input}
          className="text-input open-folder__input"
          aria-label="Folder path"
          // biome-ignore lint/a11y/noAutofocus: the dialog exists to be typed into
          autoFocus
          spellCheck={false}
          autoComplete="off"
          placeholder="~/projects/app"
          role="combobox"
          aria-expanded="true"
          aria-controls="open-folder-list"
          value={state.input}
          onChange={(event) => browser.setInput(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Tab' && !event.shiftKey && entries.length > 0) {
              event.preventDefault();
              browser.complete();
            } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
              event.preventDefault();
              browser.move(event.key === 'ArrowDown' ? 1 : -1);
            }
          }}
        />
        <button type="button" className="button" disabled={busy} onClick={() => void open()}>
          Open
        </button>
      </div>
      <div className="open-folder__where">
        <span className="open-folder__path" title={state.listing?.path}>
          {state.listing?.path ?? ''}
        </span>
        <label className="open-folder__hidden">
          <input type="checkbox" checked={state.hidden} onChange={(event) => browser.setHidden(event.target.checked)} />
          Hidden folders
        </label>
      </div>
      {state.error && (
        <div className="open-folder__error" role="alert">
          {state.error}
        </div>
      )}
      <div className="open-folder__list" id="open-folder-list" role="listbox" aria-label="Folders" ref={list}>
        {state.listing?.parent && (
          <button
            type="button"
            className="open-folder__entry"
            role="option"
            aria-selected={false}
            onClick={() => {
              browser.up();
              input.current?.focus();
            }}
          >
            <span className="open-folder__glyph">↰</span> ..
          </button>
        )}
        {entries.map((entry, index) => (
          <button
            key={entry.path}
            type="button"
            role="option"
            aria-selected={index === state.selected}
            data-index={index}
            className={`open-folder__entry${index === state.selected ? ' open-folder__entry--selected' : ''}`}
            title={entry.confirm ? `${entry.path} (asks before opening)` : entry.path}
            onClick={() => {
              browser.enter(entry);
              input.current?.focus();
            }}
          >
            <span className="open-folder__glyph">▸</span> {entry.name}
            {entry.confirm && <span className="open-folder__badge">asks first</span>}
          </button>
        ))}
        {state.listing && entries.length === 0 && <div className="open-folder__empty">No folders here</div>}
        {state.listing?.truncated && (
          <div className="open-folder__empty">More folders than shown: type the start of a name to narrow them.</div>
        )}
      </div>
    </form>
  );
}
