// The Search Codebase side-bar view: the index's state with Pause / Resume, Rebuild and the embedding model, a
// natural-language query box, and the ranked chunks (file and lines, kind and name, the first lines of the code,
// which ranking found it); a click or Enter opens the file at the chunk.
import type { CodebaseHit, IndexStatus } from '@pa/shared';
import { useEffect, useMemo, useRef } from 'react';
import { baseName, parentOf } from '../explorer/tree';
import { FileIcon } from '../workbench/file-icon';
import { Icons } from '../workbench/icons';
import { useObservable } from '../workbench/observable';
import type { CodebaseController, CodebaseSearchState, ModelFormState } from './codebase-controller';
import { markTerms, previewLines, queryTerms } from './hit-preview';
import { CodebaseIcons } from './icons';
import { count, embeddingsText, percentIndexed, viewStatusText } from './status-text';

export function CodebaseView({ controller }: { controller: CodebaseController }) {
  const status = useObservable(controller.status);
  const search = useObservable(controller.search);
  const model = useObservable(controller.model);
  const focusRequests = useObservable(controller.focusRequests);
  const queryBox = useRef<HTMLInputElement>(null);
  const results = useRef<HTMLDivElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: each request (Codebase: Search) focuses again
  useEffect(() => {
    queryBox.current?.focus();
    queryBox.current?.select();
  }, [focusRequests]);
  const terms = useMemo(() => queryTerms(search.answered?.query ?? ''), [search.answered]);
  const off = !status || status.state === 'off';

  /** Moves the keyboard to a result row (the list keeps one row focusable, as a tree does). */
  const focusRow = (index: number | null) => {
    if (index === null) return;
    results.current?.querySelector<HTMLElement>(`[data-index="${index}"]`)?.focus();
  };

  return (
    <div className="codebase-view" data-testid="codebase-view">
      <IndexHeader controller={controller} status={status} model={model} />
      <div className="codebase-query">
        <span className="codebase-query__icon">{Icons.search(14)}</span>
        <input
          ref={queryBox}
          className="codebase-query__text"
          aria-label="Search codebase"
          placeholder="Describe the code you are looking for"
          spellCheck={false}
          disabled={off}
          value={search.query}
          onChange={(event) => controller.setQuery(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              void controller.run();
            } else if (event.key === 'ArrowDown' && search.hits.length > 0) {
              event.preventDefault();
              focusRow(controller.move('first'));
            }
          }}
        />
      </div>
      <div className="codebase-summary" aria-live="polite">
        {search.searching && <div className="codebase-progress" role="progressbar" aria-label="Searching" />}
        <Summary status={status} searching={search.searching} search={search} />
      </div>
      <div
        className="codebase-results"
        role="listbox"
        aria-label="Codebase results"
        ref={results}
        onKeyDown={(event) => {
          const step =
            event.key === 'ArrowDown'
              ? 1
              : event.key === 'ArrowUp'
                ? -1
                : event.key === 'Home'
                  ? 'first'
                  : event.key === 'End'
                    ? 'last'
                    : null;
          if (step === null) return;
          event.preventDefault();
          if (step === -1 && (search.active ?? 0) === 0) {
            queryBox.current?.focus(); // Up from the first result goes back to the query
            return;
          }
          focusRow(controller.move(step));
        }}
      >
        {search.hits.map((hit, index) => (
          <HitRow
            key={`${hit.path}:${hit.startLine}-${hit.endLine}`}
            hit={hit}
            index={index}
            active={search.active === index}
            focusable={(search.active ?? 0) === index}
            terms={terms}
            onOpen={() => void controller.open(index)}
          />
        ))}
      </div>
    </div>
  );
}

function IndexHeader(props: { controller: CodebaseController; status: IndexStatus | null; model: ModelFormState }) {
  const { controller, status, model } = props;
  const { label, figures } = viewStatusText(status);
  const state = status?.state ?? 'off';
  const off = state === 'off';
  const paused = state === 'paused';
  return (
    <div className="codebase-index" data-testid="codebase-index" data-state={state}>
      <div className="codebase-index__row">
        <span className={`codebase-dot codebase-dot--${state}`} aria-hidden="true" />
        <span className="codebase-index__label">{label}</span>
        <span className="codebase-index__actions">
          <button
            type="button"
            className="icon-button"
            title={paused ? 'Resume Indexing' : 'Pause Indexing'}
            aria-label={paused ? 'Resume Indexing' : 'Pause Indexing'}
            disabled={off || state === 'error'}
            onClick={() => void (paused ? controller.resume() : controller.pause())}
          >
            {paused ? CodebaseIcons.resume() : CodebaseIcons.pause()}
          </button>
          <button
            type="button"
            className="icon-button"
            title="Rebuild Index"
            aria-label="Rebuild Index"
            disabled={off}
            onClick={() => void controller.rebuild()}
          >
            {CodebaseIcons.rebuild()}
          </button>
          <button
            type="button"
            className={`icon-button${model.open ? ' icon-button--on' : ''}`}
            title="Embedding Model"
            aria-label="Embedding Model"
            aria-expanded={model.open}
            onClick={() => controller.toggleModelForm()}
          >
            {CodebaseIcons.model()}
          </button>
        </span>
      </div>
      {!off && (
        <div className="codebase-index__figures" data-testid="codebase-figures">
          {figures}
        </div>
      )}
      {status && (state === 'indexing' || state === 'paused') && status.filesTotal > 0 && (
        <div className="codebase-meter" aria-hidden="true">
          <div
            className={`codebase-meter__fill${paused ? ' codebase-meter__fill--paused' : ''}`}
            style={{ width: `${percentIndexed(status)}%` }}
          />
        </div>
      )}
      {status && !off && state !== 'error' && (
        <div
          className={`codebase-index__embeddings${status.embeddingModel ? '' : ' codebase-index__embeddings--keyword'}`}
          data-testid="codebase-embeddings"
          title={status.embeddingModel ?? undefined}
        >
          {embeddingsText(status)}
        </div>
      )}
      {model.open && <ModelForm controller={controller} model={model} status={status} />}
    </div>
  );
}

function ModelForm(props: { controller: CodebaseController; model: ModelFormState; status: IndexStatus | null }) {
  const { controller, model, status } = props;
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  return (
    <form
      className="codebase-model"
      onSubmit={(event) => {
        event.preventDefault();
        void controller.applyModel(model.path);
      }}
    >
      <label className="codebase-model__label" htmlFor="codebase-model-path">
        Embedding model (.onnx, with its tokenizer.json beside it)
      </label>
      <div className="codebase-model__row">
        <input
          ref={input}
          id="codebase-model-path"
          className={`codebase-model__path${model.error ? ' text-input--invalid' : ''}`}
          spellCheck={false}
          placeholder="/path/to/model.onnx"
          value={model.path}
          onChange={(event) => controller.setModelPath(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') controller.toggleModelForm(false);
          }}
        />
        <button type="submit" className="button button--small" disabled={model.busy}>
          {model.busy ? 'Loading…' : 'Set'}
        </button>
      </div>
      <p className="codebase-model__hint">
        For example all-MiniLM-L6-v2: onnx/model.onnx and tokenizer.json from Xenova/all-MiniLM-L6-v2 on Hugging Face,
        in one folder. It runs on this machine; nothing is sent anywhere.
      </p>
      {model.error && (
        <div className="codebase-model__error" role="alert">
          {model.error}
        </div>
      )}
      {status?.embeddingModel && (
        <button
          type="button"
          className="codebase-model__clear"
          disabled={model.busy}
          onClick={() => void controller.applyModel(null)}
        >
          Use keyword search only
        </button>
      )}
    </form>
  );
}

function Summary(props: { status: IndexStatus | null; searching: boolean; search: CodebaseSearchState }) {
  const { status, search } = props;
  if (!status || status.state === 'off') {
    return <span className="codebase-summary__empty">Open a folder to index it.</span>;
  }
  if (search.error) return <span className="codebase-summary__error">{search.error}</span>;
  if (search.answered) {
    const { hits } = search;
    return (
      <span>
        {hits.length === 0
          ? 'No matching code. Try other words, or rebuild the index.'
          : `${count(hits.length)} ${hits.length === 1 ? 'result' : 'results'}`}
        <span
          className="codebase-summary__meta"
          title={
            search.answered.hybrid
              ? 'Ranked by keywords and by meaning (embeddings)'
              : 'Ranked by keywords only: set an embedding model to search by meaning too'
          }
        >
          {' · '}
          {Math.round(search.answered.elapsedMs)} ms{search.answered.hybrid ? '' : ' · keywords only'}
        </span>
      </span>
    );
  }
  if (props.searching) return <span>Searching…</span>;
  if (status.state === 'indexing') {
    return (
      <span className="codebase-summary__empty">
        Indexing… {count(status.filesIndexed)} / {count(status.filesTotal)} files. Search now to look through what is
        indexed so far.
      </span>
    );
  }
  return (
    <span className="codebase-summary__empty">
      Ask in your own words, e.g. “where are passwords checked”, then press Enter.
    </span>
  );
}

const KIND_LABEL: Record<CodebaseHit['kind'], string> = {
  function: 'function',
  method: 'method',
  class: 'class',
  interface: 'interface',
  type: 'type',
  enum: 'enum',
  module: 'module',
  block: 'block',
  window: 'lines',
};

function HitRow(props: {
  hit: CodebaseHit;
  index: number;
  active: boolean;
  focusable: boolean;
  terms: readonly string[];
  onOpen(): void;
}) {
  const { hit, terms } = props;
  const name = baseName(hit.path);
  const lines = previewLines(hit);
  // the gutter is as wide as the longest line number it shows, so the code keeps the narrow side bar's width
  const gutter = `${String(lines.at(-1)?.number ?? hit.startLine).length + 1}ch`;
  const range = hit.startLine === hit.endLine ? `${hit.startLine}` : `${hit.startLine}–${hit.endLine}`;
  return (
    <div
      role="option"
      tabIndex={props.focusable ? 0 : -1}
      aria-selected={props.active}
      data-index={props.index}
      data-testid="codebase-hit"
      className={`codebase-hit${props.active ? ' codebase-hit--active' : ''}`}
      title={`${hit.path}:${range}`}
      onClick={props.onOpen}
      onKeyDown={(event) => {
        if (event.key === 'Enter') props.onOpen();
      }}
    >
      <div className="codebase-hit__head">
        <FileIcon name={name} />
        <span className="codebase-hit__name">{name}</span>
        <span className="codebase-hit__dir">{parentOf(hit.path)}</span>
        <span className="codebase-hit__via">
          {hit.via.includes('vector') && (
            <span className="codebase-via codebase-via--vector" title="Found by meaning (embeddings)">
              meaning
            </span>
          )}
          {hit.via.includes('keyword') && (
            <span className="codebase-via" title="Found by its words">
              keyword
            </span>
          )}
        </span>
      </div>
      <div className="codebase-hit__symbol">
        <span className={`codebase-kind codebase-kind--${hit.kind}`}>{KIND_LABEL[hit.kind]}</span>
        {hit.name && <span className="codebase-hit__symbol-name">{marked(hit.name, terms)}</span>}
        <span className="codebase-hit__lines">{range}</span>
      </div>
      <div className="codebase-hit__code" aria-hidden="true">
        {lines.map((line) => (
          <div key={line.number} className="codebase-hit__line">
            <span className="codebase-hit__number" style={{ width: gutter }}>
              {line.number}
            </span>
            <span className="codebase-hit__text">{marked(line.text, terms)}</span>
          </div>
        ))}
      </div>
    </div>
  );
}

function marked(text: string, terms: readonly string[]) {
  return markTerms(text, terms).map((run, index) =>
    run.marked ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: runs of one fixed string keep their order
      <mark key={index} className="codebase-mark">
        {run.text}
      </mark>
    ) : (
      run.text
    ),
  );
}
