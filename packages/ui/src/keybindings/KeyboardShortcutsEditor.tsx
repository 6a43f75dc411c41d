// The Keyboard Shortcuts editor tab (VS Code's): every command, ours and Monaco's, with its keybinding, source and
// `when`; search by title, id or key, or by pressing keys (Record Keys); Enter or a double click on a row asks for a
// new key combination and shows what already has it before saving; Remove and Reset. Every change is a new
// keybindings.json text (edit.ts) written through the engine's settings capability, and comes back through
// settings.watch like a change made in the JSON view or on disk.
import { useEffect, useMemo, useRef, useState } from 'react';
import { monaco } from '../editor/monaco';
import { SETTINGS_JSON_EDITOR } from '../settings/ids';
import type { WorkbenchApi } from '../workbench/contributions';
import { useWorkbench } from '../workbench/contributions';
import { formatKeySequence, type Keybinding, keybindingFromStroke } from '../workbench/keybinding';
import { useObservable } from '../workbench/observable';
import { addKeybinding, changeKeybinding, removeKeybinding, resetKeybinding } from './edit';
import './keybindings.css';
import { installEditorKeybindings } from './monaco-keys';
import type { BindingItem } from './resolve';
import { conflictsFor, type ShortcutRow, searchRows, shortcutRows } from './rows';

/** Monaco's bindings come from an editor: with none open yet, a hidden one is made for the moment. */
function useEditorKeybindings(api: WorkbenchApi): void {
  useEffect(() => {
    const registry = api.keybindings;
    if (registry.hasEditorKeybindings()) return;
    let hidden: monaco.editor.IStandaloneCodeEditor | null = null;
    let host: HTMLDivElement | null = null;
    if (monaco.editor.getEditors().length === 0) {
      host = document.createElement('div');
      host.style.cssText = 'position:absolute;width:1px;height:1px;overflow:hidden;left:-10px;top:-10px';
      document.body.append(host);
      hidden = monaco.editor.create(host, { model: null });
    }
    const install = installEditorKeybindings(registry, () => api.editor());
    hidden?.dispose();
    host?.remove();
    return () => install.dispose();
  }, [api]);
}

/** Strokes pressed while an element has focus (the registry's bindings suspended meanwhile). */
function strokeOf(event: React.KeyboardEvent): Keybinding | null {
  return keybindingFromStroke({
    key: event.key,
    code: event.code,
    ctrlKey: event.ctrlKey,
    metaKey: event.metaKey,
    shiftKey: event.shiftKey,
    altKey: event.altKey,
  });
}

function useSuspendedKeys(api: WorkbenchApi, active: boolean): void {
  useEffect(() => (active ? api.keybindings.suspend() : undefined), [api, active]);
}

export function KeyboardShortcutsEditor(_props: { resource: string }) {
  const api = useWorkbench();
  const registry = api.keybindings;
  useEditorKeybindings(api);
  const version = useObservable(registry.changes);
  const snapshot = useObservable(api.settings.snapshot);
  const [query, setQuery] = useState('');
  const [recording, setRecording] = useState(false);
  const [recorded, setRecorded] = useState<Keybinding[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [defining, setDefining] = useState<ShortcutRow | null>(null);
  const [searchFocused, setSearchFocused] = useState(false);
  const searchBox = useRef<HTMLInputElement>(null);
  const table = useRef<HTMLTableElement>(null);
  // the search box takes the keyboard when the tab opens, as in VS Code
  useEffect(() => searchBox.current?.focus(), []);
  useSuspendedKeys(api, recording && searchFocused);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the registry's change counter
  const { rows, items, problems } = useMemo(() => {
    const resolved = registry.keybindings();
    const commands = [
      ...registry.list().map((command) => ({ id: command.id, title: command.title })),
      ...[...registry.editorTitles()].map(([id, title]) => ({ id, title })),
    ];
    return {
      rows: shortcutRows({ isMac: registry.isMac, items: resolved.items, commands }),
      items: resolved.items,
      problems: resolved.problems,
    };
  }, [registry, version]);
  const shown = useMemo(
    () => searchRows(rows, query, registry.isMac, recording ? recorded : null),
    [rows, query, registry.isMac, recording, recorded],
  );
  const file = snapshot?.keybindings;
  const fileProblems = file?.problems ?? [];

  const write = async (change: (text: string) => string) => {
    let next: string;
    try {
      next = change(file?.text ?? '');
    } catch (error) {
      api.notify((error as Error).message, 'warning');
      return;
    }
    await api.settings.write('keybindings', next);
  };
  const remove = (row: ShortcutRow) => {
    const item = row.item;
    if (item) void write((text) => removeKeybinding(text, item, registry.isMac));
  };
  const reset = (row: ShortcutRow) => void write((text) => resetKeybinding(text, row.command));
  const save = (row: ShortcutRow, keys: Keybinding[]) => {
    const item = row.item;
    setDefining(null);
    void write((text) =>
      item
        ? changeKeybinding(text, item, keys, registry.isMac)
        : addKeybinding(text, row.command, keys, registry.isMac),
    );
  };

  const onSearchKey = (event: React.KeyboardEvent<HTMLInputElement>) => {
    if (!recording) {
      if (event.key === 'ArrowDown') {
        event.preventDefault();
        table.current?.querySelector<HTMLElement>('tbody tr')?.focus();
      }
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    const plain = !event.ctrlKey && !event.metaKey && !event.altKey && !event.shiftKey;
    if (plain && event.key === 'Escape') {
      setRecording(false);
      setRecorded([]);
      return;
    }
    const stroke = strokeOf(event);
    if (!stroke) return;
    setRecorded((previous) => (previous.length >= 2 ? [stroke] : [...previous, stroke]));
  };

  const onRowKey = (event: React.KeyboardEvent<HTMLTableRowElement>, row: ShortcutRow) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const next =
        event.key === 'ArrowDown' ? event.currentTarget.nextElementSibling : event.currentTarget.previousElementSibling;
      if (next instanceof HTMLElement) next.focus();
      else if (event.key === 'ArrowUp') searchBox.current?.focus();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      setDefining(row);
    } else if (event.key === 'Delete' && row.item) {
      event.preventDefault();
      remove(row);
    }
  };

  return (
    <div className="keyboard-shortcuts" data-testid="keyboard-shortcuts">
      <header className="keyboard-shortcuts__header">
        <div className="keyboard-shortcuts__search-row">
          <input
            ref={searchBox}
            className="keyboard-shortcuts__search"
            type="search"
            aria-label="Search keybindings"
            placeholder={recording ? 'Recording Keys. Press Escape to exit' : 'Type to search in keybindings'}
            value={recording ? formatKeySequence(recorded, registry.isMac) : query}
            readOnly={recording}
            onChange={(event) => setQuery(event.target.value)}
            onKeyDown={onSearchKey}
            onFocus={() => setSearchFocused(true)}
            onBlur={() => setSearchFocused(false)}
          />
          <button
            type="button"
            className={`keyboard-shortcuts__record${recording ? ' keyboard-shortcuts__record--on' : ''}`}
            aria-pressed={recording}
            title="Record Keys: search by pressing the keys"
            onClick={() => {
              setRecording(!recording);
              setRecorded([]);
            }}
          >
            ⌨ Record Keys
          </button>
          <button
            type="button"
            className="link-button"
            onClick={() => api.openEditor(SETTINGS_JSON_EDITOR, 'keybindings')}
          >
            Open Keyboard Shortcuts (JSON)
          </button>
        </div>
        {recording && (
          <p className="keyboard-shortcuts__hint">
            Press the keys to search for (two strokes for a chord).{' '}
            <button type="button" className="link-button" onClick={() => setRecorded([])}>
              Clear
            </button>
          </p>
        )}
        <p className="keyboard-shortcuts__count" aria-live="polite">
          {shown.length} of {rows.length} keybindings
        </p>
      </header>
      {(fileProblems.length > 0 || problems.length > 0) && (
        <section className="keyboard-shortcuts__problems" role="alert" aria-label="keybindings.json problems">
          <strong>keybindings.json: these entries are not applied</strong>
          <ul>
            {fileProblems.map((problem) => (
              <li key={`f${problem.line ?? ''}${problem.message}`}>
                {problem.line ? `Line ${problem.line}: ` : ''}
                {problem.message}
              </li>
            ))}
            {problems.map((problem) => (
              <li key={`e${problem.index}`}>
                <code>{problem.key}</code> → <code>{problem.command}</code>: {problem.message}
              </li>
            ))}
          </ul>
        </section>
      )}
      <div className="keyboard-shortcuts__scroll">
        <table ref={table} className="keyboard-shortcuts__table" aria-label="Keybindings">
          <thead>
            <tr>
              <th>Command</th>
              <th>Keybinding</th>
              <th>When</th>
              <th>Source</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <tr
                key={row.id}
                tabIndex={0}
                aria-selected={selected === row.id}
                data-command={row.command}
                className={selected === row.id ? 'keyboard-shortcuts__row--selected' : undefined}
                onClick={() => setSelected(row.id)}
                onFocus={() => setSelected(row.id)}
                onDoubleClick={() => setDefining(row)}
                onKeyDown={(event) => onRowKey(event, row)}
              >
                <td className="keyboard-shortcuts__command" title={row.command}>
                  {row.title}
                  {row.title !== row.command && <span className="keyboard-shortcuts__id">{row.command}</span>}
                </td>
                <td className="keyboard-shortcuts__keys">
                  {row.keys
                    ? row.keys.split(' ').map((stroke, index) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: a chord's strokes in order
                        <kbd key={index} className="keyboard-shortcuts__kbd">
                          {stroke}
                        </kbd>
                      ))
                    : null}
                </td>
                <td className="keyboard-shortcuts__when" title={row.when}>
                  {row.when || (row.item ? '—' : '')}
                </td>
                <td className="keyboard-shortcuts__source">{row.source}</td>
                <td className="keyboard-shortcuts__actions">
                  <button
                    type="button"
                    title="Change Keybinding"
                    aria-label="Change Keybinding"
                    onClick={() => setDefining(row)}
                  >
                    ✎
                  </button>
                  {row.item && (
                    <button
                      type="button"
                      title="Remove Keybinding"
                      aria-label="Remove Keybinding"
                      onClick={() => remove(row)}
                    >
                      ✕
                    </button>
                  )}
                  {row.source === 'User' && (
                    <button
                      type="button"
                      title="Reset Keybinding"
                      aria-label="Reset Keybinding"
                      onClick={() => reset(row)}
                    >
                      ↺
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {defining && (
        <DefineKeybinding
          api={api}
          row={defining}
          items={items}
          onSave={(keys) => save(defining, keys)}
          onCancel={() => setDefining(null)}
        />
      )}
    </div>
  );
}

/** "Press desired key combination and then press ENTER", with the bindings that already have those keys. */
function DefineKeybinding({
  api,
  row,
  items,
  onSave,
  onCancel,
}: {
  api: WorkbenchApi;
  row: ShortcutRow;
  items: readonly BindingItem[];
  onSave(keys: Keybinding[]): void;
  onCancel(): void;
}) {
  const registry = api.keybindings;
  const [keys, setKeys] = useState<Keybinding[]>([]);
  const input = useRef<HTMLInputElement>(null);
  useSuspendedKeys(api, true);
  useEffect(() => input.current?.focus(), []);
  const conflicts = keys.length > 0 ? conflictsFor(items, keys, row.command) : [];

  const onKeyDown = (event: React.KeyboardEvent) => {
    event.preventDefault();
    event.stopPropagation();
    const plain = !event.ctrlKey && !event.metaKey && !event.altKey && !event.shiftKey;
    if (plain && event.key === 'Escape') return onCancel();
    if (plain && event.key === 'Enter' && keys.length > 0) return onSave(keys);
    const stroke = strokeOf(event);
    if (stroke) setKeys((previous) => (previous.length >= 2 ? [stroke] : [...previous, stroke]));
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a click outside dismisses; Escape does the same from the keyboard
    <div className="keyboard-shortcuts__define-backdrop" role="presentation" onMouseDown={onCancel}>
      <div
        className="keyboard-shortcuts__define"
        role="dialog"
        aria-label="Define Keybinding"
        onMouseDown={(event) => event.stopPropagation()}
      >
        <p>Press desired key combination and then press ENTER.</p>
        <input
          ref={input}
          className="keyboard-shortcuts__define-input"
          aria-label="Key combination"
          readOnly
          value={formatKeySequence(keys, registry.isMac)}
          onKeyDown={onKeyDown}
        />
        <p className="keyboard-shortcuts__define-for">
          For <strong>{row.title}</strong>
        </p>
        {conflicts.length > 0 && (
          <div className="keyboard-shortcuts__conflicts" role="status">
            {conflicts.length === 1 ? '1 existing command has' : `${conflicts.length} existing commands have`} this
            keybinding
            <ul>
              {conflicts.map((item, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the same command may be bound twice
                <li key={`${item.command}${index}`}>
                  {registry.titleFor(item.command) ?? item.command}
                  {item.whenText ? <span className="keyboard-shortcuts__id"> when {item.whenText}</span> : null}
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </div>
  );
}
