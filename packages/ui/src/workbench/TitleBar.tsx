// The title bar: the product mark, a command-center button that opens quick open, and the layout toggles.
// It is also the window's drag area when Electron draws the window without a native frame.
import { useEffect } from 'react';
import type { WorkbenchController } from './controller';
import { Icons, Logo } from './icons';
import { useSelected } from './observable';

export function TitleBar({ workbench }: { workbench: WorkbenchController }) {
  const workspace = useSelected(workbench.state, (state) => state.workspace);
  const tabs = useSelected(workbench.state, (state) => state.tabs);
  const sideView = useSelected(workbench.state, (state) => state.sideView);
  const panelView = useSelected(workbench.state, (state) => state.panelView);
  const activeName = tabs.active ? workbench.tabTitle(tabs.active) : null;

  useEffect(() => {
    const parts = [
      activeName && (tabs.tabs.find((tab) => tab.path === tabs.active)?.dirty ? `● ${activeName}` : activeName),
      workspace?.name,
      'ClaudeEditor',
    ];
    document.title = parts.filter(Boolean).join(' — ');
  }, [activeName, tabs, workspace]);

  return (
    <header className="title-bar">
      <div className="title-bar__left">
        <span className="title-bar__logo">
          <Logo size={16} />
        </span>
        <span className="title-bar__app">ClaudeEditor</span>
      </div>
      <button
        type="button"
        className="command-center"
        onClick={() => workbench.runCommand(workspace ? 'workbench.quickOpen' : 'workbench.commandPalette')}
      >
        {Icons.search(14)}
        <span className="command-center__label">{workspace ? `Search ${workspace.name}` : 'Search commands'}</span>
        <kbd>{workbench.shortcutFor(workspace ? 'workbench.quickOpen' : 'workbench.commandPalette')}</kbd>
      </button>
      <div className="title-bar__right">
        <button
          type="button"
          className={`icon-button${sideView ? ' icon-button--on' : ''}`}
          title={`Toggle Side Bar (${workbench.shortcutFor('workbench.toggleSidebar')})`}
          onClick={() => workbench.runCommand('workbench.toggleSidebar')}
        >
          {Icons.layoutSidebar(16)}
        </button>
        <button
          type="button"
          className={`icon-button${panelView ? ' icon-button--on' : ''}`}
          title={`Toggle Panel (${workbench.shortcutFor('workbench.togglePanel')})`}
          disabled={workbench.panelViews.length === 0}
          onClick={() => workbench.runCommand('workbench.togglePanel')}
        >
          {Icons.layoutPanel(16)}
        </button>
      </div>
    </header>
  );
}
