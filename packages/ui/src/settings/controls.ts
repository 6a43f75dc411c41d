// Which control the Settings editor draws for a setting (from its zod schema), and the search over the table.
import { SETTING_GROUPS, SETTING_KEYS, type SettingKey, settingsJsonSchema, specOf } from '@pa/shared';

export type SettingControl =
  | { kind: 'checkbox' }
  | { kind: 'select'; options: string[] }
  | { kind: 'number'; min?: number; max?: number }
  | { kind: 'text' }
  /** Arrays and maps: edited in settings.json. */
  | { kind: 'json' };

interface JsonSchemaOf {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
}

const schemas = settingsJsonSchema('user').properties as Record<string, JsonSchemaOf>;
const workspaceSchemas = settingsJsonSchema('workspace').properties as Record<string, JsonSchemaOf>;

/** From the setting's JSON Schema (the one the JSON view validates with), so both views agree. */
export function controlOf(key: SettingKey): SettingControl {
  const schema = schemas[key] ?? workspaceSchemas[key] ?? {};
  if (schema.type === 'boolean') return { kind: 'checkbox' };
  if (Array.isArray(schema.enum)) return { kind: 'select', options: schema.enum.map(String) };
  if (schema.type === 'integer' || schema.type === 'number') {
    const control: SettingControl = { kind: 'number' };
    if (typeof schema.minimum === 'number') control.min = schema.minimum;
    if (typeof schema.maximum === 'number') control.max = schema.maximum;
    return control;
  }
  if (schema.type === 'string') return { kind: 'text' };
  return { kind: 'json' };
}

const GROUP_TITLES = new Map<string, string>(SETTING_GROUPS.map((group) => [group.id, group.title]));

/** 'editor.minimap.enabled' → 'Editor › Minimap:' the way VS Code titles a setting. */
export function categoryOf(key: SettingKey): string {
  return GROUP_TITLES.get(specOf(key).group) ?? '';
}

/** The settings whose key, title, description or group contain every word of `query`, by group in table order. */
export function searchSettings(query: string): Array<{ group: (typeof SETTING_GROUPS)[number]; keys: SettingKey[] }> {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const matches = (key: SettingKey) => {
    const spec = specOf(key);
    const text = `${key} ${spec.title} ${spec.description} ${categoryOf(key)}`.toLowerCase();
    return words.every((word) => text.includes(word));
  };
  return SETTING_GROUPS.map((group) => ({
    group,
    keys: SETTING_KEYS.filter((key) => specOf(key).group === group.id && matches(key)),
  })).filter((entry) => entry.keys.length > 0);
}
