// The Outline: the active file's document symbols in a side view (the same ones quick open's `@` lists).
import type { Contribution } from '../workbench/contributions';
import { lazyComponent } from '../workbench/lazy';

// the view, its controller and CSS load when the Outline is first shown
const OutlineView = lazyComponent('Outline', () => import('./OutlineView').then((module) => module.OutlineView));

/** A bulleted list. */
const OUTLINE_ICON =
  '<svg viewBox="0 0 24 24" width="22" height="22" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"><path d="M9 6h11M12 12h8M12 18h8"/><circle cx="5" cy="6" r="1.3"/><circle cx="8" cy="12" r="1.3"/><circle cx="8" cy="18" r="1.3"/></svg>';

export const OUTLINE_VIEW_ID = 'outline';

export function outlineFeature(): Contribution {
  return {
    id: 'outline',
    views: [
      {
        id: OUTLINE_VIEW_ID,
        title: 'Outline',
        icon: OUTLINE_ICON,
        location: 'sidebar',
        order: 15,
        component: OutlineView,
      },
    ],
    commands: [{ id: 'outline.focus', title: 'View: Show Outline', run: (api) => api.showView(OUTLINE_VIEW_ID) }],
  };
}
