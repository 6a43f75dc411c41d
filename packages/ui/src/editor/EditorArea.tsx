// The editor area: the split editor's groups, side by side or stacked with a sash between them. Each group has its
// tabs (dirty marker, preview and pinned tabs, close, middle-click close, the tab context menu, drag to reorder or
// to another group, drop on a group's edge to split), the path breadcrumbs, the warning bar for files changed on
// disk while modified, and its own Monaco editor showing its active file — or, for the tab of an editor a feature
// contributed (settings, a preview), that editor's component instead.

import { errorMessage } from '@pa/shared';
import {
  Component,
  type DragEvent,
  type ErrorInfo,
  Fragment,
  type ReactNode,
  useCallback,
  useEffect,
  useRef,
  useState,
} from 'react';
import { baseName } from '../explorer/tree';
import { decorationFor, type GitDecoration, gitDecorations } from '../scm/decorations';
import { ContextMenu, type MenuItem } from '../workbench/ContextMenu';
import type { WorkbenchController } from '../workbench/controller';
import type { SplitSide } from '../workbench/editor-groups';
import { type EditorTab, isFileTab, parseEditorTab } from '../workbench/editor-input';
import { FileIcon } from '../workbench/file-icon';
import { FeatureIcon, Icons, Logo } from '../workbench/icons';
import { useObservable, useSelected } from '../workbench/observable';
import { Sash } from '../workbench/Sash';
import { emptyTabs, type TabsState } from '../workbench/tabs';
import { DiffView } from './DiffView';
import { DiffEditorOverlay } from './diff-editor';
import { monaco } from './monaco';
import './editor.css';
import { followEditorSettings } from '../settings/editor-options';

interface BarAction {
  label: string;
  /** The bar's main answer (a filled button); the others are secondary. */
  primary?: boolean;
  run: () => unknown;
}

/** A warning about the active file under its breadcrumbs, with the answers the user can give. */
function WarningBar({ text, actions }: { text: string; actions: BarAction[] }) {
  return (
    <div className="disk-warning" role="alert">
      {Icons.warning(15)}
      <span className="disk-warning__text">{text}</span>
      {actions.map((action) => (
        <button
          key={action.label}
          type="button"
          className={action.primary ? 'button button--small' : 'button button--small button--secondary'}
          onClick={() => void action.run()}
        >
          {action.label}
        </button>
      ))}
    </div>
  );
}

export function EditorArea({ workbench }: { workbench: WorkbenchController }) {
  const groups = useSelected(workbench.state, (state) => state.groups);
  const container = useRef<HTMLDivElement>(null);
  const across = groups.orientation === 'row';
  const total = () => {
    const box = container.current?.getBoundingClientRect();
    return (across ? box?.width : box?.height) ?? 1;
  };
  return (
    <div ref={container} className={`editor-groups editor-groups--${groups.orientation}`}>
      {groups.groups.map((group, index) => (
        <Fragment key={group.id}>
          {index > 0 && (
            <Sash
              axis={across ? 'x' : 'y'}
              width={(groups.sizes[index - 1] ?? 0) * total()}
              min={0}
              max={((groups.sizes[index - 1] ?? 0) + (groups.sizes[index] ?? 0)) * total()}
              onResize={(pixels) => {
                // the sash moves the border between this group and the one before it; the others keep their share
                const pair = (groups.sizes[index - 1] ?? 0) + (groups.sizes[index] ?? 0);
                const before = Math.min(pair, pixels / total());
                const sizes = [...groups.sizes];
                sizes[index - 1] = before;
                sizes[index] = pair - before;
                workbench.resizeGroups(sizes);
              }}
            />
          )}
          <EditorGroupView
            workbench={workbench}
            id={group.id}
            share={groups.sizes[index] ?? 1}
            only={groups.groups.length === 1}
          />
        </Fragment>
      ))}
    </div>
  );
}

/** One group of the split editor: its tabs, the active file's breadcrumbs and warnings, and its own Monaco editor. */
function EditorGroupView(props: { workbench: WorkbenchController; id: number; share: number; only: boolean }) {
  const { workbench, id } = props;
  const tabs = useSelected(
    workbench.state,
    (state) => state.groups.groups.find((group) => group.id === id)?.tabs ?? emptyTabs,
  );
  const isActiveGroup = useSelected(workbench.state, (state) => state.groups.active === id);
  const diskWarnings = useSelected(workbench.state, (state) => state.diskWarnings);
  const diskCompare = useSelected(workbench.state, (state) => state.diskCompare);
  const editorTab = tabs.active ? parseEditorTab(tabs.active) : null;
  // the disk warnings and the breadcrumbs are a file's; a contributed editor's tab has neither
  const active = editorTab ? null : tabs.active;
  const warning = active ? diskWarnings[active] : undefined;
  return (
    <div
      className={`editor-area${isActiveGroup && !props.only ? ' editor-area--active' : ''}`}
      style={{ flex: `${props.share} 1 0` }}
      data-group={id}
      onMouseDownCapture={() => workbench.focusGroup(id)}
    >
      {tabs.tabs.length > 0 && <TabStrip workbench={workbench} group={id} tabs={tabs} />}
      {active && <Breadcrumbs path={active} />}
      {active && warning === 'backupChanged' && (
        <WarningBar
          text={`${baseName(active)} changed on disk after your unsaved changes in it were backed up. Keep your version (saving asks before it overwrites the disk) or discard it and load the disk's.`}
          actions={[
            diskCompare?.path === active
              ? { label: 'Hide comparison', run: () => workbench.closeCompare() }
              : { label: 'Compare', run: () => workbench.compareWithDisk(active) },
            { label: 'Keep mine', run: () => workbench.keepMine(active) },
            { label: 'Discard mine', primary: true, run: () => workbench.discardBackup(active) },
          ]}
        />
      )}
      {active && warning === 'backupChanged' && diskCompare?.path === active && (
        <section className="disk-compare" aria-label={`${baseName(active)}: on disk against your unsaved version`}>
          <div className="disk-compare__header">
            <span>On disk</span>
            <span aria-hidden="true">→</span>
            <span>Your unsaved version</span>
          </div>
          <DiffView
            path={active}
            before={diskCompare.disk}
            after={workbench.documents.get(active)?.model.getValue() ?? ''}
            className="disk-compare__diff"
            maxLines={16}
          />
        </section>
      )}
      {active && warning === 'changed' && (
        <WarningBar
          text={`${baseName(active)} was changed on disk. You have unsaved changes in the editor.`}
          actions={[
            { label: 'Reload', primary: true, run: () => workbench.reloadFromDisk(active) },
            { label: 'Keep mine', run: () => workbench.keepMine(active) },
          ]}
        />
      )}
      {active && warning === 'deleted' && (
        <WarningBar
          text={`${baseName(active)} was deleted on disk. Saving will create it again.`}
          actions={[{ label: 'Keep mine', run: () => workbench.keepMine(active) }]}
        />
      )}
      {active && workbench.documents.get(active)?.binary && (
        <div className="disk-warning disk-warning--info" role="status">
          {Icons.info(15)}
          <span className="disk-warning__text">
            {baseName(active)} is a binary file. It is not shown, and the editor will not change it.
          </span>
        </div>
      )}
      <div className="editor-area__body">
        <MonacoHost workbench={workbench} group={id} />
        {isActiveGroup && <DiffEditorOverlay active={active} />}
        {editorTab && <ContributedEditor workbench={workbench} tab={editorTab} />}
        {!tabs.active && props.only && <EmptyEditor workbench={workbench} />}
        <DropTarget workbench={workbench} group={id} />
      </div>
    </div>
  );
}

/** What a dragged tab carries: its group and path (read back on drop, and checked: the tab must be open there). */
const TAB_MIME = 'application/x-pa-editor-tab';

function draggedTab(event: DragEvent): { group: number; path: string } | null {
  try {
    const value: unknown = JSON.parse(event.dataTransfer.getData(TAB_MIME) || 'null');
    if (typeof value !== 'object' || value === null) return null;
    const { group, path } = value as { group?: unknown; path?: unknown };
    return typeof group === 'number' && typeof path === 'string' ? { group, path } : null;
  } catch {
    return null; // not one of our tabs (a file from the desktop, text from another page)
  }
}

const isTabDrag = (event: DragEvent) => event.dataTransfer.types.includes(TAB_MIME);

type DropZone = SplitSide | 'center';

/** Which part of a group a pointer is over: its outer quarter on a side splits there, the middle joins the group. */
function dropZone(event: DragEvent<HTMLElement>): DropZone {
  const box = event.currentTarget.getBoundingClientRect();
  const x = (event.clientX - box.left) / box.width;
  const y = (event.clientY - box.top) / box.height;
  const edges: Array<[SplitSide, number]> = [
    ['left', x],
    ['right', 1 - x],
    ['up', y],
    ['down', 1 - y],
  ];
  const [side, distance] = edges.reduce((nearest, edge) => (edge[1] < nearest[1] ? edge : nearest));
  return distance < 0.25 ? side : 'center';
}

/**
 * Over a group's editor while a tab is dragged: the overlay shows where it would go (the half it would split off,
 * or the whole group), as VS Code's drop overlay does.
 */
function DropTarget({ workbench, group }: { workbench: WorkbenchController; group: number }) {
  const [zone, setZone] = useState<DropZone | null>(null);
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    const arm = (event: globalThis.DragEvent) => setArmed(event.dataTransfer?.types.includes(TAB_MIME) ?? false);
    const disarm = () => {
      setArmed(false);
      setZone(null);
    };
    window.addEventListener('dragstart', arm);
    window.addEventListener('dragend', disarm);
    window.addEventListener('drop', disarm);
    return () => {
      window.removeEventListener('dragstart', arm);
      window.removeEventListener('dragend', disarm);
      window.removeEventListener('drop', disarm);
    };
  }, []);
  if (!armed) return null;
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a drop target for a dragged tab; keys move tabs by command
    <div
      className="editor-drop"
      data-testid={`drop-${group}`}
      onDragOver={(event) => {
        if (!isTabDrag(event)) return;
        event.preventDefault();
        setZone(dropZone(event));
      }}
      onDragLeave={() => setZone(null)}
      onDrop={(event) => {
        const tab = draggedTab(event);
        const where = dropZone(event);
        setZone(null);
        if (!tab) return;
        event.preventDefault();
        // a tab dropped back on the middle of its own group stays where it was
        if (where === 'center' && tab.group === group) return;
        if (where === 'center') workbench.moveTab(tab.path, undefined, tab.group, group);
        else workbench.splitEditor(where, { group: tab.group, path: tab.path, move: true, beside: group });
      }}
    >
      {zone && <div className={`editor-drop__overlay editor-drop__overlay--${zone}`} />}
    </div>
  );
}

function TabStrip({ workbench, group, tabs }: { workbench: WorkbenchController; group: number; tabs: TabsState }) {
  const git = useObservable(gitDecorations);
  const activeRef = useRef<HTMLDivElement>(null);
  const [menu, setMenu] = useState<{ x: number; y: number; path: string } | null>(null);
  const [dropAt, setDropAt] = useState<number | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);
  // the active tab scrolled into the strip's view when it changes (not on every render: each call forces a layout),
  // by the strip's own scroll only (scrollIntoView would also scroll every scrollable ancestor)
  const activeKey =
    tabs.active === null
      ? null
      : `${tabs.active}:${tabs.tabs.findIndex((tab) => tab.path === tabs.active)}:${tabs.tabs.length}`;
  useEffect(() => {
    if (activeKey === null) return;
    const tab = activeRef.current;
    const strip = tab?.parentElement;
    if (!tab || !strip) return;
    const box = tab.getBoundingClientRect();
    const view = strip.getBoundingClientRect();
    if (box.left < view.left) strip.scrollLeft -= view.left - box.left;
    else if (box.right > view.right) strip.scrollLeft += box.right - view.right;
  }, [activeKey]);
  const dropOn = (event: DragEvent, index: number | undefined) => {
    const tab = draggedTab(event);
    setDropAt(null);
    if (!tab) return;
    event.preventDefault();
    event.stopPropagation();
    workbench.moveTab(tab.path, index, tab.group, group);
  };
  const over = (event: DragEvent, index: number) => {
    if (!isTabDrag(event)) return;
    event.preventDefault();
    setDropAt(index);
  };
  return (
    <div className="tabs-bar">
      <div className="tabs" role="tablist" onDragLeave={() => setDropAt(null)}>
        {tabs.tabs.map((tab, index) => {
          const isActive = tab.path === tabs.active;
          const title = workbench.tabTitle(tab.path);
          return (
            <div
              key={tab.path}
              ref={isActive ? activeRef : undefined}
              role="tab"
              aria-selected={isActive}
              data-path={tab.path}
              title={tab.path}
              tabIndex={0}
              draggable
              className={[
                'tab',
                isActive && 'tab--active',
                tab.dirty && 'tab--dirty',
                tab.preview && 'tab--preview',
                tab.pinned && 'tab--pinned',
                dropAt === index && 'tab--drop',
              ]
                .filter(Boolean)
                .join(' ')}
              onMouseDown={(event) => {
                if (event.button === 0) workbench.activateTab(tab.path, group);
                if (event.button === 1) event.preventDefault(); // no autoscroll on middle click
              }}
              onDoubleClick={() => workbench.keepTab(tab.path, group)}
              onAuxClick={(event) => {
                if (event.button === 1) void workbench.closeTab(tab.path, group);
              }}
              onKeyDown={(event) => {
                if (event.key === 'Enter') workbench.activateTab(tab.path, group);
              }}
              onContextMenu={(event) => {
                event.preventDefault();
                setMenu({ x: event.clientX, y: event.clientY, path: tab.path });
              }}
              onDragStart={(event) => {
                event.dataTransfer.setData(TAB_MIME, JSON.stringify({ group, path: tab.path }));
                event.dataTransfer.effectAllowed = 'move';
              }}
              onDragOver={(event) => over(event, index)}
              onDrop={(event) => dropOn(event, index)}
            >
              <TabLabel workbench={workbench} path={tab.path} decoration={decorationFor(git, tab.path)} />
              {tab.pinned ? (
                <button
                  type="button"
                  className="icon-button tab__close tab__pin"
                  aria-label={`Unpin ${title}`}
                  title="Unpin"
                  onMouseDown={(event) => event.stopPropagation()}
                  onClick={() => workbench.pinTab(tab.path, false, group)}
                >
                  {tab.dirty ? <span className="tab__dirty">●</span> : Icons.pin(13)}
                </button>
              ) : (
                <button
                  type="button"
                  className="icon-button tab__close"
                  aria-label={tab.dirty ? `${title} has unsaved changes; close` : `Close ${title}`}
                  onMouseDown={(event) => event.stopPropagation()}
                  onClick={() => void workbench.closeTab(tab.path, group)}
                >
                  <span className="tab__dirty">●</span>
                  <span className="tab__x">{Icons.close(13)}</span>
                </button>
              )}
            </div>
          );
        })}
        {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target for a dragged tab (to the end) */}
        <div
          className={`tabs__filler${dropAt === tabs.tabs.length ? ' tabs__filler--drop' : ''}`}
          onDragOver={(event) => over(event, tabs.tabs.length)}
          onDrop={(event) => dropOn(event, undefined)}
        />
      </div>
      <div className="tabs-bar__actions">
        <button
          type="button"
          className="icon-button"
          aria-label="Split Editor Right"
          title={`Split Editor Right (${workbench.shortcutFor('workbench.splitEditorRight') ?? ''})`}
          onClick={() => workbench.splitEditor('right', { group })}
        >
          {Icons.splitRight(16)}
        </button>
      </div>
      {menu && (
        <ContextMenu x={menu.x} y={menu.y} items={tabMenu(workbench, group, tabs, menu.path)} onClose={closeMenu} />
      )}
    </div>
  );
}

/** The tab context menu, as VS Code lays it out. */
function tabMenu(workbench: WorkbenchController, group: number, tabs: TabsState, path: string): MenuItem[] {
  const tab = tabs.tabs.find((candidate) => candidate.path === path);
  const isFile = isFileTab(path);
  const items: MenuItem[] = [
    { id: 'close', label: 'Close', run: () => void workbench.closeTab(path, group) },
    { id: 'closeOthers', label: 'Close Others', run: () => void workbench.closeTabs('others', path, group) },
    { id: 'closeRight', label: 'Close to the Right', run: () => void workbench.closeTabs('right', path, group) },
    { id: 'closeSaved', label: 'Close Saved', run: () => void workbench.closeTabs('saved', path, group) },
    { id: 'closeAll', label: 'Close All', run: () => void workbench.closeTabs('all', path, group) },
  ];
  if (isFile) {
    items.push(
      {
        id: 'copyPath',
        label: 'Copy Path',
        separatorBefore: true,
        run: () => void navigator.clipboard?.writeText(workbench.tabPath(path, false)),
      },
      {
        id: 'copyRelativePath',
        label: 'Copy Relative Path',
        run: () => void navigator.clipboard?.writeText(workbench.tabPath(path, true)),
      },
      {
        id: 'reveal',
        label: 'Reveal in Explorer View',
        separatorBefore: true,
        run: () => workbench.revealInExplorer(path, group),
      },
    );
  }
  items.push(
    {
      id: 'pin',
      label: tab?.pinned ? 'Unpin' : 'Pin',
      separatorBefore: true,
      run: () => workbench.pinTab(path, !tab?.pinned, group),
    },
    {
      id: 'splitRight',
      label: 'Split Right',
      separatorBefore: true,
      run: () => workbench.splitEditor('right', { group, path }),
    },
    { id: 'splitDown', label: 'Split Down', run: () => workbench.splitEditor('down', { group, path }) },
  );
  return items;
}

/** A file's icon and name, or a contributed editor's icon and title. */
function TabLabel(props: { workbench: WorkbenchController; path: string; decoration: GitDecoration | null }) {
  const tab = parseEditorTab(props.path);
  if (!tab) {
    return (
      <>
        <FileIcon name={baseName(props.path)} />
        <GitTabName name={baseName(props.path)} decoration={props.decoration} />
      </>
    );
  }
  const icon = props.workbench.editors.get(tab.editorId)?.icon;
  return (
    <>
      {icon ? <FeatureIcon icon={icon} size={14} /> : <FileIcon name={tab.resource} />}
      <span className="tab__name">{props.workbench.tabTitle(props.path)}</span>
    </>
  );
}

/** The tab's name in its git colour, with the letter after it (M, A, U, …), as VS Code's tabs show it. */
function GitTabName({ name, decoration }: { name: string; decoration: GitDecoration | null }) {
  if (!decoration) return <span className="tab__name">{name}</span>;
  return (
    <>
      <span className={`tab__name git--${decoration.mark}`}>{name}</span>
      {decoration.letter && <span className={`tab__git git--${decoration.mark}`}>{decoration.letter}</span>}
    </>
  );
}

function Breadcrumbs({ path }: { path: string }) {
  const parts = path.split('/');
  return (
    <div className="breadcrumbs">
      {parts.map((part, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: path segments are positional
        <span key={index} className="breadcrumbs__part">
          {index === parts.length - 1 && <FileIcon name={part} />}
          <span className={index === parts.length - 1 ? 'breadcrumbs__file' : undefined}>{part}</span>
          {index < parts.length - 1 && <span className="breadcrumbs__sep">{Icons.chevronRight()}</span>}
        </span>
      ))}
    </div>
  );
}

/** The component of the editor a feature contributed, over the (empty) Monaco host; a crash stays inside it. */
function ContributedEditor({ workbench, tab }: { workbench: WorkbenchController; tab: EditorTab }) {
  const editor = workbench.editors.get(tab.editorId);
  const path = `${tab.editorId}/${tab.resource}`;
  return (
    <div className="contributed-editor" data-editor={tab.editorId}>
      {editor ? (
        <EditorBoundary key={path} title={workbench.tabTitle(`/${path}`)}>
          <editor.component resource={tab.resource} />
        </EditorBoundary>
      ) : (
        <div className="contributed-editor__error">The feature that showed this tab is no longer installed.</div>
      )}
    </div>
  );
}

class EditorBoundary extends Component<{ title: string; children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: unknown } {
    return { error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error(`${this.props.title} failed:`, error, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error === null) return this.props.children;
    return (
      <div className="contributed-editor__error" role="alert">
        {this.props.title} could not be shown: {errorMessage(this.state.error)} Close the tab and open it again.
      </div>
    );
  }
}

function MonacoHost({ workbench, group }: { workbench: WorkbenchController; group: number }) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!container.current) return;
    const editor = monaco.editor.create(container.current, {
      model: null,
      theme: 'pa-dark',
      automaticLayout: true,
      // one source of truth for the code font: theme.css
      fontFamily: getComputedStyle(document.documentElement).getPropertyValue('--font-mono').trim() || 'monospace',
      fontSize: 13.5,
      lineHeight: 21,
      fontLigatures: true,
      minimap: { enabled: true, renderCharacters: false, scale: 1, maxColumn: 80 },
      scrollBeyondLastLine: false,
      smoothScrolling: true,
      cursorBlinking: 'smooth',
      cursorSmoothCaretAnimation: 'on',
      renderLineHighlight: 'all',
      padding: { top: 10, bottom: 10 },
      bracketPairColorization: { enabled: true },
      guides: { indentation: true, bracketPairs: false },
      stickyScroll: { enabled: true },
      scrollbar: { verticalScrollbarSize: 12, horizontalScrollbarSize: 12, useShadows: false },
      overviewRulerBorder: false,
      fixedOverflowWidgets: true,
    });
    const stopSettings = followEditorSettings(workbench.settings.effective, editor);
    const subscriptions = [
      editor.onDidChangeCursorSelection(() => workbench.updateCursor()),
      editor.onDidChangeModel(() => workbench.updateCursor()),
      // typing goes where the keyboard is: a focused editor's group is the active one
      editor.onDidFocusEditorText(() => workbench.focusGroup(group)),
    ];
    workbench.attachEditor(group, editor);
    return () => {
      workbench.attachEditor(group, null);
      stopSettings();
      for (const subscription of subscriptions) subscription.dispose();
      editor.dispose();
    };
  }, [workbench, group]);
  return <div ref={container} className="monaco-host" data-testid="editor" />;
}

function EmptyEditor({ workbench }: { workbench: WorkbenchController }) {
  const hints: Array<[string, string]> = [
    ['Go to File', 'workbench.quickOpen'],
    ['Show All Commands', 'workbench.commandPalette'],
    ['Open Folder', 'workbench.openFolder'],
    ['Toggle Side Bar', 'workbench.toggleSidebar'],
  ];
  return (
    <div className="editor-empty">
      <div className="editor-empty__logo" aria-hidden="true">
        <Logo size={88} />
      </div>
      <dl className="editor-empty__hints">
        {hints.map(([label, command]) => (
          <div key={command} className="editor-empty__hint">
            <dt>{label}</dt>
            <dd>
              <kbd>{workbench.shortcutFor(command)}</kbd>
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
