import type { IndexStatus } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { embeddingsText, percentIndexed, statusItemText, viewStatusText } from './status-text';

const status = (change: Partial<IndexStatus>): IndexStatus => ({
  state: 'ready',
  filesTotal: 5000,
  filesIndexed: 5000,
  chunks: 23456,
  filesPerSecond: null,
  embeddingModel: null,
  embeddingsNote: null,
  embedded: 0,
  error: null,
  ...change,
});

describe('the index status item', () => {
  it('is hidden while no folder is open or before the engine answered', () => {
    expect(statusItemText(null)).toBeNull();
    expect(statusItemText(status({ state: 'off', filesTotal: 0, filesIndexed: 0 }))).toBeNull();
  });

  it('shows the percentage while indexing, with the files and the rate in its tooltip', () => {
    const item = statusItemText(status({ state: 'indexing', filesIndexed: 2250, filesPerSecond: 181.6 }));
    expect(item).toEqual({
      text: 'Indexing 45%',
      tooltip: 'Indexing the codebase: 2,250 of 5,000 files at 182 files/s. Click to search the codebase.',
      tone: 'busy',
    });
    // still walking the folder: no total to take a percentage of
    expect(statusItemText(status({ state: 'indexing', filesTotal: 0, filesIndexed: 0 }))?.text).toBe('Indexing…');
  });

  it('never says 100% while a file is left', () => {
    expect(percentIndexed(status({ state: 'indexing', filesIndexed: 4999 }))).toBe(99);
    expect(statusItemText(status({ state: 'indexing', filesIndexed: 4999 }))?.text).toBe('Indexing 99%');
  });

  it('is a quiet file count once ready, with what search uses in the tooltip', () => {
    const item = statusItemText(status({ filesIndexed: 1234, filesTotal: 1234 }));
    expect(item?.text).toBe('Index: 1,234 files');
    expect(item?.tone).toBe('quiet');
    expect(item?.tooltip).toContain('1,234 files, 23,456 chunks');
    expect(item?.tooltip).toContain('Keyword search only.');
    expect(statusItemText(status({ filesIndexed: 1, filesTotal: 1, chunks: 1 }))?.text).toBe('Index: 1 file');
  });

  it('says when it is paused, and where', () => {
    expect(statusItemText(status({ state: 'paused', filesIndexed: 1000 }))).toMatchObject({
      text: 'Index paused 20%',
      tone: 'paused',
    });
  });

  it('shows an error with the engine’s sentence in the tooltip', () => {
    const item = statusItemText(status({ state: 'error', error: 'The index stopped: disk full. Rebuild it.' }));
    expect(item).toMatchObject({ text: 'Index error', tone: 'error' });
    expect(item?.tooltip).toContain('The index stopped: disk full. Rebuild it.');
  });
});

describe('the view’s index line', () => {
  it('reads the figures of each state', () => {
    expect(viewStatusText(null)).toEqual({ label: 'No folder', figures: 'Open a folder to index it.' });
    expect(viewStatusText(status({ state: 'indexing', filesIndexed: 1234, filesPerSecond: 90 }))).toEqual({
      label: 'Indexing 24%',
      figures: '1,234 / 5,000 files · 23,456 chunks · 90 files/s',
    });
    expect(viewStatusText(status({}))).toEqual({ label: 'Ready', figures: '5,000 files · 23,456 chunks' });
    expect(viewStatusText(status({ state: 'error', error: 'Broken.' }))).toEqual({
      label: 'Error',
      figures: 'Broken.',
    });
  });

  it('names the embedding model by its file, or says search is keyword-only and why', () => {
    expect(embeddingsText(status({ embeddingModel: '/models/minilm/model.onnx', embedded: 20000 }))).toBe(
      'Embeddings: model.onnx (20,000 of 23,456 chunks)',
    );
    expect(embeddingsText(status({ embeddingModel: 'minilm.onnx:ef2fd71175e5edef', embedded: 1, chunks: 1 }))).toBe(
      'Embeddings: minilm.onnx (1 of 1 chunk)',
    );
    expect(embeddingsText(status({ embeddingsNote: 'No embedding model is set.' }))).toBe(
      'Keyword search only: No embedding model is set.',
    );
  });
});
