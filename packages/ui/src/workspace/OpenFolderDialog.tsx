// Browser mode's "Open folder": a path typed or pasted (the page cannot browse the disk), or a recent folder.
import { useState } from 'react';
import type { WorkbenchController } from '../workbench/controller';
import { RecentList } from './RecentList';
import './workspace.css';

export function OpenFolderDialog({ workbench }: { workbench: WorkbenchController }) {
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const close = () => workbench.patch({ overlay: null });
  const open = async (target: string) => {
    if (target.trim() === '') return;
    setBusy(true);
    const opened = await workbench.openWorkspace(target.trim());
    setBusy(false);
    if (opened) close();
  };
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
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void open(path);
          }}
        >
          <div className="dialog__title">Open folder</div>
          <div className="dialog__message">Type the absolute path of a folder on this machine.</div>
          <div className="open-folder__row">
            <input
              className="text-input open-folder__input"
              // biome-ignore lint/a11y/noAutofocus: the dialog exists to be typed into
              autoFocus
              spellCheck={false}
              placeholder="/home/you/projects/app"
              value={path}
              onChange={(event) => setPath(event.target.value)}
            />
            <button type="submit" className="button" disabled={busy || path.trim() === ''}>
              Open
            </button>
          </div>
        </form>
        <div className="section-label">Recent</div>
        <RecentList workbench={workbench} onOpen={(target) => void open(target)} />
      </div>
    </div>
  );
}
