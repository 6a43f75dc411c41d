// The file explorer: the workspace tree (lazy per folder, gitignored entries already filtered by the engine),
// click to open, context menu and title-bar buttons for new file/folder, rename and delete.
import type { FileEntry } from '@pa/shared';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { decorationFor, gitDecorations } from '../scm/decorations';
import { ContextMenu, type MenuItem } from '../workbench/ContextMenu';
import type { WorkbenchController } from '../workbench/controller';
import { isFileTab } from '../workbench/editor-input';
import { FileIcon } from '../workbench/file-icon';
import { Icons } from '../workbench/icons';
import { useObservable, useSelected } from '../workbench/observable';
import { ExplorerModel } from './explorer-model';
import { createEntry, deleteEntry, renameEntry } from './file-operations';
import { parentOf, treeKeyAction, visibleRows } from './tree';
import './explorer.css';

export function Explorer({ workbench }: { workbench: WorkbenchController }) {
  const [model] = useState(() => new ExplorerModel(workbench));
  useEffect(() => {
    const subscription = model.start();
    return () => subscription.dispose();
  }, [model]);
  const state = useObservable(model.state);
  const workspace = useSelected(workbench.state, (state) => state.workspace);
  const tabs = useSelected(workbench.state, (state) => state.tabs);
  const git = useObservable(gitDecorations);
  const rows = useMemo(() => visibleRows(state.children, state.expanded), [state.children, state.expanded]);
  const [menu, setMenu] = useState<{ x: number; y: number; entry: FileEntry | null } | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);

  useEffect(() => {
    if (!state.selected) return;
    document
      .querySelector(`.explorer__tree [data-path="${CSS.escape(state.selected)}"]`)
      ?.scrollIntoView({ block: 'nearest' });
  }, [state.selected]);

  // Keep the active file selected in the tree, as editors do.
  useEffect(() => {
    if (tabs.active && isFileTab(tabs.active)) void model.reveal(tabs.active);
  }, [model, tabs.active]);

  const targetDir = (entry: FileEntry | null) =>
    entry ? (entry.kind === 'dir' ? entry.path : parentOf(entry.path)) : '';

  const create = async (entry: FileEntry | null, kind: 'file' | 'dir') => {
    const dir = targetDir(entry);
    if (dir && !state.expanded.has(dir)) model.toggle(dir);
    const created = await createEntry(workbench, dir, kind, model.siblingsIn(dir));
    if (created) {
      await model.refreshAround(created);
      await model.reveal(created);
    }
  };

  const menuItems = (entry: FileEntry | null): MenuItem[] => {
    const items: MenuItem[] = [
      { id: 'newFile', label: 'New File…', run: () => void create(entry, 'file') },
      { id: 'newFolder', label: 'New Folder…', run: () => void create(entry, 'dir') },
    ];
    if (!entry) return items;
    if (entry.kind === 'file')
      items.unshift({ id: 'open', label: 'Open', run: () => void workbench.openFile(entry.path) });
    items.push(
      {
        id: 'rename',
        label: 'Rename…',
        separatorBefore: true,
        run: async () => {
          const to = await renameEntry(workbench, entry.path, model.siblingsIn(parentOf(entry.path)));
          if (to) await model.refreshAround(entry.path, to);
        },
      },
      {
        id: 'delete',
        label: 'Delete',
        danger: true,
        run: async () => {
          if (await deleteEntry(workbench, entry.path, entry.kind)) await model.refreshAround(entry.path);
        },
      },
      {
        id: 'copyPath',
        label: 'Copy Relative Path',
        separatorBefore: true,
        run: () => void navigator.clipboard?.writeText(entry.path),
      },
    );
    return items;
  };

  return (
    <div className="explorer">
      <div className="view-header">
        <span className="view-header__title">Explorer</span>
        <div className="view-header__actions">
          <button type="button" className="icon-button" title="New File…" onClick={() => void create(null, 'file')}>
            {Icons.newFile()}
          </button>
          <button type="button" className="icon-button" title="New Folder…" onClick={() => void create(null, 'dir')}>
            {Icons.newFolder()}
          </button>
          <button type="button" className="icon-button" title="Refresh" onClick={() => model.reset()}>
            {Icons.refresh()}
          </button>
          <button type="button" className="icon-button" title="Collapse All" onClick={() => model.collapseAll()}>
            {Icons.collapse()}
          </button>
        </div>
      </div>
      <div className="explorer__root" title={workspace?.root}>
        {Icons.chevronDown()}
        <span>{workspace?.name ?? 'No folder'}</span>
      </div>
      <div
        className="explorer__tree"
        role="tree"
        aria-label="Files"
        tabIndex={0}
        aria-activedescendant={state.selected ? rowId(state.selected) : undefined}
        onKeyDown={(event) => {
          const action = treeKeyAction(rows, state.selected, event.key);
          if (action.kind === 'none') return;
          event.preventDefault();
          if (action.kind === 'select') model.select(action.path);
          else if (action.kind === 'toggle') model.toggle(action.path);
          else void workbench.openFile(action.path);
        }}
        onContextMenu={(event) => {
          event.preventDefault();
          setMenu({ x: event.clientX, y: event.clientY, entry: null });
        }}
      >
        {state.error && <div className="explorer__message explorer__message--error">{state.error}</div>}
        {!state.error && state.children.get('')?.length === 0 && (
          <div className="explorer__message">This folder is empty.</div>
        )}
        {rows.map((row) => {
          const { entry } = row;
          const isActive = tabs.active === entry.path;
          const dirty = tabs.tabs.some((tab) => tab.path === entry.path && tab.dirty);
          const decoration = decorationFor(git, entry.path);
          return (
            // biome-ignore lint/a11y/useKeyWithClickEvents: the tree takes the keys for its rows (aria-activedescendant)
            <div
              key={entry.path}
              id={rowId(entry.path)}
              tabIndex={-1}
              role="treeitem"
              aria-expanded={entry.kind === 'dir' ? row.expanded : undefined}
              aria-selected={state.selected === entry.path}
              data-path={entry.path}
              className={[
                'tree-row',
                state.selected === entry.path && 'tree-row--selected',
                isActive && 'tree-row--active',
              ]
                .filter(Boolean)
                .join(' ')}
              style={{ paddingLeft: 8 + row.depth * 14 }}
              onClick={() => {
                if (entry.kind === 'dir') model.toggle(entry.path);
                else {
                  model.select(entry.path);
                  // a single click previews the file (italic tab, replaced by the next preview); a double click keeps it
                  void workbench.openFile(entry.path, undefined, { preserveFocus: true, preview: true });
                }
              }}
              onDoubleClick={() => {
                if (entry.kind === 'file') void workbench.openFile(entry.path);
              }}
              onContextMenu={(event) => {
                event.preventDefault();
                event.stopPropagation();
                model.select(entry.path);
                setMenu({ x: event.clientX, y: event.clientY, entry });
              }}
            >
              {row.depth > 0 &&
                Array.from({ length: row.depth }, (_, level) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: indent guides are positional
                  <span key={level} className="tree-row__guide" style={{ left: 15 + level * 14 }} />
                ))}
              <span className="tree-row__twistie">
                {entry.kind === 'dir' ? (row.expanded ? Icons.chevronDown() : Icons.chevronRight()) : null}
              </span>
              {entry.kind === 'dir' ? (
                <span className="tree-row__folder">{row.expanded ? Icons.folderOpen(15) : Icons.folder(15)}</span>
              ) : (
                <FileIcon name={entry.name} />
              )}
              <span className={`tree-row__name${decoration ? ` git--${decoration.mark}` : ''}`}>{entry.name}</span>
              {entry.binary && (
                <span className="tree-row__binary" title="Binary by content: not opened as text, not shared">
                  binary
                </span>
              )}
              {dirty && <span className="tree-row__dirty">●</span>}
              {decoration && decoration.mark !== 'ignored' && (
                <span className={`tree-row__git git--${decoration.mark}`} data-testid="git-decoration">
                  {decoration.letter || '•'}
                </span>
              )}
              {row.loading && <span className="tree-row__spinner" />}
            </div>
          );
        })}
      </div>
      {menu && <ContextMenu x={menu.x} y={menu.y} items={menuItems(menu.entry)} onClose={closeMenu} />}
    </div>
  );
}

const rowId = (path: string) => `tree-row-${encodeURIComponent(path)}`;
