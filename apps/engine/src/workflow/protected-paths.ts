// No workflow edit step or MCP tool writes inside a `.git` folder (a `.git/config` with `core.fsmonitor`, or a
// hook, runs code on the next `git status`). The spelling rules (case, Unicode, `.git.`, `GIT~1`) are the shared
// protected-path rule's, the same one collab applies to guests.
import { ErrorCode, PaError } from '@pa/shared';
import { isGitPath } from '@pa/shared/protected-paths';

/** Throws E_FORBIDDEN for a workspace-relative path inside a `.git` folder. */
export function refuseGitPath(rel: string): void {
  if (isGitPath(rel))
    throw new PaError(
      ErrorCode.FORBIDDEN,
      `"${rel.slice(0, 200)}" is inside .git; workflows and tools never write there (git runs code from it).`,
      { path: rel.slice(0, 200), reason: 'protected_path' },
    );
}
