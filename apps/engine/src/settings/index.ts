// The settings capability: the user's settings.json and keybindings.json in the data dir and the workspace's
// `.claudeeditor/settings.json` (written through the files capability: confined, atomic, never into .git). Every read
// checks the files against the setting table; `settings.watch` follows them however they change.
import { constants, type FSWatcher, watch } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import {
  checkSettings,
  ErrorCode,
  effectiveSettings,
  errorMessage,
  isSettingKey,
  MAX_SETTINGS_BYTES,
  PaError,
  type SettingProblem,
  type SettingScope,
  type Settings,
  type SettingsFileId,
  type SettingsSnapshot,
  specOf,
  WORKSPACE_SETTINGS_PATH,
} from '@pa/shared';
import type { Capability, EngineContext } from '../context.js';
import { writeFileAtomic } from '../files/index.js';
import { Channel } from '../rpc/channel.js';
import type { PartialHandlers } from '../rpc/handlers.js';
import type { SettingsService } from './api.js';
import { parseKeybindingsText, parseSettingsText, withSetting } from './settings-file.js';

export type { SettingsService } from './api.js';

export const USER_SETTINGS_FILE = 'settings.json';
export const KEYBINDINGS_FILE = 'keybindings.json';

export interface SettingsDeps {
  isTrusted(root: string): Promise<boolean>;
  /**
   * Tells `listener` whenever a folder's trust changes, until the returned function is called: restricted workspace
   * values start (or stop) applying then, so `settings.watch` readers get a new snapshot without a reload.
   */
  onDidChangeTrust?(listener: () => void): () => void;
}

export interface SettingsCapability extends Capability {
  readonly service: SettingsService;
}

interface ReadFile {
  exists: boolean;
  text: string;
  problems: SettingProblem[];
}

/** Reads a settings file without following a final symlink, refusing one over the size limit before reading it. */
async function readBounded(path: string, options: { noFollow?: boolean } = {}): Promise<ReadFile> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    // the workspace's file was confined by realpath; O_NOFOLLOW refuses a symlink swapped in since
    handle = await open(path, constants.O_RDONLY | (options.noFollow ? constants.O_NOFOLLOW : 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { exists: false, text: '', problems: [] };
    return {
      exists: true,
      text: '',
      problems: [{ kind: 'syntax', key: '', message: `The file cannot be read: ${errorMessage(error)}` }],
    };
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      return { exists: true, text: '', problems: [{ kind: 'syntax', key: '', message: 'It is not a file.' }] };
    }
    if (info.size > MAX_SETTINGS_BYTES) {
      return {
        exists: true,
        text: '',
        problems: [
          {
            kind: 'too-large',
            key: '',
            message: `The file is ${info.size} bytes; settings files over ${MAX_SETTINGS_BYTES} bytes are not read.`,
          },
        ],
      };
    }
    return { exists: true, text: await handle.readFile('utf8'), problems: [] };
  } finally {
    await handle.close();
  }
}

export function createSettings(ctx: EngineContext, deps: SettingsDeps): SettingsCapability {
  const userPath = join(ctx.dataDir, USER_SETTINGS_FILE);
  const keybindingsPath = join(ctx.dataDir, KEYBINDINGS_FILE);

  const trusted = async (): Promise<boolean> => {
    const root = ctx.workspace.current()?.root;
    return root ? deps.isTrusted(root) : false;
  };

  async function readWorkspaceFile(): Promise<ReadFile> {
    let path: string;
    try {
      path = ctx.files.resolve(WORKSPACE_SETTINGS_PATH);
    } catch (error) {
      // .claudeeditor is a symlink out of the workspace, or the like: refused, and said so
      return { exists: true, text: '', problems: [{ kind: 'syntax', key: '', message: errorMessage(error) }] };
    }
    return readBounded(path, { noFollow: true });
  }

  function checked(file: ReadFile, scope: SettingScope, isTrusted: boolean) {
    const parsed = parseSettingsText(file.text);
    const { values, problems } = parsed.object
      ? checkSettings(parsed.object, scope, { trusted: isTrusted, lineOf: parsed.lineOf })
      : { values: {}, problems: [] };
    return { values, problems: [...file.problems, ...parsed.problems, ...problems] };
  }

  async function snapshot(): Promise<SettingsSnapshot> {
    const isTrusted = await trusted();
    const user = await readBounded(userPath);
    const keys = await readBounded(keybindingsPath);
    const keybindings = parseKeybindingsText(keys.text);
    const root = ctx.workspace.current()?.root;
    let workspace: SettingsSnapshot['workspace'] = null;
    if (root) {
      const file = await readWorkspaceFile();
      workspace = {
        file: 'workspace',
        path: WORKSPACE_SETTINGS_PATH,
        exists: file.exists,
        text: file.text,
        ...checked(file, 'workspace', isTrusted),
      };
    }
    return {
      user: { file: 'user', path: userPath, exists: user.exists, text: user.text, ...checked(user, 'user', true) },
      workspace,
      keybindings: {
        file: 'keybindings',
        path: keybindingsPath,
        exists: keys.exists,
        text: keys.text,
        entries: keybindings.entries,
        problems: [...keys.problems, ...keybindings.problems],
      },
      trusted: isTrusted,
    };
  }

  async function writeFile(file: SettingsFileId, text: string): Promise<void> {
    if (file === 'workspace') await ctx.files.write(WORKSPACE_SETTINGS_PATH, text);
    else writeFileAtomic(file === 'user' ? userPath : keybindingsPath, text);
    changed();
  }

  async function currentText(scope: SettingScope): Promise<string> {
    const file = scope === 'user' ? await readBounded(userPath) : await readWorkspaceFile();
    const problem = file.problems[0] ?? parseSettingsText(file.text).problems[0];
    if (problem) {
      throw new PaError(
        ErrorCode.CONFLICT,
        `The ${scope} settings file cannot be changed until it is fixed: ${problem.message}`,
        { reason: problem.kind },
      );
    }
    return file.text;
  }

  // ── following the files: one watcher set for every reader, one snapshot per burst of changes ──
  const readers = new Set<Channel<SettingsSnapshot, { ok: true }>>();
  let last = '';
  let scheduled = false;
  function changed(): void {
    if (scheduled || readers.size === 0) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      snapshot().then(
        (next) => {
          const text = JSON.stringify(next);
          if (text === last) return;
          last = text;
          for (const reader of readers) reader.push(next);
        },
        (error: unknown) => ctx.log({ level: 'warn', msg: 'settings: reading failed', error: errorMessage(error) }),
      );
    });
  }

  const watchers: FSWatcher[] = [];
  let workspaceWatchers: FSWatcher[] = [];
  const watchFolder = (folder: string, names: readonly string[], onChange: () => void): FSWatcher | null => {
    try {
      const watcher = watch(folder, { persistent: false }, (_event, name) => {
        if (name === null || names.includes(String(name))) onChange();
      });
      watcher.on('error', () => watcher.close());
      return watcher;
    } catch {
      return null; // the folder does not exist (yet)
    }
  };
  function watchWorkspace(root: string | undefined): void {
    for (const watcher of workspaceWatchers) watcher.close();
    workspaceWatchers = [];
    if (!root) return;
    const armInner = () => {
      const inner = watchFolder(join(root, '.claudeeditor'), ['settings.json'], changed);
      if (inner) workspaceWatchers.push(inner);
    };
    const outer = watchFolder(root, ['.claudeeditor'], () => {
      armInner(); // the folder appeared (or was replaced): follow the new one
      changed();
    });
    if (outer) workspaceWatchers.push(outer);
    armInner();
  }
  function startWatching(): void {
    if (watchers.length > 0) return;
    const data = watchFolder(ctx.dataDir, [USER_SETTINGS_FILE, KEYBINDINGS_FILE], changed);
    if (data) watchers.push(data);
    watchWorkspace(ctx.workspace.current()?.root);
  }
  function stopWatching(): void {
    for (const watcher of watchers.splice(0)) watcher.close();
    watchWorkspace(undefined);
  }
  const unsubscribe = ctx.workspace.onDidChange((info) => {
    if (readers.size === 0) return;
    watchWorkspace(info?.root);
    changed();
  });
  const untrack = deps.onDidChangeTrust?.(changed) ?? (() => {});

  const handlers: PartialHandlers = {
    'settings.get': () => snapshot(),
    'settings.set': async ({ scope, key, value }) => {
      if (!isSettingKey(key)) throw new PaError(ErrorCode.BAD_REQUEST, `There is no setting "${key.slice(0, 200)}".`);
      const spec = specOf(key);
      if (!spec.scopes.includes(scope)) {
        throw new PaError(ErrorCode.BAD_REQUEST, `"${key}" can only be set in ${spec.scopes.join(' or ')} settings.`);
      }
      if (spec.workspaceOnlyOff && scope === 'workspace' && value !== undefined && value !== false) {
        throw new PaError(ErrorCode.BAD_REQUEST, `"${key}" can only be turned off in workspace settings.`);
      }
      if (value !== undefined) {
        const parsed = spec.schema.safeParse(value);
        if (!parsed.success) {
          throw new PaError(ErrorCode.BAD_REQUEST, `"${key}": ${parsed.error.issues[0]?.message ?? 'invalid value'}.`);
        }
      }
      if (scope === 'workspace') ctx.workspace.requireRoot();
      await writeFile(scope, withSetting(await currentText(scope), key, value));
      return { ok: true as const };
    },
    'settings.write': async ({ file, text }) => {
      if (file === 'workspace') ctx.workspace.requireRoot();
      await writeFile(file, text);
      return { ok: true as const };
    },
    'settings.watch': (_params, { signal }) => {
      const channel = new Channel<SettingsSnapshot, { ok: true }>({
        highWaterMark: 1,
        // a reader that is behind gets only the newest snapshot
        merge: (queue, item) => {
          queue.splice(0, queue.length, item);
          return true;
        },
      });
      const leave = () => {
        readers.delete(channel);
        if (readers.size === 0) stopWatching();
        channel.end({ ok: true });
      };
      signal.addEventListener('abort', leave, { once: true });
      readers.add(channel);
      startWatching();
      snapshot().then(
        (first) => {
          last = JSON.stringify(first);
          channel.push(first);
        },
        (error: unknown) => channel.fail(error),
      );
      return channel;
    },
  };

  const service: SettingsService = {
    async effective(): Promise<Settings> {
      const isTrusted = await trusted();
      const user = checked(await readBounded(userPath), 'user', true).values;
      const root = ctx.workspace.current()?.root;
      const workspace = root ? checked(await readWorkspaceFile(), 'workspace', isTrusted).values : {};
      return effectiveSettings(user, workspace);
    },
  };

  return {
    handlers,
    service,
    dispose() {
      unsubscribe();
      untrack();
      stopWatching();
      for (const reader of readers) reader.end({ ok: true });
      readers.clear();
    },
  };
}
