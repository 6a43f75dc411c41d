import { createTwoFilesPatch } from 'diff';
import { describe, expect, it } from 'vitest';
import { diffLines, diffStats, originalText, proposedChange } from './diff';

const BEFORE =
  'export function add(a, b) {\n  return a + b;\n}\n\nexport function multiply(a, b) {\n  return a + b;\n}\n';
const AFTER = BEFORE.replace('multiply(a, b) {\n  return a + b;', 'multiply(a, b) {\n  return a * b;');
// as the engine writes it (tools.ts: createTwoFilesPatch with a/ and b/ prefixes)
const DIFF = createTwoFilesPatch('a/src/math.js', 'b/src/math.js', BEFORE, AFTER, '', '', { context: 3 });

describe('agent diffs', () => {
  it('counts added and removed lines, not the file headers', () => {
    expect(diffStats(DIFF)).toEqual({ added: 1, removed: 1 });
  });

  it('classifies the lines to colour, leaving out the file headers', () => {
    const lines = diffLines(DIFF);
    expect(lines[0]?.kind).toBe('hunk');
    expect(lines.filter((line) => line.kind === 'add').map((line) => line.text)).toEqual(['+  return a * b;']);
    expect(lines.filter((line) => line.kind === 'del').map((line) => line.text)).toEqual(['-  return a + b;']);
    expect(lines.some((line) => line.text.startsWith('---') || line.text.startsWith('+++'))).toBe(false);
    expect(lines.some((line) => line.text.startsWith('==='))).toBe(false);
  });

  it('takes the diff back off the file to get its text before the turn', () => {
    const edit = { path: 'src/math.js', kind: 'modified' as const, diff: DIFF };
    expect(originalText(edit, AFTER)).toBe(BEFORE);
    expect(originalText({ ...edit, kind: 'created' }, AFTER)).toBe('');
    // the file changed since where the diff was: no diff, the file opens alone
    expect(originalText(edit, 'something else entirely\n')).toBeNull();
    expect(originalText({ ...edit, diff: '' }, AFTER)).toBeNull();
  });
});

describe('proposedChange', () => {
  it('shows edit_file’s search/replace blocks as a diff, their common lines as context', () => {
    const lines = proposedChange('edit_file', {
      path: 'src/math.js',
      edits: [
        {
          search: 'export function multiply(a, b) {\n  return a + b;',
          replace: 'export function multiply(a, b) {\n  return a * b;',
        },
      ],
    });
    expect(lines).toEqual([
      { kind: 'context', text: ' export function multiply(a, b) {' },
      { kind: 'del', text: '-  return a + b;' },
      { kind: 'add', text: '+  return a * b;' },
    ]);
  });

  it('numbers several blocks, reads a patch as a diff, shows a new file as added lines', () => {
    const blocks = proposedChange('edit_file', {
      edits: [
        { search: 'a', replace: 'b' },
        { search: 'c', replace: 'd' },
      ],
    });
    expect(blocks?.filter((line) => line.kind === 'hunk').map((line) => line.text)).toEqual([
      '@@ edit 1 of 2 @@',
      '@@ edit 2 of 2 @@',
    ]);
    expect(proposedChange('edit_file', { patch: DIFF })?.filter((line) => line.kind === 'add')).toHaveLength(1);
    expect(proposedChange('create_file', { path: 'a.txt', content: 'one\ntwo\n' })).toEqual([
      { kind: 'add', text: '+one' },
      { kind: 'add', text: '+two' },
    ]);
    expect(proposedChange('run_command', { command: 'npm test' })).toBeNull();
  });
});
