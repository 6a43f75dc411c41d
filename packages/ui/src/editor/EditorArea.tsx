// The editor area: tabs (dirty marker, close, middle-click close, drag to reorder), the path breadcrumbs,
// the warning bar for files changed on disk while modified, and the one Monaco editor that shows the active file —
// or, for the tab of an editor a feature contributed (settings, a preview), that editor's component instead.

import { errorMessage } from '@pa/shared';
import { Component, type ErrorInfo, type ReactNode, useEffect, useRef, useState } from 'react';
import { baseName } from '../explorer/tree';
import { decorationFor, type GitDecoration, gitDecorations } from '../scm/decorations';
import type { WorkbenchController } from '../workbench/controller';
import { type EditorTab, parseEditorTab } from '../workbench/editor-input';
import { FileIcon } from '../workbench/file-icon';
import { FeatureIcon, Icons, Logo } from '../workbench/icons';
import { useObservable, useSelected } from '../workbench/observable';
import { DiffView } from './DiffView';
import { DiffEditorOverlay } from './diff-editor';
import { monaco } from './monaco';
import './editor.css';

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
  const tabs = useSelected(workbench.state, (state) => state.tabs);
  const diskWarnings = useSelected(workbench.state, (state) => state.diskWarnings);
  const diskCompare = useSelected(workbench.state, (state) => state.diskCompare);
  const editorTab = tabs.active ? parseEditorTab(tabs.active) : null;
  // the disk warnings and the breadcrumbs are a file's; a contributed editor's tab has neither
  const active = editorTab ? null : tabs.active;
  const warning = active ? diskWarnings[active] : undefined;
  return (
    <div className="editor-area">
      {tabs.tabs.length > 0 && <TabStrip workbench={workbench} />}
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
        <MonacoHost workbench={workbench} />
        <DiffEditorOverlay active={active} />
        {editorTab && <ContributedEditor workbench={workbench} tab={editorTab} />}
        {!tabs.active && <EmptyEditor workbench={workbench} />}
      </div>
    </div>
  );
}

function TabStrip({ workbench }: { workbench: WorkbenchController }) {
  const tabs = useSelected(workbench.state, (state) => state.tabs);
  const [dragging, setDragging] = useState<string | null>(null);
  const git = useObservable(gitDecorations);
  const activeRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    activeRef.current?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  });
  return (
    <div className="tabs" role="tablist">
      {tabs.tabs.map((tab, index) => {
        const isActive = tab.path === tabs.active;
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
            className={`tab${isActive ? ' tab--active' : ''}${tab.dirty ? ' tab--dirty' : ''}`}
            onMouseDown={(event) => {
              if (event.button === 0) workbench.activateTab(tab.path);
              if (event.button === 1) event.preventDefault(); // no autoscroll on middle click
            }}
            onAuxClick={(event) => {
              if (event.button === 1) void workbench.closeTab(tab.path);
            }}
            onKeyDown={(event) => {
              if (event.key === 'Enter') workbench.activateTab(tab.path);
            }}
            onDragStart={() => setDragging(tab.path)}
            onDragEnd={() => setDragging(null)}
            onDragOver={(event) => event.preventDefault()}
            onDrop={() => {
              if (dragging) workbench.moveTab(dragging, index);
            }}
          >
            <TabLabel workbench={workbench} path={tab.path} decoration={decorationFor(git, tab.path)} />
            <button
              type="button"
              className="icon-button tab__close"
              aria-label={
                tab.dirty
                  ? `${workbench.tabTitle(tab.path)} has unsaved changes; close`
                  : `Close ${workbench.tabTitle(tab.path)}`
              }
              onMouseDown={(event) => event.stopPropagation()}
              onClick={() => void workbench.closeTab(tab.path)}
            >
              <span className="tab__dirty">●</span>
              <span className="tab__x">{Icons.close(13)}</span>
            </button>
          </div>
        );
      })}
      <div className="tabs__filler" />
    </div>
  );
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

function MonacoHost({ workbench }: { workbench: WorkbenchController }) {
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
    const subscriptions = [
      editor.onDidChangeCursorSelection(() => workbench.updateCursor()),
      editor.onDidChangeModel(() => workbench.updateCursor()),
    ];
    workbench.attachEditor(editor);
    return () => {
      workbench.attachEditor(null);
      for (const subscription of subscriptions) subscription.dispose();
      editor.dispose();
    };
  }, [workbench]);
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
