// One file's unified diff (git diff --no-ext-diff --no-textconv -- path) as hunks, and the patch of a single hunk
// that `git apply --cached` (stage), `--cached --reverse` (unstage) or `--reverse` (discard) takes. Pure.
import type { GitHunk } from '@pa/shared';

export interface FileDiff {
  /** The lines before the first hunk (diff --git, index, ---, +++): every single-hunk patch starts with them. */
  header: string[];
  binary: boolean;
  hunks: GitHunk[];
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

export function parseFileDiff(text: string): FileDiff {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const header: string[] = [];
  const hunks: GitHunk[] = [];
  let binary = false;
  let current: GitHunk | null = null;
  for (const line of lines) {
    const match = HUNK.exec(line);
    if (match) {
      current = {
        header: line,
        oldStart: Number(match[1]),
        oldLines: match[2] === undefined ? 1 : Number(match[2]),
        newStart: Number(match[3]),
        newLines: match[4] === undefined ? 1 : Number(match[4]),
        lines: [],
      };
      hunks.push(current);
    } else if (current) {
      current.lines.push(line);
    } else {
      if (line.startsWith('Binary files ') || line === 'GIT binary patch') binary = true;
      // a second file's diff (never asked for: one path per call) would start another header
      if (line.startsWith('diff --git ') && header.length > 0) break;
      header.push(line);
    }
  }
  return { header, binary, hunks };
}

/** The patch of one hunk of `diff`, or null when no hunk has that header (the file changed since it was read). */
export function hunkPatch(diff: FileDiff, hunkHeader: string): string | null {
  const hunk = diff.hunks.find((candidate) => candidate.header === hunkHeader);
  if (!hunk) return null;
  return `${[...diff.header, hunk.header, ...hunk.lines].join('\n')}\n`;
}
