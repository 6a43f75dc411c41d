// Tells the engine what the Problems panel holds (`problems.publish`), so the agent's `diagnostics` tool sees what
// the user sees: the TypeScript worker's markers live only in this page. Publishes what changed, file by file (a
// file's list replaces the one the engine had; an empty list clears it), at most once per PUBLISH_MS, in batches of
// PROBLEMS_PUBLISH_FILES; the first publish of a page resets the engine's copy.
import {
  type Disposable,
  type EngineClient,
  PROBLEMS_MAX_FILES,
  PROBLEMS_PER_FILE,
  PROBLEMS_PUBLISH_FILES,
  type PublishedProblem,
} from '@pa/shared';
import type { Observable } from '../workbench/observable';
import type { ProblemsState } from './problems-model';

const PUBLISH_MS = 300;

type Publish = (params: {
  reset: boolean;
  files: Array<{ path: string; problems: PublishedProblem[] }>;
}) => Promise<unknown>;

export class ProblemsPublisher implements Disposable {
  /** What the engine holds now, per file: the list's JSON (to tell what changed). */
  private readonly published = new Map<string, string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private first = true;
  private sending: Promise<void> = Promise.resolve();
  private readonly stop: () => void;
  private disposed = false;

  constructor(
    private readonly state: Observable<ProblemsState>,
    private readonly publish: Publish,
    private readonly delay = PUBLISH_MS,
  ) {
    this.stop = state.subscribe(() => this.schedule());
    this.schedule();
  }

  static forClient(state: Observable<ProblemsState>, client: EngineClient): ProblemsPublisher {
    return new ProblemsPublisher(state, (params) => client.call('problems.publish', params));
  }

  /** Publishes what changed now (the tests; otherwise the timer does). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.sending = this.sending.then(() => this.send());
    return this.sending;
  }

  /** Publishes everything again, as a reset (the folder changed: the engine dropped what it had). */
  restart(): void {
    this.first = true;
    this.published.clear();
    this.schedule();
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.disposed || this.timer) return;
    this.timer = setTimeout(() => void this.flush(), this.delay);
  }

  private async send(): Promise<void> {
    if (this.disposed) return;
    const now = new Map<string, { json: string; problems: PublishedProblem[] }>();
    for (const file of this.state.value.files.slice(0, PROBLEMS_MAX_FILES)) {
      const problems = file.problems.slice(0, PROBLEMS_PER_FILE).map((problem) => ({
        severity: problem.severity,
        line: Math.max(1, problem.line),
        column: Math.max(1, problem.column),
        message: problem.message.slice(0, 4_000),
        source: problem.source.slice(0, 100),
      }));
      now.set(file.path, { json: JSON.stringify(problems), problems });
    }
    const changed: Array<{ path: string; problems: PublishedProblem[] }> = [];
    for (const [path, file] of now)
      if (this.published.get(path) !== file.json) changed.push({ path, problems: file.problems });
    if (!this.first) for (const path of this.published.keys()) if (!now.has(path)) changed.push({ path, problems: [] });
    if (changed.length === 0 && !this.first) return;
    for (let at = 0; at < Math.max(changed.length, 1); at += PROBLEMS_PUBLISH_FILES) {
      const files = changed.slice(at, at + PROBLEMS_PUBLISH_FILES);
      try {
        await this.publish({ reset: this.first, files });
      } catch {
        // the engine is away (a restart): start over with a reset on the next change
        this.first = true;
        this.published.clear();
        return;
      }
      this.first = false;
      for (const file of files) {
        if (file.problems.length === 0) this.published.delete(file.path);
        else this.published.set(file.path, now.get(file.path)?.json ?? '');
      }
    }
  }
}
