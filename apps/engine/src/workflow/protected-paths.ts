// Paths no workflow edit step or MCP tool may write: anything inside a `.git` folder (a `.git/config` with
// `core.fsmonitor`, or a hook, runs code on the next `git status`). Matched the way file systems match names:
// case-insensitively (macOS, Windows), after Unicode normalisation, without the characters HFS+ ignores, and
// without the trailing dots and spaces Windows drops (`.GIT`, `.Git.`, `.g\u200cit`, `GIT~1` all count).
import { ErrorCode, PaError } from '@pa/shared';

// Default-ignorable code points HFS+ drops from names (the ones git itself guards against since CVE-2014-9390).
const IGNORABLE = /[\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\u206A-\u206F\uFEFF]/g;

/** A path segment as a case-insensitive, normalising file system would compare it. */
export function comparableName(segment: string): string {
  return segment
    .normalize('NFKC')
    .replace(IGNORABLE, '')
    .toLowerCase()
    .replace(/[. ]+$/, '');
}

export function isGitPath(rel: string): boolean {
  return rel.split(/[/\\]/).some((segment) => {
    const name = comparableName(segment);
    // `.git.` → `.git` once trailing dots go; `git~1` is the 8.3 short name Windows gives `.git`
    return name === '.git' || name === 'git~1';
  });
}

/** Throws E_FORBIDDEN for a workspace-relative path inside a `.git` folder. */
export function refuseGitPath(rel: string): void {
  if (isGitPath(rel))
    throw new PaError(
      ErrorCode.FORBIDDEN,
      `"${rel.slice(0, 200)}" is inside .git; workflows and tools never write there (git runs code from it).`,
      { path: rel.slice(0, 200), reason: 'protected_path' },
    );
}
