// `.aiignore` at the workspace root (gitignore syntax, the `ignore` package): files it excludes are never completed
// and never sent as context — to any model, local or remote. Read again when the file changes (its mtime), bounded
// in size; a path outside the workspace is not the workspace's to exclude.
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

export const AIIGNORE_FILE = '.aiignore';
/** Larger than any sane ignore file; a bigger one is read up to here. */
const MAX_AIIGNORE_BYTES = 256 * 1024;

export class AiIgnore {
  private cached: { root: string; mtimeMs: number; rules: Ignore } | null = null;

  constructor(private readonly root: () => string | null) {}

  /** Whether `path` (absolute, or relative to the workspace root) is excluded from AI. */
  excludes(path: string): boolean {
    return this.matcher()(path);
  }

  /**
   * `excludes` for many paths at once: the file is looked at (stat) once, not once per path (a codebase query checks
   * a few hundred candidates).
   */
  matcher(): (path: string) => boolean {
    const root = this.root();
    if (!root) return () => false;
    const rules = this.rules(root);
    if (!rules) return () => false;
    return (path) => AiIgnore.matches(root, rules, path);
  }

  private static matches(root: string, rules: Ignore, path: string): boolean {
    const rel = (isAbsolute(path) ? relative(root, path) : path).split(sep).join('/').replace(/^\.\//, '');
    if (!rel || rel.startsWith('../') || rel === '..' || isAbsolute(rel)) return false;
    const segments = rel.split('/').filter(Boolean);
    // the file itself, or any folder above it ("secrets/" excludes secrets/a/b.ts)
    if (rules.ignores(segments.join('/'))) return true;
    for (let end = 1; end < segments.length; end++) {
      if (rules.ignores(`${segments.slice(0, end).join('/')}/`)) return true;
    }
    return false;
  }

  private rules(root: string): Ignore | null {
    const file = join(root, AIIGNORE_FILE);
    let mtimeMs: number;
    try {
      const stat = statSync(file);
      if (!stat.isFile()) return null;
      mtimeMs = stat.mtimeMs;
    } catch {
      this.cached = null;
      return null;
    }
    if (this.cached?.root === root && this.cached.mtimeMs === mtimeMs) return this.cached.rules;
    const text = readFileSync(file).subarray(0, MAX_AIIGNORE_BYTES).toString('utf8');
    const rules = ignore().add(text);
    this.cached = { root, mtimeMs, rules };
    return rules;
  }
}
