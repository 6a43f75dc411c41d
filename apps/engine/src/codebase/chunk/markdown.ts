// Markdown is cut at its headings: a section (a heading and what follows it, up to the next heading) is a block
// named by its heading, in windows when it is long. A '#' inside a fenced code block is not a heading.
import { type Source, windows } from './lines.js';
import type { Pace, RawChunk } from './syntax.js';
import type { Limits } from './types.js';

const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

export async function markdownChunks(source: Source, limits: Limits, pace: Pace): Promise<RawChunk[]> {
  const sections: { start: number; name: string | null }[] = [{ start: 0, name: null }];
  let fence: string | null = null;
  for (let row = 0; row < source.rowCount; row++) {
    if (row % 4_096 === 0) await pace();
    const line = source.line(row);
    // a row past the character limit is no heading anyone wrote; skipping it keeps the regexes off megabyte lines
    if (line.length > limits.maxChars) continue;
    const opened = FENCE.exec(line);
    if (opened) {
      const marker = opened[1] as string;
      if (fence === null) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = null;
      continue;
    }
    if (fence !== null) continue;
    const heading = HEADING.exec(line);
    if (heading) sections.push({ start: row, name: heading[2]?.trim() || null });
  }
  const chunks: RawChunk[] = [];
  for (let index = 0; index < sections.length; index++) {
    const section = sections[index] as { start: number; name: string | null };
    const end = (sections[index + 1]?.start ?? source.rowCount) - 1;
    for (const piece of windows(source, section.start, end, limits, {
      overlap: limits.overlap,
      overlapAtBreaks: true,
    })) {
      chunks.push({ ...piece, kind: 'block', name: section.name });
      if (chunks.length % 64 === 0) await pace();
    }
  }
  return chunks;
}
