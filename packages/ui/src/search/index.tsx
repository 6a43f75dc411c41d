// The search feature: the Search side-bar view (find and replace in files, search-controller.ts) and its commands:
// Ctrl/Cmd+Shift+F shows it with the query focused, F4 / Shift+F4 go to the next / previous result.
import type { Contribution } from '../workbench/contributions';
import { FeatureSlot } from '../workbench/feature-slot';
import { SearchView } from './SearchView';
import { SearchController } from './search-controller';
import './search.css';

/** A magnifier: a compile-time constant, drawn with the activity bar's stroke style. */
const SEARCH_ICON =
  '<svg width="22" height="22" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.2" stroke-linecap="round"><circle cx="9.5" cy="6.5" r="4"/><path d="M6.6 9.4 2 14"/></svg>';

export const SEARCH_VIEW = 'search';

export function searchFeature(): Contribution {
  const controller = new FeatureSlot<SearchController>();
  return {
    id: 'search',
    views: [
      {
        id: SEARCH_VIEW,
        title: 'Search',
        icon: SEARCH_ICON,
        location: 'sidebar',
        order: 10,
        component: controller.view((search) => <SearchView controller={search} />),
      },
    ],
    activate: (api) => controller.fill(() => new SearchController(api)),
    commands: [
      {
        id: 'search.show',
        title: 'Search: Find in Files',
        keybinding: 'Mod+Shift+F',
        run: (api) => {
          api.showView(SEARCH_VIEW);
          controller.current.value?.focusQuery(); // also when the view was already shown
        },
      },
      {
        id: 'search.nextResult',
        title: 'Search: Go to Next Search Result',
        keybinding: 'F4',
        run: () => controller.current.value?.step(1),
      },
      {
        id: 'search.previousResult',
        title: 'Search: Go to Previous Search Result',
        keybinding: 'Shift+F4',
        run: () => controller.current.value?.step(-1),
      },
    ],
  };
}
