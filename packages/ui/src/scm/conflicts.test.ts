import { describe, expect, it } from 'vitest';
import { findConflicts, resolveConflict } from './conflicts';

const TEXT = ['top', '<<<<<<< HEAD', 'ours', '=======', 'theirs', '>>>>>>> other', 'bottom', ''].join('\n');

describe('merge conflicts', () => {
  it('finds a block with both sides and its marker lines', () => {
    expect(findConflicts(TEXT)).toEqual([{ start: 2, separator: 4, end: 6, current: ['ours'], incoming: ['theirs'] }]);
  });

  it('leaves out the base of a diff3 block from the current side', () => {
    const diff3 = ['<<<<<<< HEAD', 'ours', '||||||| base', 'base', '=======', 'theirs', '>>>>>>> other'].join('\n');
    expect(findConflicts(diff3)[0]).toMatchObject({ current: ['ours'], incoming: ['theirs'] });
  });

  it('accepts current, incoming or both', () => {
    const [block] = findConflicts(TEXT);
    if (!block) throw new Error('a block');
    expect(resolveConflict(TEXT, block, 'current')).toBe('top\nours\nbottom\n');
    expect(resolveConflict(TEXT, block, 'incoming')).toBe('top\ntheirs\nbottom\n');
    expect(resolveConflict(TEXT, block, 'both')).toBe('top\nours\ntheirs\nbottom\n');
  });

  it('ignores a marker line without its partners', () => {
    expect(findConflicts('<<<<<<< HEAD\nno end\n')).toEqual([]);
  });
});
