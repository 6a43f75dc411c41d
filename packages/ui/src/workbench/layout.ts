// The window's layout (side bar, panel and bottom panel sizes, which views are open), remembered between sessions. Parsing is
// forgiving: anything missing or malformed in storage falls back to the defaults.

export interface Layout {
  sideWidth: number;
  panelWidth: number;
  sideView: string | null;
  panelView: string | null;
  bottomHeight: number;
  /** The bottom panel's view (terminal, problems, output), null when the bottom panel is hidden. */
  bottomView: string | null;
}

/** The built-in view every workbench has; feature views come from contributions. */
export const EXPLORER_VIEW = 'explorer';

export const defaultLayout: Layout = {
  sideWidth: 260,
  panelWidth: 380,
  sideView: EXPLORER_VIEW,
  panelView: null,
  bottomHeight: 260,
  bottomView: null,
};

export const LAYOUT_LIMITS = {
  side: { min: 170, max: 600 },
  panel: { min: 260, max: 900 },
  bottom: { min: 90, max: 900 },
} as const;

const clamp = (value: number, limits: { min: number; max: number }) =>
  Math.max(limits.min, Math.min(limits.max, Math.round(value)));

/** Reads stored layout JSON; `knownViews` drops a view whose feature no longer exists. */
export function parseLayout(text: string | null, knownViews: ReadonlySet<string>): Layout {
  let raw: unknown;
  try {
    raw = text ? JSON.parse(text) : null;
  } catch {
    return defaultLayout; // a corrupt entry is not worth an error: the defaults are a fine layout
  }
  if (typeof raw !== 'object' || raw === null) return defaultLayout;
  const value = raw as Record<string, unknown>;
  const width = (key: string, fallback: number, limits: { min: number; max: number }) =>
    typeof value[key] === 'number' && Number.isFinite(value[key]) ? clamp(value[key] as number, limits) : fallback;
  const view = (key: string, fallback: string | null) => {
    const id = value[key];
    if (id === null) return null;
    return typeof id === 'string' && knownViews.has(id) ? id : fallback;
  };
  return {
    sideWidth: width('sideWidth', defaultLayout.sideWidth, LAYOUT_LIMITS.side),
    panelWidth: width('panelWidth', defaultLayout.panelWidth, LAYOUT_LIMITS.panel),
    sideView: view('sideView', defaultLayout.sideView),
    panelView: view('panelView', defaultLayout.panelView),
    bottomHeight: width('bottomHeight', defaultLayout.bottomHeight, LAYOUT_LIMITS.bottom),
    bottomView: view('bottomView', defaultLayout.bottomView),
  };
}
