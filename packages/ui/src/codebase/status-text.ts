// What the codebase index's status reads as: the status-bar item ("Indexing 45%", "Index: 1,234 files"), its
// tooltip, and the figures the Search Codebase view shows above its query. Pure, so each state is a unit test.
import type { IndexStatus } from '@pa/shared';

const numbers = new Intl.NumberFormat('en-US');

/** 1234 → "1,234" (the same grouping whatever the page's locale, so tests and screenshots agree). */
export function count(value: number): string {
  return numbers.format(value);
}

const plural = (value: number, one: string, many: string) => `${count(value)} ${value === 1 ? one : many}`;

/** How far a run has got, in whole percent; never 100 while files are still left. */
export function percentIndexed(status: IndexStatus): number {
  if (status.filesTotal === 0) return 0;
  const percent = Math.floor((status.filesIndexed / status.filesTotal) * 100);
  return status.filesIndexed < status.filesTotal ? Math.min(percent, 99) : 100;
}

export type StatusTone = 'busy' | 'quiet' | 'paused' | 'error';

export interface StatusItemText {
  text: string;
  tooltip: string;
  tone: StatusTone;
}

/** The model as people know it: its file name, without the path or the engine's `:fingerprint` after it. */
export function modelName(model: string): string {
  const name = model.split(/[\\/]/).at(-1) ?? model;
  return name.replace(/:[0-9a-f]{8,64}$/, '');
}

/** "embeddings: model.onnx (5,678 of 6,000 chunks)", or that search uses keywords only and why. */
export function embeddingsText(status: IndexStatus): string {
  if (status.embeddingModel) {
    return `Embeddings: ${modelName(status.embeddingModel)} (${count(status.embedded)} of ${plural(status.chunks, 'chunk', 'chunks')})`;
  }
  return status.embeddingsNote ? `Keyword search only: ${status.embeddingsNote}` : 'Keyword search only.';
}

/** The status-bar item, or null while no folder is open (the item is hidden). */
export function statusItemText(status: IndexStatus | null): StatusItemText | null {
  if (!status || status.state === 'off') return null;
  const files = `${count(status.filesIndexed)} of ${plural(status.filesTotal, 'file', 'files')}`;
  const open = 'Click to search the codebase.';
  switch (status.state) {
    case 'indexing': {
      const rate = status.filesPerSecond ? ` at ${count(Math.round(status.filesPerSecond))} files/s` : '';
      return {
        text: status.filesTotal === 0 ? 'Indexing…' : `Indexing ${percentIndexed(status)}%`,
        tooltip: `Indexing the codebase: ${files}${rate}. ${open}`,
        tone: 'busy',
      };
    }
    case 'ready':
      return {
        text: `Index: ${plural(status.filesIndexed, 'file', 'files')}`,
        tooltip: `Codebase index ready: ${plural(status.filesIndexed, 'file', 'files')}, ${plural(status.chunks, 'chunk', 'chunks')}. ${embeddingsText(status)} ${open}`,
        tone: 'quiet',
      };
    case 'paused':
      return {
        text: status.filesTotal > 0 ? `Index paused ${percentIndexed(status)}%` : 'Index paused',
        tooltip: `Indexing is paused at ${files}; search answers from what is indexed. ${open}`,
        tone: 'paused',
      };
    case 'error':
      return {
        text: 'Index error',
        tooltip: `${status.error ?? 'Indexing stopped on an error.'} ${open}`,
        tone: 'error',
      };
  }
}

/** The view's one-line state: a word for it and the figures beside it. */
export function viewStatusText(status: IndexStatus | null): { label: string; figures: string } {
  if (!status || status.state === 'off') return { label: 'No folder', figures: 'Open a folder to index it.' };
  const chunks = plural(status.chunks, 'chunk', 'chunks');
  switch (status.state) {
    case 'indexing': {
      const rate = status.filesPerSecond ? ` · ${count(Math.round(status.filesPerSecond))} files/s` : '';
      return {
        label: status.filesTotal === 0 ? 'Indexing…' : `Indexing ${percentIndexed(status)}%`,
        figures: `${count(status.filesIndexed)} / ${count(status.filesTotal)} files · ${chunks}${rate}`,
      };
    }
    case 'ready':
      return { label: 'Ready', figures: `${plural(status.filesIndexed, 'file', 'files')} · ${chunks}` };
    case 'paused':
      return {
        label: 'Paused',
        figures: `${count(status.filesIndexed)} / ${count(status.filesTotal)} files · ${chunks}`,
      };
    case 'error':
      return { label: 'Error', figures: status.error ?? 'Indexing stopped on an error.' };
  }
}
