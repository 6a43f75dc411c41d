// The shared list picker behind quick open and the command palette: a filter box, fuzzy-ranked items with the
// matched characters highlighted, arrow keys to move, Enter to choose, Escape to dismiss.
import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { rankByFuzzy } from '../workbench/fuzzy';
import './picker.css';

export interface PickerProps<T> {
  items: readonly T[];
  placeholder: string;
  textOf(item: T): string;
  keyOf(item: T): string;
  render(item: T, highlight: (text: string, offset?: number) => ReactNode): ReactNode;
  onPick(item: T): void;
  onClose(): void;
  emptyText: string;
  loading?: boolean;
  /** The query, when the owner keeps it (quick open changes mode by its first character). */
  query?: string;
  onQueryChange?(query: string): void;
  /** The part of the query items are ranked by (the query without its mode prefix); all of it by default. */
  filterOf?(query: string): string;
}

export function Picker<T>(props: PickerProps<T>) {
  const { items, textOf, filterOf } = props;
  const [ownQuery, setOwnQuery] = useState('');
  const query = props.query ?? ownQuery;
  const setQuery = props.onQueryChange ?? setOwnQuery;
  const [selected, setSelected] = useState(0);
  const list = useRef<HTMLDivElement>(null);
  const filter = filterOf ? filterOf(query) : query;
  const ranked = useMemo(() => rankByFuzzy(filter, items, textOf, 300), [filter, items, textOf]);

  useEffect(() => {
    list.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  });

  const choose = (index: number) => {
    const entry = ranked[index];
    if (!entry) return;
    props.onClose();
    props.onPick(entry.item);
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a click outside dismisses; Escape does the same from the keyboard
    <div className="overlay-backdrop overlay-backdrop--clear" role="presentation" onMouseDown={props.onClose}>
      <div
        className="picker"
        role="dialog"
        aria-label={props.placeholder}
        onMouseDown={(event) => event.stopPropagation()}
      >
        <input
          className="picker__input"
          // biome-ignore lint/a11y/noAutofocus: a picker exists to be typed into
          autoFocus
          spellCheck={false}
          placeholder={props.placeholder}
          value={query}
          aria-controls="picker-list"
          onChange={(event) => {
            setQuery(event.target.value);
            setSelected(0);
          }}
          onKeyDown={(event) => {
            if (event.key === 'ArrowDown') setSelected((index) => Math.min(index + 1, ranked.length - 1));
            else if (event.key === 'ArrowUp') setSelected((index) => Math.max(index - 1, 0));
            else if (event.key === 'PageDown') setSelected((index) => Math.min(index + 10, ranked.length - 1));
            else if (event.key === 'PageUp') setSelected((index) => Math.max(index - 10, 0));
            else if (event.key === 'Enter') choose(selected);
            else if (event.key === 'Escape') props.onClose();
            else return;
            event.preventDefault();
            event.stopPropagation();
          }}
        />
        <div className="picker__list" id="picker-list" role="listbox" ref={list}>
          {ranked.length === 0 && <div className="picker__empty">{props.loading ? 'Loading…' : props.emptyText}</div>}
          {ranked.map((entry, index) => {
            const indices = new Set(entry.match.indices);
            const highlight = (text: string, offset = 0) =>
              indices.size === 0 ? text : <Highlighted text={text} offset={offset} indices={indices} />;
            return (
              <div
                key={props.keyOf(entry.item)}
                role="option"
                tabIndex={-1}
                aria-selected={index === selected}
                className={`picker__item${index === selected ? ' picker__item--selected' : ''}`}
                onMouseMove={() => setSelected(index)}
                onMouseDown={(event) => {
                  event.preventDefault();
                  choose(index);
                }}
              >
                {props.render(entry.item, highlight)}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** `text` is a slice of the matched string starting at `offset`; marks the characters the query matched. */
function Highlighted({ text, offset, indices }: { text: string; offset: number; indices: ReadonlySet<number> }) {
  const parts: ReactNode[] = [];
  let run = '';
  let runMatched = false;
  const flush = (key: number) => {
    if (run === '') return;
    parts.push(runMatched ? <mark key={key}>{run}</mark> : <span key={key}>{run}</span>);
    run = '';
  };
  for (let i = 0; i < text.length; i++) {
    const matched = indices.has(offset + i);
    if (matched !== runMatched) {
      flush(i);
      runMatched = matched;
    }
    run += text[i];
  }
  flush(text.length);
  return <>{parts}</>;
}
