// The language capability: `language.project` streams the TypeScript / JavaScript project of a file to the editor's
// own TypeScript service (project.ts says what is in it), first the compiler options, then the files in items of
// at most LANGUAGE_ITEM_BYTES. Loaded on first use: the typescript package (9 MB of JavaScript) stays off the engine's
// start path. Nothing here runs project code (no plugins, no scripts): it reads files, so it needs no trust.
import { realpathSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  LANGUAGE_ITEM_BYTES,
  LANGUAGE_MAX_FILE_BYTES,
  LANGUAGE_MAX_FILES,
  LANGUAGE_MAX_SKIPPED_LISTED,
  LANGUAGE_MAX_TOTAL_BYTES,
  type LanguageFile,
  type LanguageProjectResult,
} from '@pa/shared';
import type { Capability, EngineContext } from '../context.js';
import { resolveInside } from '../files/index.js';
import type { PartialHandlers } from '../rpc/handlers.js';
import { confinedHost } from './host.js';
import { loadProject, type ProjectLimits } from './project.js';

const LIMITS: ProjectLimits = {
  maxFileBytes: LANGUAGE_MAX_FILE_BYTES,
  maxFiles: LANGUAGE_MAX_FILES,
  maxTotalBytes: LANGUAGE_MAX_TOTAL_BYTES,
};

export function createLanguage(context: EngineContext, limits: ProjectLimits = LIMITS): Capability {
  const handlers: PartialHandlers = {
    'language.project': async function* (params, { signal }) {
      const started = performance.now();
      const root = realpathSync(context.workspace.requireRoot());
      const file = resolveInside(root, params.path);
      const project = loadProject(confinedHost(root), file, limits);
      yield {
        kind: 'config' as const,
        configPath: project.configPath,
        compilerOptions: project.compilerOptions,
        workspaceModules: project.workspaceModules,
      };
      for (const files of inItems(project.files)) {
        if (signal.aborted) break;
        // one item per turn, so the stream's batching never puts several of them in one frame
        await nextTurn();
        yield { kind: 'files' as const, files };
      }
      const result: LanguageProjectResult = {
        configPath: project.configPath,
        sources: project.files.filter((entry) => entry.role === 'source').length,
        typings: project.files.filter((entry) => entry.role === 'typings').length,
        bytes: project.bytes,
        skippedCount: project.skipped.length,
        skipped: project.skipped.slice(0, LANGUAGE_MAX_SKIPPED_LISTED),
        configErrors: project.configErrors,
        elapsedMs: performance.now() - started,
      };
      return result;
    },
  };
  return { handlers };
}

/** Files in groups of at most LANGUAGE_ITEM_BYTES of text (a bigger file goes alone). */
function* inItems(files: LanguageFile[]): Generator<LanguageFile[]> {
  let group: LanguageFile[] = [];
  let size = 0;
  for (const file of files) {
    if (group.length > 0 && size + file.text.length > LANGUAGE_ITEM_BYTES) {
      yield group;
      group = [];
      size = 0;
    }
    group.push(file);
    size += file.text.length;
  }
  if (group.length > 0) yield group;
}
