// Validation and completion for the settings files in Monaco's JSON language: the JSON Schema of each scope (made from
// the zod table) bound to the models the JSON view opens, comments allowed as in VS Code's settings.json.

import type { SettingsFileId } from '@pa/shared';
import { settingsJsonSchema } from '@pa/shared';
import { monaco } from '../editor/monaco';

export function settingsModelUri(file: SettingsFileId): string {
  return `pa-settings://settings/${file === 'keybindings' ? 'keybindings' : `${file}-settings`}.json`;
}

const KEYBINDINGS_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    required: ['key', 'command'],
    properties: {
      key: { type: 'string', description: "The keys, e.g. 'Mod+Shift+P' (Mod is Ctrl, or Cmd on macOS)." },
      command: { type: 'string', description: "The command's id; '-id' removes the command's default key." },
    },
  },
};

/** The settings files are JSON with comments and trailing commas, as VS Code's are. */
function jsonc(schema: Record<string, unknown>): Record<string, unknown> {
  return { ...schema, allowComments: true, allowTrailingCommas: true };
}

/** Registers the schemas with Monaco's JSON service (once per page; the options are global). */
export function registerSettingsSchemas(): void {
  const json = monaco.languages.json.jsonDefaults;
  const others = (json.diagnosticsOptions.schemas ?? []).filter((schema) => !schema.uri.startsWith('pa-settings:'));
  json.setDiagnosticsOptions({
    ...json.diagnosticsOptions,
    validate: true,
    allowComments: true,
    comments: 'ignore',
    trailingCommas: 'ignore',
    enableSchemaRequest: false,
    schemas: [
      ...others,
      {
        uri: 'pa-settings://schema/user-settings',
        fileMatch: [settingsModelUri('user')],
        schema: jsonc(settingsJsonSchema('user')),
      },
      {
        uri: 'pa-settings://schema/workspace-settings',
        fileMatch: [settingsModelUri('workspace')],
        schema: jsonc(settingsJsonSchema('workspace')),
      },
      {
        uri: 'pa-settings://schema/keybindings',
        fileMatch: [settingsModelUri('keybindings')],
        schema: KEYBINDINGS_SCHEMA,
      },
    ],
  });
}

let registered = false;

/**
 * registerSettingsSchemas, once per page: the feature's activation calls it when the page is first idle, the JSON
 * view before it creates its model (a settings tab restored at start may come first), so the view never judges a
 * file "valid" without its schema.
 */
export function ensureSettingsSchemas(): void {
  if (registered) return;
  registered = true;
  registerSettingsSchemas();
}
