// The format capability: Format Document with the project's own Prettier or Biome, as VS Code's extensions do.
// Detection reads files only; formatting runs the project's code (its formatter, config and plugins), so it runs
// only in a workspace the user trusts, from the workspace's own node_modules (confined), bounded in time and output.
// Loads on the first format.* call; nothing of it is on the engine's start path.
import { extname } from 'node:path';
import {
  ErrorCode,
  FORMATTER_LABELS,
  type FormatterInfo,
  type FormatterName,
  PaError,
  type Settings,
} from '@pa/shared';
import type { Capability, EngineContext } from '../context.js';
import { resolveInside } from '../files/index.js';
import type { PartialHandlers } from '../rpc/handlers.js';
import { type SessionWatchdog, startWatchdog } from '../terminal/api.js';
import { detectFormatters, resolveFormatter } from './detect.js';
import { type RunLimits, readableError, runFormatter } from './run.js';

export interface FormatDeps {
  /** Whether the user trusts the workspace at `root` (the workflow capability keeps that answer). */
  isTrusted(root: string): Promise<boolean>;
  /** The `editor.defaultFormatter` setting now for `path` (its by-extension value first); absent → 'auto'. */
  defaultFormatter?: (path: string) => Promise<DefaultFormatter>;
}

export type DefaultFormatter = 'auto' | FormatterName | 'language-server';

/** `editor.defaultFormatterByExtension`'s value for the file's extension, else `editor.defaultFormatter`. */
export function defaultFormatterFor(
  path: string,
  settings: Pick<Settings, 'editor.defaultFormatter' | 'editor.defaultFormatterByExtension'>,
): DefaultFormatter {
  const byExtension = settings['editor.defaultFormatterByExtension'];
  const extension = extname(path);
  return (
    (Object.hasOwn(byExtension, extension) ? byExtension[extension] : undefined) ?? settings['editor.defaultFormatter']
  );
}

/** Which of the installed formatters the setting picks (null: the language's own formatter formats). */
export function pickFormatter(available: readonly FormatterInfo[], choice: DefaultFormatter): FormatterInfo | null {
  if (choice === 'language-server') return null;
  if (choice === 'auto') return available[0] ?? null;
  return available.find((each) => each.name === choice) ?? null;
}

export interface FormatOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export const FORMAT_TIMEOUT_MS = 10_000;
const MIN_OUTPUT_BYTES = 1024 * 1024;
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/** A formatted document is about its input's size: 4× (at least 1 MiB, at most 16 MiB) is plenty. */
export function outputLimit(inputBytes: number): number {
  return Math.min(MAX_OUTPUT_BYTES, Math.max(MIN_OUTPUT_BYTES, inputBytes * 4));
}

/** The formatter's environment: the engine's, without what would redirect it (Biome's BIOME_BINARY). */
function formatterEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { BIOME_BINARY: _binary, NODE_OPTIONS: _options, ...rest } = env;
  // process.execPath is Electron's binary in the desktop app: run it as node
  return { ...rest, ELECTRON_RUN_AS_NODE: '1' };
}

export function createFormat(ctx: EngineContext, deps: FormatDeps, options: FormatOptions = {}): Capability {
  const env = options.env ?? process.env;
  const fromEnv = Number(env.PA_FORMAT_TIMEOUT_MS);
  const timeoutMs = options.timeoutMs ?? (Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : FORMAT_TIMEOUT_MS);
  let watchdog: SessionWatchdog | null = null;
  // a run ends when its caller's connection closes or the engine stops
  const running = new Set<AbortController>();

  const rootNow = () => resolveInside(ctx.workspace.requireRoot(), '');
  const detect = (path: string) => {
    const root = rootNow();
    resolveInside(root, path);
    return { root, available: detectFormatters(root, path) };
  };

  const preferred = async (path: string): Promise<DefaultFormatter> => (await deps.defaultFormatter?.(path)) ?? 'auto';

  const handlers: PartialHandlers = {
    'format.detect': async ({ path }) => {
      const { available } = detect(path);
      return { formatter: pickFormatter(available, await preferred(path)), available };
    },
    'format.document': async ({ path, content, formatter }, { connection }) => {
      const { root, available } = detect(path);
      const choice = formatter ?? (await preferred(path));
      const info = pickFormatter(available, choice);
      if (!info) {
        if (choice === 'language-server') {
          throw new PaError(
            ErrorCode.NOT_FOUND,
            `Default Formatter is "language-server": ${path} is formatted by its language's own formatter.`,
          );
        }
        const which = choice === 'auto' ? 'Prettier or Biome' : FORMATTER_LABELS[choice];
        throw new PaError(
          ErrorCode.NOT_FOUND,
          `No ${which} is installed and configured in this workspace for ${path}.`,
        );
      }
      const label = FORMATTER_LABELS[info.name];
      if (!(await deps.isTrusted(root))) {
        throw new PaError(
          ErrorCode.UNAUTHORIZED,
          `Trust this folder to format with ${label}: it runs the project's code and configuration.`,
          { trustNeeded: true },
        );
      }
      const found = resolveFormatter(root, info, path);
      const limits: RunLimits = { timeoutMs, maxOutputBytes: outputLimit(Buffer.byteLength(content)) };
      watchdog ??= startWatchdog(ctx.log);
      const controller = new AbortController();
      running.add(controller);
      const unsubscribe = connection.onDidClose(() => controller.abort());
      const result = await runFormatter({
        entry: found.entry,
        args: found.args,
        cwd: root,
        input: content,
        env: formatterEnv(env),
        limits,
        watchdog,
        signal: controller.signal,
        label,
      }).finally(() => {
        unsubscribe();
        running.delete(controller);
      });
      if (result.code !== 0) {
        throw new PaError(ErrorCode.BAD_REQUEST, readableError(label, result.stderr, path, result.code), {
          reason: 'formatter_failed',
          formatter: info.name,
        });
      }
      return { content: result.stdout, formatter: info };
    },
  };

  return {
    handlers,
    dispose() {
      for (const controller of running) controller.abort();
      running.clear();
      watchdog?.dispose();
      watchdog = null;
    },
  };
}
