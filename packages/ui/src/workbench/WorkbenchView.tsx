// The workbench layout: activity bar, side bar, editor area over the bottom panel, right-hand panel and status bar,
// plus the overlays.
// It owns the controller for the window's life, activates the features and routes key bindings to commands.
import { useEffect, useState } from 'react';
import type { EngineConnection } from '../client/connection';
import { useEngine } from '../client/engine';
import { EditorArea } from '../editor/EditorArea';
import { Explorer } from '../explorer/Explorer';
import { features } from '../features';
import { CommandPalette } from '../quickopen/CommandPalette';
import { QuickOpen } from '../quickopen/QuickOpen';
import { Welcome } from '../workspace/Welcome';
import { ActivityBar } from './ActivityBar';
import { type ViewContribution, WorkbenchContext } from './contributions';
import { EXPLORER_VIEW, WorkbenchController } from './controller';
import { DialogHost, Toasts } from './Dialogs';
import { Icons } from './icons';
import { LAYOUT_LIMITS } from './layout';
import { lazyComponent } from './lazy';
import { useSelected } from './observable';
import { Sash } from './Sash';
import { StatusBar } from './StatusBar';
import { TitleBar } from './TitleBar';
import './workbench.css';

// browser mode's Open Folder dialog and its folder browser load when it first opens
const OpenFolderDialog = lazyComponent(
  'Open Folder',
  () => import('../workspace/OpenFolderDialog').then((module) => module.OpenFolderDialog),
  { overlay: { dismiss: ({ workbench }) => workbench.patch({ overlay: null }) } },
);

export function WorkbenchView({ connection }: { connection: EngineConnection }) {
  const { client, state: connectionState } = useEngine();
  const [workbench] = useState(() => new WorkbenchController(client, connection.bridge, features));
  const workspace = useSelected(workbench.state, (state) => state.workspace);
  const ready = useSelected(workbench.state, (state) => state.ready);
  const sideView = useSelected(workbench.state, (state) => state.sideView);
  const panelView = useSelected(workbench.state, (state) => state.panelView);
  const overlay = useSelected(workbench.state, (state) => state.overlay);
  const sideWidth = useSelected(workbench.state, (state) => state.sideWidth);
  const panelWidth = useSelected(workbench.state, (state) => state.panelWidth);
  const bottomView = useSelected(workbench.state, (state) => state.bottomView);
  const bottomHeight = useSelected(workbench.state, (state) => state.bottomHeight);

  useEffect(() => {
    const started = workbench.start();
    return () => started.dispose();
  }, [workbench]);

  // After a reconnect the engine may be a new process: ask again which folder is open, and hand it the backups
  // of the unsaved buffers (it may have missed the last ones, or the page kept them while it was away).
  useEffect(() => {
    if (connectionState === 'connected' && workbench.state.value.ready)
      void workbench.refreshWorkspace().then(() => workbench.hotExit.handOver().catch(() => undefined));
  }, [connectionState, workbench]);

  // Browser mode: closing or reloading the tab keeps the unsaved edits (hot exit: copied to the page's storage,
  // which the next page hands to the engine); it asks first only when that copy could not be made. (Electron's
  // main process handles its own window close; a beforeunload veto there would silently keep the window open.)
  useEffect(() => {
    if (connection.bridge) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (workbench.hotExit.flushToPage()) return;
      if (workbench.state.value.tabs.tabs.some((tab) => tab.dirty)) event.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [workbench, connection.bridge]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      if (workbench.handleKey(event)) {
        event.preventDefault();
        event.stopPropagation();
      }
    };
    // capture phase: the workbench's bindings win over Monaco's and the browser's (Ctrl+P would print)
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [workbench]);

  const statusItems = features.flatMap((feature) => feature.statusItems ?? []);
  const sideFeature = workbench.sideViews.find((view) => view.id === sideView);
  const panelFeature = workbench.panelViews.find((view) => view.id === panelView);
  const bottomFeature = workbench.bottomViews.find((view) => view.id === bottomView);

  return (
    <WorkbenchContext.Provider value={workbench.api}>
      <div className="workbench">
        <TitleBar workbench={workbench} />
        <div className="workbench__main">
          <ActivityBar workbench={workbench} />
          {workspace && sideView && (
            <>
              <aside className="side-bar" style={{ width: sideWidth }} aria-label="Side bar">
                {sideView === EXPLORER_VIEW ? (
                  <Explorer workbench={workbench} />
                ) : sideFeature ? (
                  <FeatureView title={sideFeature.title}>
                    <sideFeature.component />
                  </FeatureView>
                ) : null}
              </aside>
              <Sash
                width={sideWidth}
                onResize={(width) => workbench.patch({ sideWidth: width })}
                {...LAYOUT_LIMITS.side}
              />
            </>
          )}
          {!workspace && sideView && sideFeature && (
            <aside className="side-bar" style={{ width: sideWidth }} aria-label="Side bar">
              <FeatureView title={sideFeature.title}>
                <sideFeature.component />
              </FeatureView>
            </aside>
          )}
          <main className="workbench__center">
            <div className="workbench__editor">
              {workspace ? <EditorArea workbench={workbench} /> : ready ? <Welcome workbench={workbench} /> : null}
            </div>
            {workspace && bottomFeature && (
              <BottomPanel workbench={workbench} view={bottomFeature} height={bottomHeight} />
            )}
          </main>
          {panelFeature && (
            <>
              <Sash
                width={panelWidth}
                onResize={(width) => workbench.patch({ panelWidth: width })}
                {...LAYOUT_LIMITS.panel}
                fromRight
              />
              <aside className="panel" style={{ width: panelWidth }} aria-label="Panel">
                <PanelTabs
                  views={workbench.panelViews}
                  active={panelFeature.id}
                  onShow={(id) => workbench.showView(id)}
                  hideTitle={`Hide Panel (${workbench.shortcutFor('workbench.togglePanel')})`}
                  onHide={() => workbench.patch({ panelView: null })}
                />
                <div className="panel__body">
                  <panelFeature.component />
                </div>
              </aside>
            </>
          )}
        </div>
        <StatusBar workbench={workbench} connection={connectionState} items={statusItems} />
        {overlay === 'quickOpen' && workspace && <QuickOpen workbench={workbench} />}
        {overlay === 'palette' && <CommandPalette workbench={workbench} />}
        {overlay === 'openFolder' && <OpenFolderDialog workbench={workbench} />}
        <DialogHost workbench={workbench} />
        <Toasts workbench={workbench} />
      </div>
    </WorkbenchContext.Provider>
  );
}

function FeatureView({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className="feature-view">
      <div className="view-header">
        <span className="view-header__title">{title}</span>
      </div>
      <div className="feature-view__body">{children}</div>
    </div>
  );
}

/** The bottom panel (VS Code's): tabs for its views (Terminal, Problems, Output), each kept mounted once shown. */
function BottomPanel({
  workbench,
  view,
  height,
}: {
  workbench: WorkbenchController;
  view: ViewContribution;
  height: number;
}) {
  const [shown, setShown] = useState<string[]>([]);
  useEffect(() => setShown((ids) => (ids.includes(view.id) ? ids : [...ids, view.id])), [view.id]);
  return (
    <>
      <Sash
        axis="y"
        width={height}
        onResize={(next) => workbench.patch({ bottomHeight: next })}
        {...LAYOUT_LIMITS.bottom}
        fromRight
      />
      <section className="bottom-panel" style={{ height }} aria-label="Bottom panel">
        <PanelTabs
          views={workbench.bottomViews}
          active={view.id}
          onShow={(id) => workbench.showView(id)}
          hideTitle="Hide Bottom Panel"
          onHide={() => workbench.patch({ bottomView: null })}
        />
        {workbench.bottomViews
          .filter((each) => shown.includes(each.id) || each.id === view.id)
          .map((each) => (
            <div key={each.id} className="bottom-panel__body" hidden={each.id !== view.id}>
              <each.component />
            </div>
          ))}
      </section>
    </>
  );
}

/** A panel's header: one tab per view (the active one marked) and a button that hides the panel. */
function PanelTabs(props: {
  views: readonly ViewContribution[];
  active: string;
  onShow: (id: string) => void;
  hideTitle: string;
  onHide: () => void;
}) {
  return (
    <div className="view-header">
      <div className="panel__tabs" role="tablist">
        {props.views.map((each) => (
          <button
            key={each.id}
            type="button"
            role="tab"
            aria-selected={each.id === props.active}
            className={`panel__tab${each.id === props.active ? ' panel__tab--active' : ''}`}
            onClick={() => props.onShow(each.id)}
          >
            {each.title}
          </button>
        ))}
      </div>
      <div className="view-header__actions">
        <button type="button" className="icon-button" title={props.hideTitle} onClick={props.onHide}>
          {Icons.close(14)}
        </button>
      </div>
    </div>
  );
}
