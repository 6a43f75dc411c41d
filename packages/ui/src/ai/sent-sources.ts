// How the record of what was sent names the workspace files and chunks a request carried (Sent to remote models).
import type { SentSource } from '@pa/shared';

/** `src/a.ts:10-20`, `src/a.ts:7`, or the path alone when the whole file (or no lines) went. */
export function sourceLabel(source: SentSource): string {
  if (source.startLine === undefined) return source.path;
  const end = source.endLine ?? source.startLine;
  return end === source.startLine ? `${source.path}:${source.startLine}` : `${source.path}:${source.startLine}-${end}`;
}

export function bytesLabel(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The row's short line: how many files (and chunks of them) it carried; '' when none. */
export function sourcesSummary(sources: readonly SentSource[], cut: boolean): string {
  if (sources.length === 0) return '';
  const files = new Set(sources.map((source) => source.path)).size;
  const chunks = sources.length;
  const more = cut ? '+' : '';
  const fileWord = files === 1 ? 'file' : 'files';
  return chunks === files ? `${files}${more} ${fileWord}` : `${files}${more} ${fileWord}, ${chunks}${more} chunks`;
}
