// git's `--progress` stderr as items: lines end in '\r' while a phase counts up and in '\n' when it ends
// (`Receiving objects:  45% (9/20)\r`, `remote: Counting objects: 100% (3/3), done.\n`). Pure.
import type { GitProgress } from '@pa/shared';

const PERCENT = /^(?:remote: )?([A-Za-z][A-Za-z ]*?):\s+(\d{1,3})%/;
const PHASE = /^(?:remote: )?([A-Za-z][A-Za-z ]*?):\s/;

export function progressOf(line: string): GitProgress | null {
  const text = line.trim();
  if (text === '') return null;
  const percent = PERCENT.exec(text);
  if (percent?.[1]) return { phase: percent[1], percent: Math.min(100, Number(percent[2])), text };
  const phase = PHASE.exec(text);
  return { phase: phase?.[1] ?? '', percent: null, text };
}

/** Splits stderr chunks into lines at '\r' and '\n', keeping a partial line for the next chunk. */
export class ProgressLines {
  private partial = '';

  push(chunk: string): GitProgress[] {
    const parts = (this.partial + chunk).split(/[\r\n]/);
    this.partial = parts.pop() ?? '';
    return parts.map(progressOf).filter((item): item is GitProgress => item !== null);
  }

  end(): GitProgress[] {
    const last = progressOf(this.partial);
    this.partial = '';
    return last ? [last] : [];
  }
}
