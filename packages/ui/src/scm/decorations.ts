// Git's mark for each changed file, as the explorer and the tabs show it (VS Code's letters and colours): M modified,
// A added, D deleted, R renamed, U untracked, ! conflict, and ignored files dimmed. Folders holding changes get a dot.
// One page has one workbench, so one store, filled by the source control feature from each status it reads.
import type { GitChange, GitState, GitStatus } from '@pa/shared';
import { Observable } from '../workbench/observable';

export type GitMark = 'modified' | 'added' | 'deleted' | 'renamed' | 'untracked' | 'conflict' | 'ignored';

export interface GitDecoration {
  mark: GitMark;
  letter: string;
}

export interface GitDecorations {
  files: ReadonlyMap<string, GitDecoration>;
  /** Folders with a change somewhere below them, with the strongest mark found there. */
  folders: ReadonlyMap<string, GitMark>;
}

export const gitDecorations = new Observable<GitDecorations>({ files: new Map(), folders: new Map() });

const LETTERS: Record<GitMark, string> = {
  modified: 'M',
  added: 'A',
  deleted: 'D',
  renamed: 'R',
  untracked: 'U',
  conflict: '!',
  ignored: '',
};

/** A conflict outweighs a modification, which outweighs an addition, and so on (for a folder's colour). */
const WEIGHT: Record<GitMark, number> = {
  conflict: 6,
  modified: 5,
  deleted: 4,
  renamed: 3,
  added: 2,
  untracked: 1,
  ignored: 0,
};

/** The mark of a change as seen from one side (`state`: its index or work-tree state). */
export function markOf(change: GitChange, state: GitState): GitMark {
  if (change.kind === 'conflict') return 'conflict';
  if (change.kind === 'untracked') return 'untracked';
  if (change.kind === 'ignored') return 'ignored';
  if (state === 'A') return 'added';
  if (state === 'D') return 'deleted';
  if (state === 'R' || change.kind === 'renamed') return 'renamed';
  return 'modified';
}

export function decorationsOf(status: GitStatus | null): GitDecorations {
  const files = new Map<string, GitDecoration>();
  const folders = new Map<string, GitMark>();
  if (!status?.repository) return { files, folders };
  for (const change of status.changes) {
    const mark = markOf(change, change.worktree !== '.' ? change.worktree : change.index);
    const path = change.path.replace(/\/$/, '');
    files.set(path, { mark, letter: LETTERS[mark] });
    if (mark === 'ignored') continue;
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join('/');
      const had = folders.get(folder);
      if (!had || WEIGHT[mark] > WEIGHT[had]) folders.set(folder, mark);
    }
  }
  return { files, folders };
}

/** The decoration of a path: its own, or (for an ignored folder's files) the ignored folder's. */
export function decorationFor(decorations: GitDecorations, path: string): GitDecoration | null {
  const own = decorations.files.get(path);
  if (own) return own;
  const folder = decorations.folders.get(path);
  if (folder) return { mark: folder, letter: '' };
  for (let at = path.lastIndexOf('/'); at > 0; at = path.lastIndexOf('/', at - 1)) {
    if (decorations.files.get(path.slice(0, at))?.mark === 'ignored') return { mark: 'ignored', letter: '' };
  }
  return null;
}
