// The unified diffs of an agent turn's edits, as the diff review shows them: +/− counts, the lines to colour, and the
// text a file had before the turn (the diff taken back off the file now) for Monaco's diff editor.
import type { AgentEdit } from '@pa/shared';
import { applyPatch, diffLines as lineChanges, parsePatch, reversePatch } from 'diff';

export type DiffLineKind = 'add' | 'del' | 'context' | 'hunk' | 'meta';

export interface DiffLine {
  kind: DiffLineKind;
  text: string;
}

/** File headers (`---`, `+++`, `Index:`, `===`) are left out: the review names the file itself. */
function isHeader(line: string): boolean {
  return (
    line.startsWith('--- ') ||
    line.startsWith('+++ ') ||
    line.startsWith('Index: ') ||
    /^={10,}$/.test(line) ||
    line.startsWith('rename from ') ||
    line.startsWith('rename to ')
  );
}

export function diffLines(diff: string): DiffLine[] {
  const lines: DiffLine[] = [];
  for (const line of diff.split('\n')) {
    if (isHeader(line)) continue;
    if (line.startsWith('@@')) lines.push({ kind: 'hunk', text: line });
    else if (line.startsWith('+')) lines.push({ kind: 'add', text: line });
    else if (line.startsWith('-')) lines.push({ kind: 'del', text: line });
    else if (line.startsWith(' ')) lines.push({ kind: 'context', text: line });
    else if (line) lines.push({ kind: 'meta', text: line });
  }
  return lines;
}

export function diffStats(diff: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+') && !line.startsWith('+++ ')) added++;
    else if (line.startsWith('-') && !line.startsWith('--- ')) removed++;
  }
  return { added, removed };
}

/** The file's text before the turn, from its text now; null when the diff does not fit it any more. */
export function originalText(edit: AgentEdit, current: string): string | null {
  if (edit.kind === 'created') return '';
  if (edit.kind === 'renamed' && !edit.diff.includes('@@')) return current;
  try {
    const [patch] = parsePatch(edit.diff);
    if (!patch || patch.hunks.length === 0) return null;
    const before = applyPatch(current, reversePatch(patch));
    return before === false ? null : before;
  } catch {
    return null;
  }
}

function pieceLines(prefix: '+' | '-' | ' ', text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line) => `${prefix}${line}`);
}

/**
 * What a write call asked to approve will change, as diff lines: edit_file's search/replace blocks (their common
 * lines as context) or its patch, create_file's content. Null for any other call (its arguments show as they are).
 */
export function proposedChange(name: string, args: Record<string, unknown>): DiffLine[] | null {
  if (name === 'edit_file' && typeof args.patch === 'string') return diffLines(args.patch);
  const edits: unknown = args.edits;
  if (name === 'edit_file' && Array.isArray(edits)) {
    const lines: DiffLine[] = [];
    edits.forEach((edit: unknown, index) => {
      const { search, replace } = (edit ?? {}) as { search?: unknown; replace?: unknown };
      if (typeof search !== 'string' || typeof replace !== 'string') return;
      if (edits.length > 1) lines.push({ kind: 'hunk', text: `@@ edit ${index + 1} of ${edits.length} @@` });
      for (const change of lineChanges(search, replace)) {
        const prefix = change.added ? '+' : change.removed ? '-' : ' ';
        const kind = change.added ? 'add' : change.removed ? 'del' : 'context';
        for (const text of pieceLines(prefix, change.value)) lines.push({ kind, text });
      }
    });
    return lines.length > 0 ? lines : null;
  }
  if (name === 'create_file' && typeof args.content === 'string')
    return pieceLines('+', args.content).map((text) => ({ kind: 'add', text }));
  return null;
}
