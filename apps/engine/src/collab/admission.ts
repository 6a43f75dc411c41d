// Which paths of the shared files map this engine writes. The map is data from any peer holding the room secret,
// so a key in it is a request, decided here against what the host shared when it started the session.
import type { CollabAdmission } from '@pa/shared';
import { protectedPath } from '@pa/shared/protected-paths';
import { checkRelativePath } from '../files/index.js';

export interface AdmissionPolicy {
  role: 'host' | 'guest';
  /** The paths this engine already writes for the session. */
  files: ReadonlySet<string>;
  /** Host only: guests may create new files and delete shared ones (still never a protected one). */
  allowFileChanges: boolean;
}

/**
 * The host writes its shared files and, when it allowed file changes, new unprotected ones (never one already on
 * its disk: that is the host's unshared file). A guest writes what the host shares, but creates no file a build or
 * test run executes (any peer may add keys, not only the host). Nobody writes a `never` path (.git, hooks, editor
 * and workflow configuration), shared or not. `exists`: whether the file is on this engine's disk already.
 */
export function admit(path: string, policy: AdmissionPolicy, exists: boolean): CollabAdmission {
  const who = policy.role === 'host' ? "a guest's" : "a peer's";
  const refuse = (reason: 'protected' | 'not-shared' | 'invalid', why: string): CollabAdmission => ({
    admitted: false,
    path,
    reason,
    message: `Refused ${who} change to ${reason === 'invalid' ? JSON.stringify(path.slice(0, 200)) : path}: ${why}.`,
  });
  if (!isPlainRelative(path)) return refuse('invalid', 'not a workspace path');
  const rule = protectedPath(path);
  if (rule?.kind === 'never') return refuse('protected', rule.reason);
  if (policy.files.has(path)) return { admitted: true, path };
  if (policy.role === 'host') {
    if (!policy.allowFileChanges) return refuse('not-shared', 'not a shared file');
    // allowing file changes lets guests create files, not overwrite the host's unshared ones
    if (exists) return refuse('not-shared', 'not a shared file (guests may only create new ones)');
  }
  if (rule && !exists) return refuse('protected', `a new file here would be ${rule.reason}`);
  return { admitted: true, path };
}

/** A workspace-relative path in its one spelling: `./a` or `a//b` would name a shared file under a second key. */
function isPlainRelative(path: string): boolean {
  if (path.length > 1024 || [...path].some((char) => char.charCodeAt(0) < 0x20)) return false;
  try {
    const segments = checkRelativePath(path);
    return segments.length > 0 && segments.join('/') === path;
  } catch {
    return false; // checkRelativePath's E_BAD_REQUEST: the answer is a refusal, not an error
  }
}
