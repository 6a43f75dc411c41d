// Every setting of the product: its schema, default, description, the scopes it may be set in (user settings in the
// data dir, workspace settings in `.claudeeditor/settings.json`) and whether it would run something. One table read
// by the engine (validating the files), the Settings editor (its controls) and the JSON view (its JSON Schema).
import { z } from 'zod';

export const SettingScope = z.enum(['user', 'workspace']);
export type SettingScope = z.infer<typeof SettingScope>;

/** The Settings editor's table of contents, in its order. */
export const SETTING_GROUPS = [
  { id: 'appearance', title: 'Appearance' },
  { id: 'editor', title: 'Text Editor' },
  { id: 'files', title: 'Files' },
  { id: 'ai', title: 'AI' },
  { id: 'completion', title: 'Code Completion' },
  { id: 'collaboration', title: 'Collaboration' },
  { id: 'terminal', title: 'Terminal' },
  { id: 'privacy', title: 'Privacy' },
  { id: 'workflows', title: 'Workflows' },
] as const;
export type SettingGroup = (typeof SETTING_GROUPS)[number]['id'];

export interface SettingSpec<S extends z.ZodType = z.ZodType> {
  readonly group: SettingGroup;
  readonly title: string;
  readonly description: string;
  readonly schema: S;
  readonly default: z.output<S>;
  /** Where it may be set; a value in a scope not listed here is ignored (and flagged). */
  readonly scopes: readonly SettingScope[];
  /**
   * It names something that runs (a shell, a command, a server): from the workspace file it applies only once the
   * workspace is trusted, since a cloned repository writes that file (VS Code's restricted mode).
   */
  readonly restricted?: boolean;
  /**
   * A boolean that a workspace file may turn off but never on (an on/off switch for something that reads the user's
   * code): a cloned repository cannot undo the user's "off".
   */
  readonly workspaceOnlyOff?: boolean;
}

const both = ['user', 'workspace'] as const;
const userOnly = ['user'] as const;

function setting<S extends z.ZodType>(spec: SettingSpec<S>): SettingSpec<S> {
  return spec;
}

/** What Format Document uses: the project's formatter it finds, that one, or the language's own. */
const FormatterChoice = z.enum(['auto', 'prettier', 'biome', 'language-server']);

/** A command line: a program and its arguments, as a terminal or a formatter would run it. */
const Program = z.string().max(4096);

export const settingSpecs = {
  'workbench.colorTheme': setting({
    group: 'appearance',
    title: 'Color Theme',
    description: 'The colours of the workbench and the editor.',
    schema: z.enum(['dark', 'light', 'high-contrast']),
    default: 'dark',
    scopes: userOnly,
  }),
  'window.zoomLevel': setting({
    group: 'appearance',
    title: 'Zoom Level',
    description: 'Scales the whole window: each step is 10 % (Ctrl+= and Ctrl+- change it, Ctrl+0 resets it).',
    schema: z.number().int().min(-5).max(8),
    default: 0,
    scopes: userOnly,
  }),
  'editor.fontSize': setting({
    group: 'editor',
    title: 'Font Size',
    description: 'The editor font size in pixels.',
    schema: z.number().int().min(6).max(72),
    default: 14,
    scopes: both,
  }),
  'editor.fontFamily': setting({
    group: 'editor',
    title: 'Font Family',
    description: 'The editor font family, as a CSS font-family list.',
    schema: z.string().max(500),
    default:
      "'JetBrains Mono', 'Cascadia Code', 'Fira Code', 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', monospace",
    scopes: both,
  }),
  'editor.tabSize': setting({
    group: 'editor',
    title: 'Tab Size',
    description: 'The number of spaces a tab is equal to, for files whose indentation cannot be detected.',
    schema: z.number().int().min(1).max(16),
    default: 4,
    scopes: both,
  }),
  'editor.insertSpaces': setting({
    group: 'editor',
    title: 'Insert Spaces',
    description: 'Insert spaces when pressing Tab, for files whose indentation cannot be detected.',
    schema: z.boolean(),
    default: true,
    scopes: both,
  }),
  'editor.wordWrap': setting({
    group: 'editor',
    title: 'Word Wrap',
    description: 'How long lines wrap: not at all, at the viewport width, or at the word wrap column.',
    schema: z.enum(['off', 'on', 'wordWrapColumn', 'bounded']),
    default: 'off',
    scopes: both,
  }),
  'editor.minimap.enabled': setting({
    group: 'editor',
    title: 'Minimap',
    description: 'Show the minimap: a zoomed-out view of the file beside the scroll bar.',
    schema: z.boolean(),
    default: true,
    scopes: both,
  }),
  'editor.renderWhitespace': setting({
    group: 'editor',
    title: 'Render Whitespace',
    description: 'Which whitespace characters the editor draws.',
    schema: z.enum(['none', 'boundary', 'selection', 'trailing', 'all']),
    default: 'selection',
    scopes: both,
  }),
  'editor.lineNumbers': setting({
    group: 'editor',
    title: 'Line Numbers',
    description: 'Show line numbers: absolute, relative to the cursor, or none.',
    schema: z.enum(['on', 'off', 'relative']),
    default: 'on',
    scopes: both,
  }),
  'editor.cursorStyle': setting({
    group: 'editor',
    title: 'Cursor Style',
    description: 'The shape of the cursor.',
    schema: z.enum(['line', 'block', 'underline', 'line-thin', 'block-outline', 'underline-thin']),
    default: 'line',
    scopes: both,
  }),
  'editor.formatOnSave': setting({
    group: 'editor',
    title: 'Format On Save',
    description: 'Format a file (Format Document) before it is saved.',
    schema: z.boolean(),
    default: false,
    scopes: both,
  }),
  'editor.defaultFormatter': setting({
    group: 'editor',
    title: 'Default Formatter',
    description:
      "What Format Document uses: 'auto' the project's Prettier or Biome when it has one, else the language's own " +
      "formatter; 'prettier' or 'biome' only that one (the language's formatter when it is not installed and " +
      "configured); 'language-server' always the language's own formatter.",
    schema: FormatterChoice,
    default: 'auto',
    scopes: both,
  }),
  'editor.defaultFormatterByExtension': setting({
    group: 'editor',
    title: 'Default Formatter by File Type',
    description:
      'Default Formatter for some file types only, by extension, e.g. { ".md": "language-server", ".ts": "biome" }; ' +
      'the others follow Default Formatter.',
    schema: z
      .record(z.string().regex(/^\.[A-Za-z0-9_+-]{1,20}$/, 'a file extension such as ".ts"'), FormatterChoice)
      .refine((map) => Object.keys(map).length <= 200, 'at most 200 file types'),
    default: {},
    scopes: both,
  }),
  'files.autoSave': setting({
    group: 'files',
    title: 'Auto Save',
    description: 'Save a file with unsaved changes a moment after its last change (a shared session follows it too).',
    schema: z.enum(['off', 'afterDelay']),
    default: 'off',
    scopes: both,
  }),
  'files.autoSaveDelay': setting({
    group: 'files',
    title: 'Auto Save Delay',
    description: 'How many milliseconds after the last change a file is saved, when Auto Save is on.',
    schema: z.number().int().min(100).max(60_000),
    default: 1000,
    scopes: both,
  }),
  'ai.chat.defaultModel': setting({
    group: 'ai',
    title: 'Chat Model',
    description:
      'The model provider a new chat asks (its id, as in Models and `pa models list`). Empty: Auto, the router ' +
      'picks by latency, load and cost.',
    // a provider id (protocol/ai.ts ProviderId) or '' (Auto), as one string schema: the Settings view draws a text box
    schema: z
      .string()
      .max(64)
      .regex(
        /^(?:[a-z0-9][a-z0-9._-]*)?$/,
        'a provider id (lower-case letters, digits, ".", "_" or "-"), or empty for Auto',
      ),
    default: '',
    // a cloned repository must not choose where your prompts go
    scopes: userOnly,
  }),
  'ai.chat.attachActiveFile': setting({
    group: 'ai',
    title: 'Attach Active File',
    description:
      'New chat questions carry the active file (or its selection) as context: the "Attach" box starts checked.',
    schema: z.boolean(),
    default: false,
    // a cloned repository must not decide which of your files go to a model
    scopes: userOnly,
  }),
  'ai.remoteFirstTokenTimeout': setting({
    group: 'ai',
    title: 'Remote First Token Deadline',
    description:
      'Seconds a network model provider may take to start answering before the router tries the next one (a ' +
      "provider's own deadline in Models wins).",
    schema: z.number().int().min(1).max(600),
    default: 10,
    scopes: userOnly,
  }),
  'collaboration.showCursorLabels': setting({
    group: 'collaboration',
    title: 'Show Cursor Labels',
    description: "Show each peer's name next to their cursor in a shared session (their colour is always shown).",
    schema: z.boolean(),
    default: true,
    scopes: both,
  }),
  'collaboration.cursorColor': setting({
    group: 'collaboration',
    title: 'Cursor Colour',
    description:
      'The colour peers see your cursor and selection in, as #rrggbb. Empty: one picked for you per session.',
    schema: z.string().regex(/^(?:#[0-9a-fA-F]{6})?$/, 'a colour as #rrggbb, or empty'),
    default: '',
    scopes: userOnly,
  }),
  'terminal.integrated.shell': setting({
    group: 'terminal',
    title: 'Shell Path',
    description: 'The program a new terminal runs. Empty: your login shell.',
    schema: Program,
    default: '',
    scopes: both,
    restricted: true,
  }),
  'terminal.integrated.shellArgs': setting({
    group: 'terminal',
    title: 'Shell Arguments',
    description: 'The arguments the shell is started with.',
    schema: z.array(z.string().max(4096)).max(64),
    default: [],
    scopes: both,
    restricted: true,
  }),
  'privacy.allowRemoteModels': setting({
    group: 'privacy',
    title: 'Allow Remote Models',
    description:
      'Let the router send prompts to network model providers (OpenAI-compatible, Anthropic, Gemini; also ones on ' +
      'this machine, like a local Ollama). Off: only the built-in local model answers and no other endpoint is ' +
      'contacted, health checks included.',
    schema: z.boolean(),
    default: true,
    // only you may turn this on: a workspace file (a cloned repository writes it) is ignored
    scopes: userOnly,
  }),
  'telemetry.otlpEndpoint': setting({
    group: 'privacy',
    title: 'Trace Export (OTLP/HTTP)',
    description:
      'Where the engine sends OpenTelemetry traces of its AI requests (router choice, attempts, provider, model, ' +
      'latency, tokens; never prompts, answers or keys), e.g. http://127.0.0.1:4318 (traces go to /v1/traces). ' +
      'Empty: off, unless OTEL_EXPORTER_OTLP_ENDPOINT is set.',
    schema: z
      .string()
      .max(2048)
      .regex(/^(|https?:\/\/[^\s/?#]+[^\s]*)$/, 'an http:// or https:// URL, or empty'),
    default: '',
    // a cloned repository must not decide where traces go
    scopes: userOnly,
  }),
  'workflows.maxConcurrentRuns': setting({
    group: 'workflows',
    title: 'Max Concurrent Runs',
    description:
      'How many workflow runs may run at once; the others wait in order. Applies to the next run that starts.',
    schema: z.number().int().min(1).max(16),
    default: 2,
    scopes: userOnly,
  }),
  'completion.enabled': setting({
    group: 'completion',
    title: 'Inline Suggestions',
    description: 'Suggest code as you type (ghost text) from the model that serves completions; Tab accepts.',
    schema: z.boolean(),
    default: true,
    scopes: both,
    workspaceOnlyOff: true,
  }),
  'completion.ttftDeadlineMs': setting({
    group: 'completion',
    title: 'First Token Deadline',
    description: 'Milliseconds a suggestion may wait for its first token before the next provider is tried.',
    schema: z.number().int().min(50).max(30_000),
    default: 300,
    scopes: userOnly,
  }),
  'completion.totalDeadlineMs': setting({
    group: 'completion',
    title: 'Total Deadline',
    description: 'Milliseconds a whole suggestion may take; what the model wrote by then is kept.',
    schema: z.number().int().min(100).max(60_000),
    default: 1500,
    scopes: userOnly,
  }),
  'completion.debounceMinMs': setting({
    group: 'completion',
    title: 'Shortest Delay',
    description: 'The least time after a keystroke before a suggestion is asked for (the delay follows your typing).',
    schema: z.number().int().min(0).max(5_000),
    default: 100,
    scopes: both,
  }),
  'completion.debounceMaxMs': setting({
    group: 'completion',
    title: 'Longest Delay',
    description: 'The most time after a keystroke before a suggestion is asked for.',
    schema: z.number().int().min(0).max(5_000),
    default: 400,
    scopes: both,
  }),
  'completion.disabledLanguages': setting({
    group: 'completion',
    title: 'Languages Without Suggestions',
    description:
      'Language ids (e.g. "markdown", "plaintext") that get no inline suggestions; the status bar item toggles one.',
    schema: z.array(z.string().min(1).max(64)).max(256),
    default: [],
    scopes: both,
  }),
} as const satisfies Record<string, SettingSpec>;

export type SettingKey = keyof typeof settingSpecs;
export type SettingValue<K extends SettingKey> = z.output<(typeof settingSpecs)[K]['schema']>;
export type Settings = { [K in SettingKey]: SettingValue<K> };

export const SETTING_KEYS = Object.keys(settingSpecs) as SettingKey[];

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(settingSpecs, key);
}

export function specOf(key: SettingKey): SettingSpec {
  return settingSpecs[key];
}

export const defaultSettings: Settings = Object.fromEntries(
  SETTING_KEYS.map((key) => [key, settingSpecs[key].default]),
) as Settings;

/** Why a value in a settings file was not applied (or is kept but unknown). */
export const SettingProblemKind = z.enum(['syntax', 'invalid', 'unknown', 'scope', 'restricted', 'too-large']);
export type SettingProblemKind = z.infer<typeof SettingProblemKind>;

export const SettingProblem = z.object({
  kind: SettingProblemKind,
  /** The setting's key ('' for the file as a whole). */
  key: z.string(),
  message: z.string(),
  /** 1-based line of the file where it is, when known. */
  line: z.number().int().positive().optional(),
});
export type SettingProblem = z.infer<typeof SettingProblem>;

/** What one file's parsed values become: the ones that apply, and why the others do not. */
export interface CheckedSettings {
  values: Partial<Settings>;
  problems: SettingProblem[];
}

/**
 * Sorts a parsed settings object into values that apply in `scope` and problems. Unknown keys are kept in the file
 * but flagged; a restricted key from an untrusted workspace is ignored. `lineOf` finds a key's line for messages.
 */
export function checkSettings(
  raw: Record<string, unknown>,
  scope: SettingScope,
  options: { trusted: boolean; lineOf?: (key: string) => number | undefined },
): CheckedSettings {
  const values: Record<string, unknown> = {};
  const problems: SettingProblem[] = [];
  const at = (key: string) => {
    const line = options.lineOf?.(key);
    return line === undefined ? {} : { line };
  };
  for (const [key, value] of Object.entries(raw)) {
    if (!isSettingKey(key)) {
      problems.push({ kind: 'unknown', key, message: `Unknown setting "${key.slice(0, 200)}" (kept).`, ...at(key) });
      continue;
    }
    const spec = specOf(key);
    if (!spec.scopes.includes(scope)) {
      problems.push({ kind: 'scope', key, message: `"${key}" can only be set in user settings.`, ...at(key) });
      continue;
    }
    if (spec.restricted && scope === 'workspace' && !options.trusted) {
      problems.push({
        kind: 'restricted',
        key,
        message: `"${key}" runs a program; it applies once you trust this workspace.`,
        ...at(key),
      });
      continue;
    }
    if (spec.workspaceOnlyOff && scope === 'workspace' && value !== false) {
      problems.push({
        kind: 'scope',
        key,
        message: `"${key}" can only be turned off in workspace settings; turn it on in user settings.`,
        ...at(key),
      });
      continue;
    }
    const parsed = spec.schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      problems.push({ kind: 'invalid', key, message: `"${key}": ${issue?.message ?? 'invalid value'}.`, ...at(key) });
      continue;
    }
    values[key] = parsed.data;
  }
  return { values: values as Partial<Settings>, problems };
}

/** Defaults, then user values, then workspace values: what applies. */
export function effectiveSettings(user: Partial<Settings>, workspace: Partial<Settings>): Settings {
  return { ...defaultSettings, ...user, ...workspace };
}

/**
 * The JSON Schema of a settings file in `scope` (Monaco's JSON view: validation, hover, completion). Settings of
 * other scopes are left out, restricted ones say so in their description.
 */
export function settingsJsonSchema(scope: SettingScope): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const spec = specOf(key);
    if (!spec.scopes.includes(scope)) continue;
    const schema = z.toJSONSchema(spec.schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    delete schema.$schema;
    const note = spec.restricted && scope === 'workspace' ? ' (Applies only in a trusted workspace.)' : '';
    properties[key] = { ...schema, default: spec.default, description: `${spec.description}${note}` };
  }
  return { type: 'object', properties, additionalProperties: true };
}

/** One entry of keybindings.json (VS Code's shape): `command` bound to `key`; `-command` removes a default binding. */
export const KeybindingEntry = z.object({
  key: z.string().min(1).max(100),
  command: z.string().min(1).max(200),
  /** A context the binding applies in ('editorTextFocus && !inputFocus'); the UI evaluates a small subset. */
  when: z.string().max(1000).optional(),
});
export type KeybindingEntry = z.infer<typeof KeybindingEntry>;

/** Largest settings or keybindings file read or written (a bigger one is refused, not parsed). */
export const MAX_SETTINGS_BYTES = 1024 * 1024;
/** Deepest nesting of objects/arrays a settings file may have. */
export const MAX_SETTINGS_DEPTH = 32;

/** Where the workspace's settings live, relative to its root. */
export const WORKSPACE_SETTINGS_PATH = '.claudeeditor/settings.json';
