// The project's files as the TypeScript worker's extra libs: one per file the engine sent (sources and typings),
// kept current as files change on disk. Extra libs are not Monaco models, so a project of thousands of files costs
// the worker's memory, not the editor's (no model, tokenizer or marker set per file). A file open in a tab is both
// (a model and a lib): the worker reads the model first, so the open buffer — edits in any tab included — is the
// source of truth; the lib is what it falls back to once the tab closes.
import type { Disposable } from '@pa/shared';
import { workerFileName } from './worker-paths';

/** The part of Monaco's LanguageServiceDefaults the feed writes to (a fake in unit tests). */
export interface ExtraLibTarget {
  addExtraLib(content: string, filePath: string): Disposable;
}

interface Lib {
  text: string;
  handles: Disposable[];
}

export class ProjectFeed {
  private readonly libs = new Map<string, Lib>();
  private readonly targets: ExtraLibTarget[] = [];

  /** Adds a worker (TypeScript's, later JavaScript's) and gives it every file known so far. */
  addTarget(target: ExtraLibTarget): void {
    if (this.targets.includes(target)) return;
    this.targets.push(target);
    for (const [path, lib] of this.libs) lib.handles.push(target.addExtraLib(lib.text, workerFileName(path)));
  }

  has(path: string): boolean {
    return this.libs.has(path);
  }

  text(path: string): string | null {
    return this.libs.get(path)?.text ?? null;
  }

  get size(): number {
    return this.libs.size;
  }

  /** Sets a file's text; returns false when it already had exactly that text (nothing for the worker to redo). */
  set(path: string, text: string): boolean {
    const lib = this.libs.get(path);
    if (lib?.text === text) return false;
    // a new version of the same name replaces the old one in the worker; the old handles would no longer remove it
    const handles = this.targets.map((target) => target.addExtraLib(text, workerFileName(path)));
    this.libs.set(path, { text, handles });
    return true;
  }

  delete(path: string): boolean {
    const lib = this.libs.get(path);
    if (!lib) return false;
    for (const handle of lib.handles) handle.dispose();
    this.libs.delete(path);
    return true;
  }

  dispose(): void {
    for (const path of [...this.libs.keys()]) this.delete(path);
    this.targets.length = 0;
  }
}
