// Shown while no folder is open: what the app is, "Open folder", and the recent folders.
import type { WorkbenchController } from '../workbench/controller';
import { Icons, Logo } from '../workbench/icons';
import { RecentList } from './RecentList';
import './workspace.css';

export function Welcome({ workbench }: { workbench: WorkbenchController }) {
  return (
    <div className="welcome">
      <div className="welcome__card">
        <div className="welcome__brand">
          <span className="welcome__mark" aria-hidden="true">
            <Logo size={40} />
          </span>
          <div>
            <h1 className="welcome__title">ClaudeEditor</h1>
            <p className="welcome__subtitle">A fast, private AI code editor. Open a folder to start.</p>
          </div>
        </div>
        <div className="welcome__actions">
          <button type="button" className="button button--large" onClick={() => void workbench.openFolder()}>
            {Icons.folderOpen(16)}
            <span>Open Folder…</span>
            <kbd>{workbench.shortcutFor('workbench.openFolder')}</kbd>
          </button>
        </div>
        <div className="section-label">Recent</div>
        <RecentList workbench={workbench} onOpen={(path) => void workbench.openWorkspace(path)} />
      </div>
    </div>
  );
}
