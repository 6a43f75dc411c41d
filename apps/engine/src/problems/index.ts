// The problems capability: what the editor's Problems panel shows, as the page publishes it (`problems.publish`:
// the TypeScript worker's markers live in the page), kept per workspace file, the last list of a file replacing the
// one before. The agent's `diagnostics` tool reads it, with the language servers' diagnostics the engine holds
// itself. Published paths are checked like any other (relative, no "..", never inside `.git`), and bounded: at most
// PROBLEMS_MAX_FILES files are kept; a publish past that is refused whole. Cleared when the folder changes.
import {
  ErrorCode,
  PaError,
  PROBLEMS_MAX_FILES,
  type ProblemsPublishParams,
  type PublishedProblem,
  type WorkspaceProblem,
} from '@pa/shared';
import { isGitPath } from '@pa/shared/protected-paths';
import type { Capability, EngineContext } from '../context.js';
import { checkRelativePath } from '../files/api.js';

export class ProblemsStore {
  readonly #files = new Map<string, PublishedProblem[]>();

  /**
   * Applies one publish: every path is checked first (E_BAD_REQUEST for one outside the workspace, E_FORBIDDEN inside
   * `.git`, E_TOO_LARGE past PROBLEMS_MAX_FILES), so a refused publish changes nothing.
   */
  publish(params: ProblemsPublishParams): void {
    const next = new Map<string, PublishedProblem[]>();
    for (const file of params.files) {
      const segments = checkRelativePath(file.path);
      if (segments.length === 0) throw new PaError(ErrorCode.BAD_REQUEST, 'A problem needs a file path.');
      const path = segments.join('/');
      if (isGitPath(path)) {
        throw new PaError(ErrorCode.FORBIDDEN, `"${path.slice(0, 200)}" is inside .git; no problems are kept there.`);
      }
      next.set(path, file.problems);
    }
    const kept = params.reset ? new Set<string>() : new Set(this.#files.keys());
    for (const [path, problems] of next) {
      if (problems.length === 0) kept.delete(path);
      else kept.add(path);
    }
    if (kept.size > PROBLEMS_MAX_FILES) {
      throw new PaError(ErrorCode.TOO_LARGE, `Problems are kept for ${PROBLEMS_MAX_FILES} files at most.`);
    }
    if (params.reset) this.#files.clear();
    for (const [path, problems] of next) {
      if (problems.length === 0) this.#files.delete(path);
      else this.#files.set(path, problems);
    }
  }

  clear(): void {
    this.#files.clear();
  }

  /** Every problem published, file by file (the files in publish order). */
  all(): WorkspaceProblem[] {
    const out: WorkspaceProblem[] = [];
    for (const [path, problems] of this.#files) for (const problem of problems) out.push({ path, ...problem });
    return out;
  }

  get files(): number {
    return this.#files.size;
  }
}

export interface ProblemsCapability extends Capability {
  store: ProblemsStore;
}

export function createProblems(context: EngineContext): ProblemsCapability {
  const store = new ProblemsStore();
  const stop = context.workspace.onDidChange(() => store.clear());
  return {
    store,
    handlers: {
      'problems.publish': (params) => {
        store.publish(params);
        return { ok: true as const };
      },
    },
    dispose: () => {
      stop();
      store.clear();
    },
  };
}
