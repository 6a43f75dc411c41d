// The Settings editor tab: search, a User / Workspace switch, a table of contents by group, and each setting with
// its title, description, control, modified marker and reset. Changes are written by the store (settings.set) and
// come back through settings.watch, so this view, the JSON view and every window show the same files.
import {
  type SettingKey,
  type SettingProblem,
  type SettingScope,
  type SettingValue,
  settingSpecs,
  specOf,
} from '@pa/shared';
import { useMemo, useRef, useState } from 'react';
import { useWorkbench } from '../workbench/contributions';
import { useObservable } from '../workbench/observable';
import { categoryOf, controlOf, searchSettings } from './controls';
import { SETTINGS_JSON_EDITOR } from './ids';
import type { SettingsStore } from './settings-store';
import './settings.css';

export function SettingsEditor() {
  const api = useWorkbench();
  const store = api.settings;
  const snapshot = useObservable(store.snapshot);
  const [query, setQuery] = useState('');
  const [scope, setScope] = useState<SettingScope>('user');
  const list = useRef<HTMLDivElement>(null);
  const groups = useMemo(() => searchSettings(query), [query]);
  const file = scope === 'user' ? snapshot?.user : snapshot?.workspace;
  const problems = (file?.problems ?? []).filter((problem) => problem.kind !== 'restricted');

  return (
    <div className="settings-editor" data-testid="settings-editor">
      <header className="settings-editor__header">
        <input
          className="settings-editor__search"
          type="search"
          placeholder="Search settings"
          aria-label="Search settings"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
        <div className="settings-editor__bar">
          <div className="settings-editor__scopes" role="tablist" aria-label="Settings scope">
            {(['user', 'workspace'] as const).map((each) => (
              <button
                key={each}
                type="button"
                role="tab"
                aria-selected={scope === each}
                className={`settings-editor__scope${scope === each ? ' settings-editor__scope--active' : ''}`}
                disabled={each === 'workspace' && !snapshot?.workspace}
                title={each === 'workspace' && !snapshot?.workspace ? 'Open a folder to have workspace settings' : ''}
                onClick={() => setScope(each)}
              >
                {each === 'user' ? 'User' : 'Workspace'}
              </button>
            ))}
          </div>
          <button
            type="button"
            className="settings-editor__json link-button"
            onClick={() => api.openEditor(SETTINGS_JSON_EDITOR, scope)}
          >
            Open Settings (JSON)
          </button>
        </div>
      </header>
      {problems.length > 0 && <FileProblems problems={problems} path={file?.path ?? ''} />}
      <div className="settings-editor__body">
        <nav className="settings-editor__toc" aria-label="Setting groups">
          {groups.map(({ group, keys }) => (
            <button
              key={group.id}
              type="button"
              className="settings-editor__toc-item"
              onClick={() => list.current?.querySelector(`#settings-group-${group.id}`)?.scrollIntoView()}
            >
              {group.title} <span className="settings-editor__count">{keys.length}</span>
            </button>
          ))}
        </nav>
        <div className="settings-editor__list" ref={list}>
          {groups.length === 0 && <p className="settings-editor__empty">No settings found.</p>}
          {groups.map(({ group, keys }) => (
            <section key={group.id} id={`settings-group-${group.id}`} aria-label={group.title}>
              <h2 className="settings-editor__group">{group.title}</h2>
              {keys
                .filter((key) => specOf(key).scopes.includes(scope))
                .map((key) => (
                  <SettingRow
                    key={key}
                    settingKey={key}
                    scope={scope}
                    store={store}
                    restricted={scope === 'workspace' && !!specOf(key).restricted && !snapshot?.trusted}
                  />
                ))}
            </section>
          ))}
        </div>
      </div>
    </div>
  );
}

function FileProblems({ problems, path }: { problems: SettingProblem[]; path: string }) {
  return (
    <div className="settings-editor__problems" role="alert">
      <strong>{path}</strong> has problems; the values that are fine still apply:
      <ul>
        {problems.slice(0, 5).map((problem) => (
          <li key={`${problem.kind}:${problem.key}:${problem.line ?? ''}:${problem.message}`}>
            {problem.line ? `Line ${problem.line}: ` : ''}
            {problem.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

function SettingRow(props: { settingKey: SettingKey; scope: SettingScope; store: SettingsStore; restricted: boolean }) {
  const { settingKey: key, scope, store, restricted } = props;
  const effective = useObservable(store.effective);
  useObservable(store.snapshot);
  const spec = specOf(key);
  const own = store.valueIn(scope, key);
  const modified = own !== undefined;
  const value = (modified ? own : scope === 'user' ? store.valueIn('user', key) : effective[key]) ?? spec.default;
  const set = (next: unknown) => void store.set(scope, key, next as SettingValue<typeof key>);
  const id = `setting-${key}`;
  return (
    <div
      className={`setting${modified ? ' setting--modified' : ''}`}
      data-setting={key}
      title={modified ? `Modified in ${scope} settings` : undefined}
    >
      <div className="setting__title">
        <span className="setting__category">{categoryOf(key)}: </span>
        <label htmlFor={id}>{spec.title}</label>
        {modified && <span className="setting__modified">Modified</span>}
        {modified && (
          <button
            type="button"
            className="setting__reset icon-button"
            aria-label={`Reset ${spec.title}`}
            title={`Reset to ${JSON.stringify(spec.default)}`}
            onClick={() => void store.reset(scope, key)}
          >
            ↺
          </button>
        )}
      </div>
      {restricted && (
        <div className="setting__restricted">Applies only once you trust this workspace (it runs a program).</div>
      )}
      <SettingControlView id={id} settingKey={key} value={value} description={spec.description} onChange={set} />
      <div className="setting__key">
        {key} · default {JSON.stringify(settingSpecs[key].default)} ·{' '}
        {spec.scopes.length === 1 ? `${spec.scopes[0]} settings only` : 'user or workspace'}
      </div>
    </div>
  );
}

function SettingControlView(props: {
  id: string;
  settingKey: SettingKey;
  value: unknown;
  description: string;
  onChange(value: unknown): void;
}) {
  const { id, settingKey, value, description, onChange } = props;
  const control = controlOf(settingKey);
  switch (control.kind) {
    case 'checkbox':
      return (
        <label className="setting__checkbox">
          <input
            id={id}
            type="checkbox"
            checked={value === true}
            onChange={(event) => onChange(event.target.checked)}
          />
          <span>{description}</span>
        </label>
      );
    case 'select':
      return (
        <>
          <p className="setting__description">{description}</p>
          <select id={id} className="setting__select" value={String(value)} onChange={(e) => onChange(e.target.value)}>
            {control.options.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        </>
      );
    case 'number':
    case 'text':
      return (
        <>
          <p className="setting__description">{description}</p>
          <CommittedInput
            id={id}
            kind={control.kind}
            min={control.kind === 'number' ? control.min : undefined}
            max={control.kind === 'number' ? control.max : undefined}
            value={String(value)}
            onCommit={(text) => onChange(control.kind === 'number' ? Number(text) : text)}
          />
        </>
      );
    case 'json':
      return (
        <p className="setting__description">
          {description} <em>Edit in settings.json.</em>
        </p>
      );
  }
}

/** A text or number box that writes the setting when Enter is pressed or focus leaves, not on every keystroke. */
function CommittedInput(props: {
  id: string;
  kind: 'number' | 'text';
  min?: number | undefined;
  max?: number | undefined;
  value: string;
  onCommit(text: string): void;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  const commit = () => {
    if (draft !== null && draft !== props.value) {
      if (props.kind !== 'number' || (draft.trim() !== '' && Number.isFinite(Number(draft)))) props.onCommit(draft);
    }
    setDraft(null);
  };
  return (
    <input
      id={props.id}
      className={`setting__input setting__input--${props.kind}`}
      type={props.kind}
      min={props.min}
      max={props.max}
      value={draft ?? props.value}
      onChange={(event) => setDraft(event.target.value)}
      onBlur={commit}
      onKeyDown={(event) => {
        if (event.key === 'Enter') commit();
        if (event.key === 'Escape') setDraft(null);
      }}
    />
  );
}
