// The codebase feature's glyphs, on the workbench icons' 16 px grid and stroke style.
import { Icons, Svg } from '../workbench/icons';

/** The activity-bar icon: a magnifier over a code bracket pair (search by what code does). */
export const CODEBASE_ICON =
  '<svg width="22" height="22" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.2" stroke-linecap="round" stroke-linejoin="round"><circle cx="7" cy="7" r="5"/><path d="M10.6 10.6 14.5 14.5M5.9 5.2 4.4 7l1.5 1.8M8.1 5.2 9.6 7 8.1 8.8"/></svg>';

export const CodebaseIcons = {
  pause: () => (
    <Svg>
      <path d="M6 4v8M10 4v8" />
    </Svg>
  ),
  resume: () => (
    <Svg>
      <path d="M5.5 3.75v8.5L12 8z" />
    </Svg>
  ),
  rebuild: () => Icons.refresh(),
  /** The embedding model: a chip. */
  model: () => (
    <Svg>
      <rect x="4.25" y="4.25" width="7.5" height="7.5" rx="1.25" />
      <path d="M6.5 2v2.25M9.5 2v2.25M6.5 11.75V14M9.5 11.75V14M2 6.5h2.25M2 9.5h2.25M11.75 6.5H14M11.75 9.5H14" />
    </Svg>
  ),
  /** The status item while indexing: an arc the stylesheet turns. */
  spinner: (size = 14) => (
    <Svg size={size}>
      <path d="M8 2.25a5.75 5.75 0 1 1-5.75 5.75" />
    </Svg>
  ),
  /** The status item once indexed: stacked layers. */
  index: (size = 14) => (
    <Svg size={size}>
      <path d="M8 2.25 13.75 5 8 7.75 2.25 5z" />
      <path d="M2.25 8 8 10.75 13.75 8M2.25 11 8 13.75 13.75 11" />
    </Svg>
  ),
  warning: (size = 14) => (
    <Svg size={size}>
      <path d="M8 2.25l6 10.5H2z" />
      <path d="M8 6.5v3M8 11.25v.01" />
    </Svg>
  ),
};
