// The Outline side view, as VS Code's: the active file's symbols as an indented tree, the one the cursor is in
// highlighted and kept in sight; a click reveals the symbol in the editor.
import { useEffect, useRef, useState } from 'react';
import { symbolGlyph } from '../quickopen/document-symbols';
import { useWorkbench } from '../workbench/contributions';
import { useObservable } from '../workbench/observable';
import { OutlineController } from './outline-controller';
import './outline.css';

export function OutlineView() {
  const api = useWorkbench();
  const [controller, setController] = useState<OutlineController | null>(null);
  // created while the view is shown only: a hidden Outline asks no language service for symbols
  useEffect(() => {
    const created = new OutlineController(api);
    setController(created);
    return () => created.dispose();
  }, [api]);
  return <div className="outline">{controller && <OutlineTree controller={controller} />}</div>;
}

function OutlineTree({ controller }: { controller: OutlineController }) {
  const state = useObservable(controller.state);
  const list = useRef<HTMLDivElement>(null);
  useEffect(() => {
    list.current?.querySelector(`[data-index="${state.active}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [state.active]);
  if (!state.rows) return <div className="outline__message">{state.message ?? 'Loading…'}</div>;
  return (
    <div className="outline__rows" role="tree" aria-label="Outline" ref={list}>
      {state.rows.map((row, index) => (
        <button
          type="button"
          role="treeitem"
          aria-selected={index === state.active}
          aria-level={row.depth + 1}
          data-index={index}
          key={`${row.symbol.line}:${row.symbol.column}:${row.symbol.name}`}
          className={`tree-row outline__row${index === state.active ? ' tree-row--active' : ''}`}
          style={{ paddingLeft: 12 + row.depth * 14 }}
          onClick={() => controller.reveal(row)}
        >
          <span className={`picker__symbol picker__symbol--${row.symbol.kind}`}>{symbolGlyph(row.symbol.kind)}</span>
          <span className="outline__name">{row.symbol.name}</span>
        </button>
      ))}
    </div>
  );
}
