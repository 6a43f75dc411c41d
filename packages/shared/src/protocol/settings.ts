// Settings methods (owned by the settings capability): the user's settings and keybindings files in the data dir and
// the workspace's `.claudeeditor/settings.json`, read, checked against the setting table (../settings.ts) and
// written; `settings.watch` follows them, so a change from any window, the JSON view or an editor on disk applies.
import { z } from 'zod';
import { Empty, method, Ok, stream } from '../rpc.js';
import { KeybindingEntry, MAX_SETTINGS_BYTES, SettingProblem, SettingScope } from '../settings.js';

/** The files the settings capability owns: the two settings scopes and the user's keybindings. */
export const SettingsFileId = z.enum(['user', 'workspace', 'keybindings']);
export type SettingsFileId = z.infer<typeof SettingsFileId>;

export const SettingsFileState = z.object({
  file: SettingsFileId,
  /** Where it is, for display (absolute for the data dir, workspace-relative for the workspace). */
  path: z.string(),
  exists: z.boolean(),
  /** The file's text as read ('' when it does not exist or was refused). */
  text: z.string(),
  problems: z.array(SettingProblem),
});
export type SettingsFileState = z.infer<typeof SettingsFileState>;

export const SettingsSnapshot = z.object({
  user: SettingsFileState.extend({ values: z.record(z.string(), z.unknown()) }),
  /** Null when no folder is open. */
  workspace: SettingsFileState.extend({ values: z.record(z.string(), z.unknown()) }).nullable(),
  keybindings: SettingsFileState.extend({ entries: z.array(KeybindingEntry) }),
  /** Whether the open workspace is trusted (restricted workspace settings apply only then). */
  trusted: z.boolean(),
});
export type SettingsSnapshot = z.infer<typeof SettingsSnapshot>;

export const settingsMethods = {
  'settings.get': method(Empty, SettingsSnapshot),
  /**
   * Sets one setting in `scope` (`value` absent: removes it, back to the default), keeping the file's other text and
   * comments. The value is checked against the setting's schema (E_BAD_REQUEST when it does not fit).
   */
  'settings.set': method(
    z.strictObject({ scope: SettingScope, key: z.string().min(1).max(200), value: z.unknown().optional() }),
    Ok,
  ),
  /** Replaces a file's whole text (the JSON view's save). A file that does not parse is written and reported. */
  'settings.write': method(z.strictObject({ file: SettingsFileId, text: z.string().max(MAX_SETTINGS_BYTES) }), Ok),
  /** The files now, then again each time one of them (or the workspace) changes; ends only when cancelled. */
  'settings.watch': stream(Empty, SettingsSnapshot, Ok),
} as const;
