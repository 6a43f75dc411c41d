// A file's navigation tree (its symbols) from Monaco's TypeScript worker, for quick open's `@` and the Outline. Kept
// apart from document-symbols.ts, which loads Monaco, so it can be tested without a browser.
import type * as monaco from 'monaco-editor/esm/vs/editor/editor.api';

export type NavigationTree = {
  text: string;
  kind: string;
  spans: Array<{ start: number; length: number }>;
  childItems?: NavigationTree[];
};

/** How long a request to the TypeScript worker may go unanswered before it is asked again. */
export const WORKER_PATIENCE_MS = 3000;
const WORKER_ATTEMPTS = 3;

type WorkerGetter = () => Promise<
  (...uris: monaco.Uri[]) => Promise<{ getNavigationTree(fileName: string): Promise<unknown> }>
>;

/**
 * The file's navigation tree, asked again when the worker does not answer: Monaco restarts its TypeScript worker
 * when the compiler options change (the project's arrive just after the first file opens), and a request made to
 * the worker it stopped is never answered.
 */
export async function navigationTree(
  getWorker: WorkerGetter,
  model: monaco.editor.ITextModel,
  patienceMs = WORKER_PATIENCE_MS,
): Promise<NavigationTree | undefined> {
  for (let attempt = 1; ; attempt++) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unanswered = new Promise<'unanswered'>((resolve) => {
      timer = setTimeout(() => resolve('unanswered'), patienceMs);
    });
    const ask = async () => {
      const worker = await (await getWorker())(model.uri);
      return worker.getNavigationTree(model.uri.toString());
    };
    const answer = await Promise.race([ask(), unanswered]).finally(() => clearTimeout(timer));
    if (answer !== 'unanswered') return answer as NavigationTree | undefined;
    if (attempt === WORKER_ATTEMPTS) throw new Error('The TypeScript service did not answer. Try again in a moment.');
  }
}
