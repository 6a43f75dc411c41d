// The settings feature: the Settings editor and the JSON view as tabs, the Preferences commands (Open Settings,
// Open Settings (JSON), Color Theme, zoom), and the page following the theme and zoom settings without a reload.
import type { Settings } from '@pa/shared';
import { monaco } from '../editor/monaco';
import { MONACO_THEMES } from '../editor/theme-names';
import type { Contribution, WorkbenchApi } from '../workbench/contributions';
import { lazyComponent, whenIdle } from '../workbench/lazy';
import { zoomFactor } from './editor-options';
import { SETTINGS_EDITOR, SETTINGS_JSON_EDITOR } from './ids';

// The two views, their CSS and the JSON Schema made from the zod table load when a Settings tab first shows (the
// settings store itself is the workbench's, loaded at start: the editor follows the settings from the first frame).
const SettingsEditor = lazyComponent('Settings', () =>
  import('./SettingsEditor').then((module) => module.SettingsEditor),
);
const SettingsJsonEditor = lazyComponent('Settings (JSON)', () =>
  import('./SettingsJsonEditor').then((module) => module.SettingsJsonEditor),
);

export { SETTINGS_EDITOR, SETTINGS_JSON_EDITOR } from './ids';

/** A gear. */
const SETTINGS_ICON =
  '<svg viewBox="0 0 16 16" width="16" height="16" fill="none" stroke="currentColor" stroke-width="1.2"><circle cx="8" cy="8" r="2.2"/><path d="M8 1.5v2M8 12.5v2M1.5 8h2M12.5 8h2M3.4 3.4l1.4 1.4M11.2 11.2l1.4 1.4M3.4 12.6l1.4-1.4M11.2 4.8l1.4-1.4"/></svg>';

const THEMES: Array<[Settings['workbench.colorTheme'], string]> = [
  ['dark', 'Dark'],
  ['light', 'Light'],
  ['high-contrast', 'High Contrast'],
];

const JSON_TITLES: Record<string, string> = {
  user: 'settings.json (User)',
  workspace: 'settings.json (Workspace)',
  keybindings: 'keybindings.json',
};

/** Shows the page in the theme and zoom the settings say (Monaco's theme is global: every editor follows). */
export function applyAppearance(settings: Settings, root: HTMLElement = document.documentElement): void {
  const theme = settings['workbench.colorTheme'];
  if (root.dataset.theme !== theme) {
    root.dataset.theme = theme;
    monaco.editor.setTheme(MONACO_THEMES[theme]);
  }
  const zoom = zoomFactor(settings['window.zoomLevel']);
  root.style.zoom = zoom === 1 ? '' : String(zoom);
}

function zoomBy(api: WorkbenchApi, step: number | null): void {
  const level = api.settings.effective.value['window.zoomLevel'];
  const next = step === null ? 0 : Math.max(-5, Math.min(8, level + step));
  if (next !== level) void api.settings.set('user', 'window.zoomLevel', next);
}

export function settingsFeature(): Contribution {
  return {
    id: 'settings',
    editors: [
      { id: SETTINGS_EDITOR, title: () => 'Settings', icon: SETTINGS_ICON, component: SettingsEditor },
      {
        id: SETTINGS_JSON_EDITOR,
        title: (resource) => JSON_TITLES[resource] ?? 'settings.json',
        component: SettingsJsonEditor,
      },
    ],
    commands: [
      {
        id: 'workbench.action.openSettings',
        title: 'Preferences: Open Settings',
        keybinding: 'Mod+,',
        run: (api) => api.openEditor(SETTINGS_EDITOR, ''),
      },
      {
        id: 'workbench.action.openSettingsJson',
        title: 'Preferences: Open User Settings (JSON)',
        run: (api) => api.openEditor(SETTINGS_JSON_EDITOR, 'user'),
      },
      {
        id: 'workbench.action.openWorkspaceSettingsJson',
        title: 'Preferences: Open Workspace Settings (JSON)',
        run: (api) => {
          if (api.workspace()) api.openEditor(SETTINGS_JSON_EDITOR, 'workspace');
          else api.notify('Open a folder first: workspace settings live in it.', 'warning');
        },
      },
      {
        id: 'workbench.action.openKeybindingsJson',
        title: 'Preferences: Open Keyboard Shortcuts (JSON)',
        run: (api) => api.openEditor(SETTINGS_JSON_EDITOR, 'keybindings'),
      },
      {
        id: 'workbench.action.toggleTheme',
        title: 'Preferences: Toggle Light/Dark Theme',
        run: (api) => {
          const theme = api.settings.effective.value['workbench.colorTheme'];
          void api.settings.set('user', 'workbench.colorTheme', theme === 'light' ? 'dark' : 'light');
        },
      },
      ...THEMES.map(([theme, title]) => ({
        id: `workbench.action.colorTheme.${theme}`,
        title: `Preferences: Color Theme: ${title}`,
        run: (api: WorkbenchApi) => void api.settings.set('user', 'workbench.colorTheme', theme),
      })),
      { id: 'workbench.action.zoomIn', title: 'View: Zoom In', keybinding: 'Mod+=', run: (api) => zoomBy(api, 1) },
      { id: 'workbench.action.zoomOut', title: 'View: Zoom Out', keybinding: 'Mod+-', run: (api) => zoomBy(api, -1) },
      {
        id: 'workbench.action.zoomReset',
        title: 'View: Reset Zoom',
        keybinding: 'Mod+0',
        run: (api) => zoomBy(api, null),
      },
    ],
    activate: (api) => {
      // the JSON service's options (comments allowed, the settings files' schemas) once the first file is up; the
      // JSON view makes sure of them itself before its first model (so a failed fetch here only waits for it)
      whenIdle(() => {
        import('./json-schema').then(
          (module) => module.ensureSettingsSchemas(),
          () => undefined,
        );
      });
      applyAppearance(api.settings.effective.value);
      const stop = api.settings.effective.subscribe(() => applyAppearance(api.settings.effective.value));
      return { dispose: stop };
    },
  };
}
