// The status bar: workspace and engine connection on the left, feature items, then cursor and language on the right.

import { useEffect, useState } from 'react';
import type { ConnectionState } from '../client/engine';
import { indentationLabel } from '../editor/indentation';
import { languageLabel } from '../editor/language';
import { monaco } from '../editor/monaco';
import type { StatusItemContribution } from './contributions';
import type { WorkbenchController } from './controller';
import { Icons } from './icons';
import { useSelected } from './observable';

const CONNECTION_LABEL: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Engine connected',
  reconnecting: 'Reconnecting…',
  disconnected: 'Engine disconnected',
};

/** The active file's indentation as Monaco detected it, kept current when its options change. */
function Indentation({ model }: { model: monaco.editor.ITextModel }) {
  const [label, setLabel] = useState(() => indentationLabel(model.getOptions()));
  useEffect(() => {
    setLabel(indentationLabel(model.getOptions()));
    const subscription = model.onDidChangeOptions(() => setLabel(indentationLabel(model.getOptions())));
    return () => subscription.dispose();
  }, [model]);
  return (
    <span className="status-item" data-testid="indentation">
      {label}
    </span>
  );
}

/** "(Ctrl+K) was pressed. Waiting for second key of chord..." while a chord waits (commands.ts). */
function ChordStatus({ workbench }: { workbench: WorkbenchController }) {
  const message = useSelected(workbench.commands.chordStatus, (value) => value);
  return message ? (
    <span className="status-item" data-testid="chord-status" role="status">
      {message}
    </span>
  ) : null;
}

export function StatusBar({
  workbench,
  connection,
  items,
}: {
  workbench: WorkbenchController;
  connection: ConnectionState;
  items: StatusItemContribution[];
}) {
  const workspace = useSelected(workbench.state, (state) => state.workspace);
  const cursor = useSelected(workbench.state, (state) => state.cursor);
  const tabs = useSelected(workbench.state, (state) => state.tabs);
  const model = tabs.active ? workbench.documents.get(tabs.active)?.model : null;
  const language = model ? languageLabel(model.getLanguageId(), monaco.languages.getLanguages()) : null;
  const left = items.filter((item) => item.align === 'left').sort((a, b) => a.order - b.order);
  const right = items.filter((item) => item.align === 'right').sort((a, b) => a.order - b.order);
  return (
    <footer className={`status-bar status-bar--${connection}`}>
      <div className="status-bar__side">
        <button
          type="button"
          className="status-item status-item--workspace"
          title={workspace ? `${workspace.root} — click to open another folder` : 'Open a folder'}
          onClick={() => void workbench.openFolder()}
        >
          {Icons.folder(13)}
          <span>{workspace?.name ?? 'No folder'}</span>
        </button>
        <span className={`status-item status-connection status-connection--${connection}`} data-testid="connection">
          <span className="status-connection__dot" />
          {CONNECTION_LABEL[connection]}
        </span>
        {left.map((item) => (
          <span key={item.id} className="status-item status-item--feature">
            <item.component />
          </span>
        ))}
        <ChordStatus workbench={workbench} />
      </div>
      <div className="status-bar__side">
        {right.map((item) => (
          <span key={item.id} className="status-item status-item--feature">
            <item.component />
          </span>
        ))}
        {cursor && (
          <span className="status-item" data-testid="cursor">
            Ln {cursor.line}, Col {cursor.column}
            {cursor.selected > 0 ? ` (${cursor.selected} selected)` : ''}
          </span>
        )}
        {model && <Indentation model={model} />}
        {model && <span className="status-item">UTF-8</span>}
        {language && (
          <span className="status-item" data-testid="language">
            {language}
          </span>
        )}
      </div>
    </footer>
  );
}
