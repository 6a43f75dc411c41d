// The activity bar: the explorer and every feature view; a click shows the view or collapses its area.
import type { ViewContribution } from './contributions';
import { EXPLORER_VIEW, type WorkbenchController } from './controller';
import { FeatureIcon, Icons } from './icons';
import { useSelected } from './observable';

export function ActivityBar({ workbench }: { workbench: WorkbenchController }) {
  const sideView = useSelected(workbench.state, (state) => state.sideView);
  const panelView = useSelected(workbench.state, (state) => state.panelView);
  const item = (id: string, title: string, icon: React.ReactNode, active: boolean) => (
    <button
      key={id}
      type="button"
      className={`activity-item${active ? ' activity-item--active' : ''}`}
      title={title}
      aria-label={title}
      aria-pressed={active}
      data-view={id}
      onClick={() => workbench.toggleView(id)}
    >
      {icon}
    </button>
  );
  const featureItem = (view: ViewContribution, active: boolean) =>
    item(view.id, view.title, <FeatureIcon icon={view.icon} />, active);
  return (
    <nav className="activity-bar" aria-label="Views">
      <div className="activity-bar__group">
        {item(
          EXPLORER_VIEW,
          `Explorer (${workbench.shortcutFor('workbench.showExplorer')})`,
          Icons.files(22),
          sideView === EXPLORER_VIEW,
        )}
        {workbench.sideViews.map((view) => featureItem(view, sideView === view.id))}
      </div>
      <div className="activity-bar__group">
        {workbench.panelViews.map((view) => featureItem(view, panelView === view.id))}
      </div>
    </nav>
  );
}
