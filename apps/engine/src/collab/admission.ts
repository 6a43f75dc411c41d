// Which paths of the shared files map this engine writes. The map is data from any peer holding the room secret,
// so a key in it is a request, decided here against what the host shared when it started the session.
import type { CollabAdmission } from '@pa/shared';
import { protectedPath } from '@pa/shared/protected-paths';
import { checkRelativePath } from '../files/index.js';

export interface AdmissionPolicy {
  role: 'host' | 'guest';
  /** The paths this engine already writes for the session. */
  files: ReadonlySet<string>;
  /** Host only: guests may create new files (still never a protected one). */
  allowFileChanges: boolean;
}

/**
 * The host writes its shared files and, when it allowed file changes, new unprotected ones; a guest writes what
 * the host shares. Nobody writes a `never` path (.git, hooks, editor and workflow configuration), shared or not.
 */
export function admit(path: string, policy: AdmissionPolicy): CollabAdmission {
  const refuse = (reason: 'protected' | 'not-shared' | 'invalid', message: string): CollabAdmission => ({
    admitted: false,
    path,
    reason,
    message,
  });
  if (!isPlainRelative(path)) {
    return refuse(
      'invalid',
      `Refused a guest's change to ${JSON.stringify(path.slice(0, 200))}: not a workspace path.`,
    );
  }
  const rule = protectedPath(path);
  if (rule?.kind === 'never') return refuse('protected', `Refused a guest's change to ${path}: ${rule.reason}.`);
  if (policy.files.has(path) || policy.role === 'guest') return { admitted: true, path };
  if (!policy.allowFileChanges) return refuse('not-shared', `Refused a guest's change to ${path}: not a shared file.`);
  if (rule) return refuse('protected', `Refused a guest's new file ${path}: ${rule.reason}.`);
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
