import { describe, expect, it } from 'vitest';
import { bytesLabel, sourceLabel, sourcesSummary } from './sent-sources';

describe('the files and chunks a sent request carried', () => {
  it('names a whole file by its path, a chunk by its lines', () => {
    expect(sourceLabel({ path: 'src/a.ts', bytes: 10 })).toBe('src/a.ts');
    expect(sourceLabel({ path: 'src/a.ts', startLine: 4, endLine: 9, bytes: 10 })).toBe('src/a.ts:4-9');
    expect(sourceLabel({ path: 'src/a.ts', startLine: 7, endLine: 7, bytes: 10 })).toBe('src/a.ts:7');
  });

  it('sizes in bytes, KB and MB', () => {
    expect(bytesLabel(512)).toBe('512 B');
    expect(bytesLabel(2048)).toBe('2.0 KB');
    expect(bytesLabel(3 * 1024 * 1024)).toBe('3.0 MB');
  });

  it('sums up files and chunks, and says when the list was cut', () => {
    expect(sourcesSummary([], false)).toBe('');
    expect(sourcesSummary([{ path: 'a', bytes: 1 }], false)).toBe('1 file');
    const chunks = [
      { path: 'a', startLine: 1, endLine: 2, bytes: 1 },
      { path: 'a', startLine: 5, endLine: 6, bytes: 1 },
      { path: 'b', bytes: 1 },
    ];
    expect(sourcesSummary(chunks, false)).toBe('2 files, 3 chunks');
    expect(sourcesSummary(chunks, true)).toBe('2+ files, 3+ chunks');
  });
});
