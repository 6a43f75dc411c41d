// The language capability's worker thread: TypeScript's config parsing, module resolution and the file reads of a
// project (project.ts) run here, off the engine's event loop, which meanwhile answers every other request. One worker
// serves one engine: requests run one at a time, in order; what it read stays in its FileCache for the next one.
// Cancellation is cooperative (a flag in shared memory, read between files); index.ts terminates a worker that does
// not stop. Paths arrive already confined (the real workspace root, a file inside it); the host confines the rest.
import { parentPort, workerData } from 'node:worker_threads';
import { type CompilerOptionValue, LANGUAGE_MAX_SKIPPED_LISTED, type LanguageFile } from '@pa/shared';
import { confinedHost } from './host.js';
import { FileCache, loadProject, type ProjectLimits, prepareProjects, type SkipReason } from './project.js';

/** `cancelled`: 4 bytes of shared memory the engine sets to 1 to stop the request between two files. */
export type WorkerRequest =
  | {
      type: 'project';
      id: number;
      root: string;
      file: string;
      limits: ProjectLimits;
      itemBytes: number;
      cancelled: SharedArrayBuffer;
    }
  | { type: 'prepare'; id: number; root: string; limits: ProjectLimits; cancelled: SharedArrayBuffer };

export type WorkerReply =
  /** The worker begins the request (the engine's grace for a cancelled one starts then). */
  | { type: 'started'; id: number }
  | {
      type: 'config';
      id: number;
      configPath: string | null;
      compilerOptions: Record<string, CompilerOptionValue>;
    }
  | { type: 'files'; id: number; files: LanguageFile[] }
  | {
      type: 'done';
      id: number;
      configPath: string | null;
      workspaceModules: Record<string, string>;
      sources: number;
      typings: number;
      bytes: number;
      skippedCount: number;
      /** The first LANGUAGE_MAX_SKIPPED_LISTED. */
      skipped: Array<{ path: string; reason: SkipReason }>;
      configErrors: string[];
    }
  | { type: 'prepared'; id: number; configs: number; files: number }
  | { type: 'error'; id: number; message: string };

export interface WorkerData {
  /** Int32 [0]: project requests posted and not yet started (a read-ahead gives way to them). */
  waiting: SharedArrayBuffer;
}

if (parentPort) {
  const port = parentPort;
  const waiting = new Int32Array((workerData as WorkerData).waiting);
  // bounded by what projects may send: two projects' worth of text
  let cache: { root: string; files: FileCache } | null = null;
  const cacheOf = (root: string, limits: ProjectLimits): FileCache => {
    if (cache?.root !== root) cache = { root, files: new FileCache(limits.maxTotalBytes * 2) };
    return cache.files;
  };
  const post = (reply: WorkerReply) => port.postMessage(reply);

  port.on('message', (request: WorkerRequest) => {
    const flag = new Int32Array(request.cancelled);
    const cancelled = () => Atomics.load(flag, 0) === 1;
    post({ type: 'started', id: request.id });
    try {
      if (request.type === 'prepare') {
        // a project request waiting behind it ends the read-ahead: what was read so far is in the cache
        const stopped = () => cancelled() || Atomics.load(waiting, 0) > 0;
        const prepared = prepareProjects(
          confinedHost(request.root),
          request.limits,
          cacheOf(request.root, request.limits),
          stopped,
        );
        post({ type: 'prepared', id: request.id, ...prepared });
        return;
      }
      Atomics.sub(waiting, 0, 1);
      if (cancelled()) {
        post({ type: 'error', id: request.id, message: 'cancelled' });
        return;
      }
      let group: LanguageFile[] = [];
      let size = 0;
      const flush = () => {
        if (group.length > 0) post({ type: 'files', id: request.id, files: group });
        group = [];
        size = 0;
      };
      const project = loadProject(
        confinedHost(request.root),
        request.file,
        request.limits,
        {
          config: (config) => post({ type: 'config', id: request.id, ...config }),
          // files in groups of at most itemBytes of text (a bigger file goes alone), posted as they fill
          file: (file) => {
            if (group.length > 0 && size + file.text.length > request.itemBytes) flush();
            group.push(file);
            size += file.text.length;
          },
          stopped: cancelled,
        },
        cacheOf(request.root, request.limits),
      );
      flush();
      post({
        type: 'done',
        id: request.id,
        configPath: project.configPath,
        workspaceModules: project.workspaceModules,
        sources: project.files.filter((entry) => entry.role === 'source').length,
        typings: project.files.filter((entry) => entry.role === 'typings').length,
        bytes: project.bytes,
        skippedCount: project.skipped.length,
        skipped: project.skipped.slice(0, LANGUAGE_MAX_SKIPPED_LISTED),
        configErrors: project.configErrors,
      });
    } catch (error) {
      post({ type: 'error', id: request.id, message: error instanceof Error ? error.message : String(error) });
    }
  });
}
