// The codebase feature: the Search Codebase side-bar view (natural-language search over the engine's local index of
// the open folder), the index's status-bar item, and the palette's Codebase commands. One CodebaseController per
// activation holds the index status for all of them.
import type { Contribution, WorkbenchApi } from '../workbench/contributions';
import { FeatureSlot } from '../workbench/feature-slot';
import { CodebaseStatusItem } from './CodebaseStatusItem';
import { CodebaseView } from './CodebaseView';
import { CodebaseController } from './codebase-controller';
import { CODEBASE_ICON } from './icons';
import './codebase.css';

export const CODEBASE_VIEW = 'codebase';

export function codebaseFeature(): Contribution {
  const controller = new FeatureSlot<CodebaseController>();
  const withController = (run: (codebase: CodebaseController, api: WorkbenchApi) => unknown) => (api: WorkbenchApi) => {
    const codebase = controller.current.value;
    if (codebase) void run(codebase, api);
  };
  /** Shows the view with the keyboard in its query box (also when it was already shown). */
  const showSearch = (api: WorkbenchApi) => {
    api.showView(CODEBASE_VIEW);
    controller.current.value?.focusQuery();
  };
  return {
    id: 'codebase',
    views: [
      {
        id: CODEBASE_VIEW,
        title: 'Search Codebase',
        icon: CODEBASE_ICON,
        location: 'sidebar',
        order: 12,
        component: controller.view((codebase) => <CodebaseView controller={codebase} />),
      },
    ],
    statusItems: [
      {
        id: 'codebase.status',
        align: 'left',
        order: 10,
        component: controller.view((codebase) => <CodebaseStatusItem controller={codebase} />),
      },
    ],
    commands: [
      { id: 'codebase.search', title: 'Codebase: Search', run: showSearch },
      { id: 'codebase.pause', title: 'Codebase: Pause Indexing', run: withController((codebase) => codebase.pause()) },
      {
        id: 'codebase.resume',
        title: 'Codebase: Resume Indexing',
        run: withController((codebase) => codebase.resume()),
      },
      {
        id: 'codebase.rebuild',
        title: 'Codebase: Rebuild Index',
        run: withController((codebase) => codebase.rebuild()),
      },
      {
        id: 'codebase.setModel',
        title: 'Codebase: Set Embedding Model…',
        run: withController((codebase, api) => {
          api.showView(CODEBASE_VIEW);
          codebase.toggleModelForm(true);
        }),
      },
    ],
    activate: (api) => controller.fill(() => new CodebaseController(api)),
  };
}
