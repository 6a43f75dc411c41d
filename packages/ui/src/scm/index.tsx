// The source control feature: the Source Control view in the side bar (its ScmController lives as long as the
// feature's activation), the branch item in the status bar, gutter markers and merge conflict lenses in the editor,
// the explorer's and tabs' git decorations (decorations.ts), and commands.
import { DisposableStore } from '@pa/shared';
import type { Contribution } from '../workbench/contributions';
import { FeatureSlot } from '../workbench/feature-slot';
import { BranchStatusItem } from './BranchStatusItem';
import { showConflictLenses } from './conflict-lens';
import { decorationsOf, gitDecorations } from './decorations';
import { showGutterMarkers } from './gutter';
import { ScmView } from './ScmView';
import { ScmController } from './scm-controller';
import './scm.css';

export const SCM_VIEW_ID = 'scm';

/** Three commits on two branches joined: the source control glyph, drawn with the activity bar's stroke style. */
const SCM_ICON =
  '<svg width="22" height="22" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.2" stroke-linecap="round"><circle cx="4.5" cy="3.5" r="1.6"/><circle cx="4.5" cy="12.5" r="1.6"/><circle cx="11.5" cy="5.5" r="1.6"/><path d="M4.5 5.1v5.8M11.5 7.1c0 2.6-2.2 3.2-5.6 4.4"/></svg>';

export function scmFeature(): Contribution {
  const controller = new FeatureSlot<ScmController>();
  const withController = (run: (scm: ScmController) => unknown) => () => {
    const scm = controller.current.value;
    if (scm) void run(scm);
  };
  return {
    id: 'scm',
    views: [
      {
        id: SCM_VIEW_ID,
        title: 'Source Control',
        icon: SCM_ICON,
        location: 'sidebar',
        order: 20,
        component: controller.view((scm) => <ScmView controller={scm} />),
      },
    ],
    statusItems: [
      {
        id: 'scm.branch',
        align: 'left',
        order: 5,
        component: controller.view((scm) => <BranchStatusItem controller={scm} />),
      },
    ],
    commands: [
      {
        id: 'scm.show',
        title: 'Source Control: Show Source Control',
        keybinding: 'Mod+Shift+G',
        run: (api) => api.showView(SCM_VIEW_ID),
      },
      { id: 'git.fetch', title: 'Git: Fetch', run: withController((scm) => scm.sync('fetch')) },
      { id: 'git.pull', title: 'Git: Pull', run: withController((scm) => scm.sync('pull')) },
      { id: 'git.push', title: 'Git: Push', run: withController((scm) => scm.sync('push')) },
      { id: 'git.commit', title: 'Git: Commit', run: withController((scm) => scm.commit()) },
      { id: 'git.commitAmend', title: 'Git: Commit (Amend)', run: withController((scm) => scm.commit(true)) },
      { id: 'git.refresh', title: 'Git: Refresh', run: withController((scm) => scm.refresh()) },
      {
        id: 'git.generateMessage',
        title: 'Git: Generate Commit Message',
        run: withController((scm) => scm.generateMessage()),
      },
    ],
    activate: (api) => {
      const activation = new DisposableStore();
      const gutter = activation.add(showGutterMarkers(api, api.client));
      activation.add(showConflictLenses(api));
      activation.add(controller.fill(() => new ScmController(api)));
      const scm = controller.current.value;
      if (scm) {
        let lastHead: string | null = null;
        const unsubscribe = scm.state.subscribe(() => {
          const { status } = scm.state.value;
          gitDecorations.set(decorationsOf(status));
          const head = status?.repository ? status.branch.oid : null;
          if (head !== lastHead) {
            lastHead = head;
            gutter.refresh(); // a commit or a checkout moved HEAD: the markers compare against the new one
          }
        });
        activation.add({ dispose: unsubscribe });
      }
      return activation;
    },
  };
}
