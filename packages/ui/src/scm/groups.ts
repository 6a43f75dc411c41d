// What the Source Control view shows, derived from a status: the Merge Changes, Staged Changes and Changes groups,
// a change's letter, the hunk under the cursor; and the commit workflow's prompt for the AI message. Pure.
import type { GitChange, GitHunk, GitStatus } from '@pa/shared';

export interface ScmGroups {
  conflicts: GitChange[];
  staged: GitChange[];
  changes: GitChange[];
}

/** The prompt of resources/workflows/commit.yml's `message` step (scm-controller.test.ts keeps them equal). */
export const COMMIT_MESSAGE_PROMPT =
  'Write a git commit message for this staged diff: a subject line of at most 72 characters in the\n' +
  'imperative mood, a blank line, then a short body saying why. Answer with the message only.\n\n';

export function groupsOf(status: GitStatus | null): ScmGroups {
  const groups: ScmGroups = { conflicts: [], staged: [], changes: [] };
  if (!status?.repository) return groups;
  for (const change of status.changes) {
    if (change.kind === 'conflict') groups.conflicts.push(change);
    else if (change.kind === 'untracked') groups.changes.push(change);
    else if (change.kind !== 'ignored') {
      if (change.index !== '.') groups.staged.push(change);
      if (change.worktree !== '.') groups.changes.push(change);
    }
  }
  return groups;
}

/** The letter VS Code shows beside a change: M, A, D, R, U (untracked), C (conflict). */
export function letterOf(change: GitChange, side: 'index' | 'worktree'): string {
  if (change.kind === 'untracked') return 'U';
  if (change.kind === 'conflict') return '!';
  const state = change[side];
  return state === '.' ? '' : state;
}

/** The hunk of `hunks` that holds `line` of the new side (or the nearest one after a deletion there). */
export function hunkAt(hunks: readonly GitHunk[], line: number): GitHunk | null {
  return (
    hunks.find((hunk) => line >= hunk.newStart && line < hunk.newStart + Math.max(hunk.newLines, 1)) ??
    hunks.find((hunk) => hunk.newLines === 0 && line === hunk.newStart + 1) ??
    null
  );
}
