// Merge conflict blocks in a file's text (git's <<<<<<< / ||||||| / ======= / >>>>>>> markers) and the text after
// accepting the current side, the incoming side, or both. Pure: the editor's lenses (conflict-lens.ts) use it.

export interface ConflictBlock {
  /** 1-based line of `<<<<<<<`. */
  start: number;
  /** 1-based line of `=======`. */
  separator: number;
  /** 1-based line of `>>>>>>>`. */
  end: number;
  current: string[];
  incoming: string[];
}

export type ConflictChoice = 'current' | 'incoming' | 'both';

export function findConflicts(text: string): ConflictBlock[] {
  const lines = text.split('\n');
  const blocks: ConflictBlock[] = [];
  let open: { start: number; base: number | null; separator: number | null } | null = null;
  lines.forEach((line, index) => {
    const number = index + 1;
    if (line.startsWith('<<<<<<<')) open = { start: number, base: null, separator: null };
    else if (open && line.startsWith('|||||||') && open.separator === null) open.base = number;
    else if (open && line.startsWith('=======') && open.separator === null) open.separator = number;
    else if (open && open.separator !== null && line.startsWith('>>>>>>>')) {
      const currentEnd = (open.base ?? open.separator) - 1;
      blocks.push({
        start: open.start,
        separator: open.separator,
        end: number,
        current: lines.slice(open.start, currentEnd),
        incoming: lines.slice(open.separator, number - 1),
      });
      open = null;
    }
  });
  return blocks;
}

/** The lines that replace a block (from its `<<<<<<<` line to its `>>>>>>>` line) for a choice. */
export function resolution(block: ConflictBlock, choice: ConflictChoice): string[] {
  if (choice === 'current') return block.current;
  if (choice === 'incoming') return block.incoming;
  return [...block.current, ...block.incoming];
}

export function resolveConflict(text: string, block: ConflictBlock, choice: ConflictChoice): string {
  const lines = text.split('\n');
  lines.splice(block.start - 1, block.end - block.start + 1, ...resolution(block, choice));
  return lines.join('\n');
}
