// The workbench themes and the Monaco theme each one uses (defined in themes.ts); kept apart from the definitions
// so code that only needs the names does not load Monaco.
export type WorkbenchTheme = 'dark' | 'light' | 'high-contrast';

export const MONACO_THEMES: Record<WorkbenchTheme, string> = {
  dark: 'pa-dark',
  light: 'pa-light',
  'high-contrast': 'pa-hc',
};
