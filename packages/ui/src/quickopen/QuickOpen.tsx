// Ctrl/Cmd+P, as in VS Code: every workspace file (from files.tree) fuzzy-matched on its path, name first; the
// first character of the query switches mode: `:` goes to a line of the active editor (`:12`, `:12:5`), `@` lists
// the active file's symbols (quick-modes.ts, document-symbols.ts), `>` runs a command (the command registry).
import { errorMessage } from '@pa/shared';
import { useEffect, useMemo, useState } from 'react';
import { baseName, parentOf } from '../explorer/tree';
import type { WorkbenchController } from '../workbench/controller';
import { FileIcon } from '../workbench/file-icon';
import { type DocumentSymbol, documentSymbols, symbolGlyph } from './document-symbols';
import { Picker } from './Picker';
import { type PaletteCommand, paletteCommands } from './palette-commands';
import { goToLineItem, modeOf, type QuickMode } from './quick-modes';

type Item =
  | { kind: 'file'; path: string }
  | { kind: 'command'; command: PaletteCommand }
  | { kind: 'line'; label: string; line: number | null; column: number }
  | { kind: 'symbol'; symbol: DocumentSymbol };

const textOf = (item: Item) =>
  item.kind === 'file'
    ? item.path
    : item.kind === 'command'
      ? item.command.title
      : item.kind === 'line'
        ? ''
        : item.symbol.name;
const keyOf = (item: Item) =>
  item.kind === 'file'
    ? `f:${item.path}`
    : item.kind === 'command'
      ? item.command.key
      : item.kind === 'line'
        ? 'line'
        : `s:${item.symbol.line}:${item.symbol.column}:${item.symbol.name}`;

const PLACEHOLDERS: Record<QuickMode, string> = {
  files: 'Search files by name (append : to go to a line, @ for symbols, > for commands)',
  line: 'Go to line',
  symbols: 'Go to symbol in editor',
  commands: 'Type a command',
};

export function QuickOpen({ workbench, initialQuery = '' }: { workbench: WorkbenchController; initialQuery?: string }) {
  const [query, setQuery] = useState(initialQuery);
  const mode = modeOf(query);
  const files = useFiles(workbench, mode === 'files');
  const symbols = useSymbols(workbench, mode === 'symbols');
  const commands = useMemo(
    () =>
      paletteCommands(
        workbench.listCommands(),
        (id) => workbench.runCommand(id),
        workbench.api.editor(),
        (id) => workbench.shortcutFor(id),
      ),
    [workbench],
  );

  const items = useMemo((): Item[] => {
    if (mode === 'commands') return commands.map((command) => ({ kind: 'command', command }));
    if (mode === 'symbols') return (symbols.list ?? []).map((symbol) => ({ kind: 'symbol', symbol }));
    if (mode === 'line') {
      const model = workbench.api.editor()?.getModel() ?? null;
      const position = workbench.api.editor()?.getPosition() ?? null;
      return [{ kind: 'line', ...goToLineItem(query, model ? model.getLineCount() : null, position) }];
    }
    if (!files) return [];
    // open files come first, so an empty query lists them like a "recently opened" section
    const open = workbench.state.value.tabs.tabs.map((tab) => tab.path);
    const openSet = new Set(open);
    return [...open.filter((path) => files.includes(path)), ...files.filter((path) => !openSet.has(path))].map(
      (path) => ({ kind: 'file', path }),
    );
  }, [mode, commands, symbols.list, files, workbench, query]);

  const pick = (item: Item) => {
    if (item.kind === 'file') void workbench.openFile(item.path);
    else if (item.kind === 'command') item.command.run();
    else if (item.kind === 'line') {
      if (item.line !== null) reveal(workbench, item.line, item.column);
    } else reveal(workbench, item.symbol.line, item.symbol.column);
  };

  return (
    <Picker
      items={items}
      query={query}
      onQueryChange={setQuery}
      filterOf={(text) => (mode === 'files' ? text : mode === 'line' ? '' : text.slice(1).trim())}
      loading={(mode === 'files' && files === null) || (mode === 'symbols' && symbols.list === null)}
      placeholder={PLACEHOLDERS[mode]}
      emptyText={
        mode === 'symbols' ? symbols.empty : mode === 'commands' ? 'No matching commands' : 'No matching files'
      }
      textOf={textOf}
      keyOf={keyOf}
      onClose={() => workbench.patch({ overlay: null })}
      onPick={pick}
      render={(item, highlight) => {
        if (item.kind === 'command') {
          return (
            <>
              <span className="picker__label">{highlight(item.command.title)}</span>
              {item.command.shortcut && <kbd className="picker__kbd">{item.command.shortcut}</kbd>}
            </>
          );
        }
        if (item.kind === 'line') return <span className="picker__label">{item.label}</span>;
        if (item.kind === 'symbol') {
          return (
            <>
              <span className={`picker__symbol picker__symbol--${item.symbol.kind}`}>
                {symbolGlyph(item.symbol.kind)}
              </span>
              <span className="picker__label">{highlight(item.symbol.name)}</span>
              {item.symbol.container && <span className="picker__detail">{item.symbol.container}</span>}
            </>
          );
        }
        const name = baseName(item.path);
        const dir = parentOf(item.path);
        return (
          <>
            <FileIcon name={name} />
            <span className="picker__label">{highlight(name, item.path.length - name.length)}</span>
            {dir && <span className="picker__detail">{highlight(dir, 0)}</span>}
          </>
        );
      }}
    />
  );
}

function reveal(workbench: WorkbenchController, line: number, column: number): void {
  const editor = workbench.api.editor();
  if (!editor) return;
  const position = { lineNumber: line, column };
  editor.setPosition(position);
  editor.revealPositionInCenterIfOutsideViewport(position);
  editor.focus();
}

function useFiles(workbench: WorkbenchController, wanted: boolean): string[] | null {
  const [files, setFiles] = useState<string[] | null>(null);
  useEffect(() => {
    if (!wanted || files) return;
    let live = true;
    workbench.listFiles().then(
      (list) => live && setFiles(list),
      (error: unknown) => {
        workbench.notify(errorMessage(error), 'error');
        workbench.patch({ overlay: null });
      },
    );
    return () => {
      live = false;
    };
  }, [workbench, wanted, files]);
  return files;
}

function useSymbols(workbench: WorkbenchController, wanted: boolean): { list: DocumentSymbol[] | null; empty: string } {
  const [state, setState] = useState<{ list: DocumentSymbol[] | null; empty: string } | null>(null);
  useEffect(() => {
    if (!wanted || state) return;
    const model = workbench.api.editor()?.getModel() ?? null;
    if (!model) {
      setState({ list: [], empty: 'Open a text editor first to go to a symbol.' });
      return;
    }
    let live = true;
    documentSymbols(model).then(
      (list) =>
        live &&
        setState(
          list === null
            ? { list: [], empty: 'The active file has no symbol information (TypeScript and JavaScript do).' }
            : { list, empty: 'No matching symbols' },
        ),
      (error: unknown) => live && setState({ list: [], empty: errorMessage(error) }),
    );
    return () => {
      live = false;
    };
  }, [workbench, wanted, state]);
  return state ?? { list: null, empty: '' };
}
