import { describe, expect, it } from 'vitest';
import { changedRanges } from './gutter';

describe('changedRanges', () => {
  it('marks added, modified and deleted lines of the new text', () => {
    const base = 'a\nb\nc\nd\ne\n';
    expect(changedRanges(base, 'a\nB\nc\nd\ne\nf\ng\n')).toEqual([
      { kind: 'modified', start: 2, end: 2 },
      { kind: 'added', start: 6, end: 7 },
    ]);
    expect(changedRanges(base, 'a\nd\ne\n')).toEqual([{ kind: 'deleted', start: 1, end: 1 }]);
    expect(changedRanges(base, 'a\nb\nc\n')).toEqual([{ kind: 'deleted', start: 3, end: 3 }]);
  });

  it('has nothing to mark when the text is HEAD', () => {
    expect(changedRanges('same\n', 'same\n')).toEqual([]);
  });
});
