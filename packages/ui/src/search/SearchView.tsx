// The Search side-bar view (VS Code's is the model): query box with match case / whole word / regex toggles, the
// replace box behind its twistie, include/exclude globs and the .gitignore toggle, then the results as a tree of
// files and matches with highlighted previews (a replacement shows as struck-out text and its insertion).
import type { SearchMatch } from '@pa/shared';
import { type ReactNode, useEffect, useRef } from 'react';
import { baseName, parentOf } from '../explorer/tree';
import { FileIcon } from '../workbench/file-icon';
import { Icons } from '../workbench/icons';
import { useObservable } from '../workbench/observable';
import type { SearchController, SearchOptions } from './search-controller';

export function SearchView({ controller }: { controller: SearchController }) {
  const state = useObservable(controller.state);
  const focusRequests = useObservable(controller.focusRequests);
  const queryBox = useRef<HTMLInputElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: each request (Ctrl+Shift+F) focuses again
  useEffect(() => {
    queryBox.current?.focus();
    queryBox.current?.select();
  }, [focusRequests]);
  const total = state.results.reduce((sum, file) => sum + file.matches.length, 0);
  const replacing = state.showReplace;

  return (
    <div className="search-view">
      <div className="search-view__form">
        <button
          type="button"
          className="search-view__replace-toggle"
          title="Toggle Replace"
          aria-label="Toggle Replace"
          aria-expanded={state.showReplace}
          onClick={() => controller.toggleReplace()}
        >
          {state.showReplace ? Icons.chevronDown() : Icons.chevronRight()}
        </button>
        <div className="search-view__fields">
          <div className="search-input">
            <input
              ref={queryBox}
              className="search-input__text"
              aria-label="Search"
              placeholder="Search"
              spellCheck={false}
              value={state.query}
              onChange={(event) => controller.setQuery(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter') void controller.search();
              }}
            />
            <Toggle controller={controller} options={state.options} option="matchCase" label="Match Case" text="Aa" />
            <Toggle
              controller={controller}
              options={state.options}
              option="wholeWord"
              label="Match Whole Word"
              text="ab"
              underline
            />
            <Toggle
              controller={controller}
              options={state.options}
              option="isRegex"
              label="Use Regular Expression"
              text=".*"
            />
          </div>
          {state.showReplace && (
            <div className="search-input search-input--replace">
              <input
                className="search-input__text"
                aria-label="Replace"
                placeholder="Replace"
                spellCheck={false}
                value={state.replacement}
                onChange={(event) => controller.setReplacement(event.target.value)}
              />
              <button
                type="button"
                className="search-input__action"
                title="Replace All"
                aria-label="Replace All"
                disabled={total === 0}
                onClick={() => void controller.replaceAll()}
              >
                {Icons.replaceAll()}
              </button>
            </div>
          )}
        </div>
      </div>
      <div className="search-view__details-toggle">
        <button
          type="button"
          className="icon-button"
          title="Toggle Search Details"
          aria-label="Toggle Search Details"
          aria-expanded={state.showDetails}
          onClick={() => controller.toggleDetails()}
        >
          ⋯
        </button>
      </div>
      {state.showDetails && (
        <div className="search-view__details">
          <label className="search-view__label" htmlFor="search-include">
            files to include
          </label>
          <input
            id="search-include"
            className="search-view__glob"
            spellCheck={false}
            placeholder="e.g. *.ts, src/**/include"
            value={state.include}
            onChange={(event) => controller.setInclude(event.target.value)}
          />
          <label className="search-view__label" htmlFor="search-exclude">
            files to exclude
          </label>
          <div className="search-input">
            <input
              id="search-exclude"
              className="search-input__text"
              spellCheck={false}
              placeholder="e.g. *.ts, src/**/exclude"
              value={state.exclude}
              onChange={(event) => controller.setExclude(event.target.value)}
            />
            <Toggle
              controller={controller}
              options={state.options}
              option="useIgnoreFiles"
              label="Use Exclude Settings and Ignore Files"
              text={Icons.ignoreFile()}
            />
          </div>
        </div>
      )}
      <div className="search-view__summary" aria-live="polite">
        {state.searching && <div className="search-view__progress" role="progressbar" aria-label="Searching" />}
        {state.error ? (
          <span className="search-view__error">{state.error}</span>
        ) : state.notice && total === 0 ? (
          <span>{state.notice}</span>
        ) : state.query !== '' && (state.summary || total > 0) ? (
          <span>
            {total === 0
              ? 'No results found. Review your settings for configured exclusions and check your gitignore files.'
              : `${total} ${total === 1 ? 'result' : 'results'} in ${state.results.length} ${state.results.length === 1 ? 'file' : 'files'}`}
            {state.summary?.limitHit && ' — the result set only contains a subset of all matches'}
          </span>
        ) : null}
        {state.results.length > 0 && (
          <button
            type="button"
            className="icon-button search-view__collapse"
            title="Collapse All"
            aria-label="Collapse All"
            onClick={() => controller.collapseAll()}
          >
            {Icons.collapse()}
          </button>
        )}
      </div>
      <div className="search-view__results" role="tree" aria-label="Search results">
        {state.results.map((file) => {
          const collapsed = state.collapsed.has(file.path);
          const name = baseName(file.path);
          return (
            <div key={file.path}>
              <div
                role="treeitem"
                tabIndex={-1}
                aria-expanded={!collapsed}
                aria-selected={false}
                className="tree-row search-file"
                onClick={() => controller.toggleCollapsed(file.path)}
                onKeyDown={(event) => {
                  if (event.key === 'Enter' || event.key === ' ') controller.toggleCollapsed(file.path);
                }}
              >
                <span className="tree-row__twistie">{collapsed ? Icons.chevronRight() : Icons.chevronDown()}</span>
                <FileIcon name={name} />
                <span className="search-file__name">{name}</span>
                <span className="search-file__dir">{parentOf(file.path)}</span>
                {replacing && (
                  <button
                    type="button"
                    className="icon-button search-row__action"
                    title="Replace All in File"
                    aria-label={`Replace All in ${file.path}`}
                    onClick={(event) => {
                      event.stopPropagation();
                      void controller.replaceFile(file.path);
                    }}
                  >
                    {Icons.replaceAll()}
                  </button>
                )}
                <span className="search-file__count">{file.matches.length}</span>
              </div>
              {!collapsed && (
                <div>
                  {file.matches.map((match, index) => (
                    <MatchRow
                      key={`${match.line}:${match.column}`}
                      match={match}
                      active={state.active?.path === file.path && state.active.index === index}
                      replacement={replacing ? controller.replacementFor(match) : null}
                      onOpen={() => void controller.open(file.path, index)}
                      onReplace={() => void controller.replaceOne(file.path, index)}
                    />
                  ))}
                </div>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}

function MatchRow(props: {
  match: SearchMatch;
  active: boolean;
  replacement: string | null;
  onOpen(): void;
  onReplace(): void;
}) {
  const { match, replacement } = props;
  const { text, start, end } = match.preview;
  const before = text.slice(0, start).trimStart();
  return (
    <div
      role="treeitem"
      tabIndex={-1}
      aria-selected={props.active}
      className={`tree-row search-match${props.active ? ' tree-row--active' : ''}`}
      title={`${match.line}:${match.column + 1}`}
      onClick={props.onOpen}
      onKeyDown={(event) => {
        if (event.key === 'Enter') props.onOpen();
      }}
    >
      <span className="search-match__preview">
        {before.length > 40 ? `…${before.slice(-40)}` : before}
        {replacement === null ? (
          <mark className="search-match__hit">{text.slice(start, end)}</mark>
        ) : (
          <>
            <del className="search-match__removed">{text.slice(start, end)}</del>
            <ins className="search-match__inserted">{replacement}</ins>
          </>
        )}
        {text.slice(end)}
      </span>
      {replacement !== null && (
        <button
          type="button"
          className="icon-button search-row__action"
          title="Replace"
          aria-label="Replace"
          onClick={(event) => {
            event.stopPropagation();
            props.onReplace();
          }}
        >
          {Icons.replace()}
        </button>
      )}
    </div>
  );
}

function Toggle(props: {
  controller: SearchController;
  options: SearchOptions;
  option: keyof SearchOptions;
  label: string;
  text: ReactNode;
  underline?: boolean;
}) {
  const on = props.options[props.option];
  return (
    <button
      type="button"
      className={`search-toggle${on ? ' search-toggle--on' : ''}${props.underline ? ' search-toggle--word' : ''}`}
      title={props.label}
      aria-label={props.label}
      aria-pressed={on}
      onClick={() => props.controller.toggle(props.option)}
    >
      {props.text}
    </button>
  );
}
