import { describe, expect, it } from 'vitest';
import { ProgressLines, progressOf } from './progress.js';

describe('git progress', () => {
  it('reads a phase and its percent, local or remote', () => {
    expect(progressOf('Receiving objects:  45% (9/20)')).toEqual({
      phase: 'Receiving objects',
      percent: 45,
      text: 'Receiving objects:  45% (9/20)',
    });
    expect(progressOf('remote: Counting objects: 100% (3/3), done.')?.phase).toBe('Counting objects');
    expect(progressOf('Enumerating objects: 5, done.')).toMatchObject({ phase: 'Enumerating objects', percent: null });
  });

  it('splits at carriage returns and keeps a partial line for the next chunk', () => {
    const lines = new ProgressLines();
    expect(lines.push('Writing objects:  10% (1/10)\rWriting obj').map((p) => p.percent)).toEqual([10]);
    expect(lines.push('ects: 100% (10/10), done.\n').map((p) => p.percent)).toEqual([100]);
    expect(lines.push('To ../remote.git')).toEqual([]);
    expect(lines.end().map((p) => p.text)).toEqual(['To ../remote.git']);
  });
});
