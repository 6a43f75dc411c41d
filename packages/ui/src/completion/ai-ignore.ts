// The editor's copy of the workspace's .aiignore (gitignore syntax, the `ignore` package like the engine's): a file
// it excludes is not asked about at all, so nothing of it leaves the page. The engine checks again on every
// ai.infill (and drops excluded context chunks), so this copy only saves the request; it is the engine that is
// the authority. Read when the folder opens and again when .aiignore changes; a file over 256 KiB is read up to there.
import type { EngineClient } from '@pa/shared';
import ignore, { type Ignore } from 'ignore';

export const AIIGNORE_FILE = '.aiignore';
const MAX_CHARS = 256 * 1024;

/** Whether `rules` exclude `path` (workspace-relative, '/'-separated): the file itself or a folder above it. */
export function excludedBy(rules: Ignore, path: string): boolean {
  const segments = path.replace(/^\.\//, '').split('/').filter(Boolean);
  if (segments.length === 0 || segments.includes('..')) return false;
  if (rules.ignores(segments.join('/'))) return true;
  for (let end = 1; end < segments.length; end++) {
    if (rules.ignores(`${segments.slice(0, end).join('/')}/`)) return true;
  }
  return false;
}

export function rulesOf(text: string): Ignore {
  return ignore({ allowRelativePaths: true }).add(text.slice(0, MAX_CHARS));
}

export class AiIgnoreRules {
  private rules: Promise<Ignore | null> = Promise.resolve(null);

  constructor(private readonly client: Pick<EngineClient, 'call'>) {}

  /** (Re)reads .aiignore; until it is read, `excludes` waits for it. */
  reload(): void {
    this.rules = this.client.call('files.read', { path: AIIGNORE_FILE }).then(
      (file) => (file.binary ? null : rulesOf(file.content)),
      // no .aiignore (or it cannot be read): nothing is excluded here — the engine still decides
      () => null,
    );
  }

  async excludes(path: string): Promise<boolean> {
    const rules = await this.rules;
    return rules !== null && excludedBy(rules, path);
  }
}
