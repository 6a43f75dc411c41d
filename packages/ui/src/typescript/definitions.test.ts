import { describe, expect, it } from 'vitest';
import { outermostDefinitions } from './definitions';

const cls = { fileName: 'file:///a.ts', textSpan: { start: 13, length: 9 }, contextSpan: { start: 0, length: 400 } };
const ctor = {
  fileName: 'file:///a.ts',
  textSpan: { start: 100, length: 11 },
  contextSpan: { start: 100, length: 60 },
};

describe('outermostDefinitions', () => {
  it('keeps the class of `new X()`, not its constructor too', () => {
    expect(outermostDefinitions([cls, ctor])).toEqual([cls]);
    expect(outermostDefinitions([ctor, cls])).toEqual([cls]);
  });

  it('keeps separate declarations: other files, siblings, one of two duplicates', () => {
    const other = { ...ctor, fileName: 'file:///b.ts' };
    const sibling = {
      fileName: 'file:///a.ts',
      textSpan: { start: 500, length: 3 },
      contextSpan: { start: 450, length: 80 },
    };
    expect(outermostDefinitions([cls, other, sibling])).toEqual([cls, other, sibling]);
    expect(outermostDefinitions([cls, { ...cls }])).toEqual([cls]);
    // no context span: nothing is dropped on guesswork
    const bare = { fileName: 'file:///a.ts', textSpan: { start: 13, length: 9 } };
    expect(outermostDefinitions([bare, { ...bare, textSpan: { start: 200, length: 2 } }])).toHaveLength(2);
  });
});
