// .gitignore semantics for the tree, the quick-open index and the watcher: every directory's .gitignore applies to
// the paths under it, as git does. `.git` itself is always hidden.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';

const ALWAYS_HIDDEN = new Set(['.git']);

export class IgnoreRules {
  private readonly cache = new Map<string, Ignore | null>();

  constructor(private readonly root: string) {}

  /** `rel` is workspace-relative with '/' separators. */
  isIgnored(rel: string, isDir: boolean): boolean {
    const segments = rel.split('/').filter(Boolean);
    if (segments.some((segment) => ALWAYS_HIDDEN.has(segment))) return true;
    for (let depth = 0; depth < segments.length; depth++) {
      const rules = this.rulesFor(segments.slice(0, depth).join('/'));
      if (!rules) continue;
      const below = segments.slice(depth).join('/');
      if (rules.ignores(isDir ? `${below}/` : below)) return true;
      // A file inside an ignored directory is ignored too ("build/" hides build/a/b.js).
      for (let end = 1; end < segments.length - depth; end++) {
        if (rules.ignores(`${segments.slice(depth, depth + end).join('/')}/`)) return true;
      }
    }
    return false;
  }

  /** Forget cached rules (a .gitignore changed). */
  invalidate(): void {
    this.cache.clear();
  }

  private rulesFor(dir: string): Ignore | null {
    if (this.cache.has(dir)) return this.cache.get(dir) ?? null;
    let rules: Ignore | null = null;
    try {
      rules = ignore().add(readFileSync(join(this.root, dir, '.gitignore'), 'utf8'));
    } catch {
      rules = null; // no .gitignore in this directory
    }
    this.cache.set(dir, rules);
    return rules;
  }
}
