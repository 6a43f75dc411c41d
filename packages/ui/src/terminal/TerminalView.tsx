// The Terminal tab of the bottom panel: the active terminal (and the one split beside it), a search box, and the
// list of terminals on the right as VS Code draws it: new, split, kill; double-click a name to rename it.
import { useEffect, useRef, useState } from 'react';
import { Icons } from '../workbench/icons';
import { useObservable } from '../workbench/observable';
import type { TerminalController } from './terminal-controller';

export function TerminalView({ controller }: { controller: TerminalController }) {
  const state = useObservable(controller.state);
  const shown = [state.active, state.split].filter((id): id is string => id !== null);

  // a first terminal when the view is first shown; later an empty list stays empty until "+"
  useEffect(() => void controller.ensureOne(), [controller]);

  return (
    <div className="terminal-view">
      <div className="terminal-view__panes">
        {shown.map((id) => (
          <TerminalPane key={id} controller={controller} id={id} />
        ))}
        {state.searching && state.active && <SearchBox controller={controller} id={state.active} />}
        {shown.length === 0 && (
          <div className="terminal-view__empty">
            <button type="button" className="button" onClick={() => void controller.create()}>
              New Terminal
            </button>
          </div>
        )}
      </div>
      <nav className="terminal-view__list" aria-label="Terminals">
        <div className="terminal-view__actions">
          <button
            type="button"
            className="icon-button"
            title="New Terminal (Ctrl+Shift+`)"
            aria-label="New Terminal"
            onClick={() => void controller.create()}
          >
            {Icons.plus(16)}
          </button>
          <button
            type="button"
            className="icon-button"
            title="Split Terminal"
            aria-label="Split Terminal"
            onClick={() => void controller.toggleSplit()}
          >
            {Icons.layoutPanel(16)}
          </button>
          <button
            type="button"
            className="icon-button"
            title="Kill Terminal"
            aria-label="Kill Terminal"
            disabled={!state.active}
            onClick={() => state.active && void controller.kill(state.active)}
          >
            {Icons.trash()}
          </button>
        </div>
        <ul>
          {state.tabs.map((tab) => (
            <TerminalTabItem
              key={tab.id}
              name={tab.name}
              active={shown.includes(tab.id)}
              onSelect={() => controller.select(tab.id)}
              onRename={(name) => void controller.rename(tab.id, name)}
              onKill={() => void controller.kill(tab.id)}
            />
          ))}
        </ul>
      </nav>
    </div>
  );
}

function TerminalPane({ controller, id }: { controller: TerminalController; id: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const instance = controller.instance(id);
    if (!host.current || !instance) return;
    instance.mount(host.current);
    instance.focus();
    const { cols, rows } = instance.xterm;
    controller.rememberSize(cols, rows);
  }, [controller, id]);
  return (
    <div
      className="terminal-view__pane"
      ref={host}
      data-terminal={id}
      onKeyDownCapture={(event) => {
        if ((event.ctrlKey || event.metaKey) && !event.shiftKey && event.key.toLowerCase() === 'f') {
          event.preventDefault();
          controller.select(id);
          controller.setSearching(true);
        }
      }}
    />
  );
}

function SearchBox({ controller, id }: { controller: TerminalController; id: string }) {
  const [query, setQuery] = useState('');
  const search = controller.instance(id)?.search;
  const close = () => {
    search?.clearDecorations();
    controller.setSearching(false);
    controller.instance(id)?.focus();
  };
  return (
    <div className="terminal-search">
      <input
        // biome-ignore lint/a11y/noAutofocus: the box opens on Ctrl+F to be typed in
        autoFocus
        aria-label="Find in terminal"
        placeholder="Find"
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          search?.findNext(event.target.value, { incremental: true });
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape') close();
          else if (event.key === 'Enter') {
            if (event.shiftKey) search?.findPrevious(query);
            else search?.findNext(query);
          }
        }}
      />
      <button
        type="button"
        className="icon-button"
        title="Previous (Shift+Enter)"
        onClick={() => search?.findPrevious(query)}
      >
        ↑
      </button>
      <button type="button" className="icon-button" title="Next (Enter)" onClick={() => search?.findNext(query)}>
        ↓
      </button>
      <button type="button" className="icon-button" title="Close (Escape)" onClick={close}>
        ×
      </button>
    </div>
  );
}

function TerminalTabItem(props: {
  name: string;
  active: boolean;
  onSelect(): void;
  onRename(name: string): void;
  onKill(): void;
}) {
  const [editing, setEditing] = useState(false);
  return (
    <li className={`terminal-tab${props.active ? ' terminal-tab--active' : ''}`}>
      {editing ? (
        <input
          // biome-ignore lint/a11y/noAutofocus: renaming starts by typing
          autoFocus
          aria-label="Terminal name"
          defaultValue={props.name}
          onBlur={(event) => {
            props.onRename(event.target.value);
            setEditing(false);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter') event.currentTarget.blur();
            if (event.key === 'Escape') setEditing(false);
          }}
        />
      ) : (
        <button
          type="button"
          className="terminal-tab__name"
          title="Double-click to rename"
          onClick={props.onSelect}
          onDoubleClick={() => setEditing(true)}
        >
          <span className="terminal-tab__icon">›_</span>
          {props.name}
        </button>
      )}
      <button type="button" className="icon-button terminal-tab__kill" title="Kill Terminal" onClick={props.onKill}>
        {Icons.close(12)}
      </button>
    </li>
  );
}
