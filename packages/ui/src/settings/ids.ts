// The ids of the settings feature's editors, for `api.openEditor`.
export const SETTINGS_EDITOR = 'settings';
export const SETTINGS_JSON_EDITOR = 'settings.json';
