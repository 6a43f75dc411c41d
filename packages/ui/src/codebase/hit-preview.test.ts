import { describe, expect, it } from 'vitest';
import { markTerms, previewLines, queryTerms } from './hit-preview';

describe('a hit’s preview', () => {
  it('shows the first lines with their numbers, blank lines before them skipped, the shared indent taken off', () => {
    const text = '\n\n    export function deleteAccount(id: string) {\n      users.delete(id);\n    }\n\n    more\n';
    expect(previewLines({ text, startLine: 10 }, 4)).toEqual([
      { number: 12, text: 'export function deleteAccount(id: string) {' },
      { number: 13, text: '  users.delete(id);' },
      { number: 14, text: '}' },
    ]);
  });

  it('marks the query’s words where they occur, inside identifiers too, without the common words', () => {
    const terms = queryTerms('Where do we remove a user account?');
    expect(terms).toEqual(['account', 'remove', 'user']);
    expect(markTerms('deleteAccount(user)', terms)).toEqual([
      { text: 'delete', marked: false },
      { text: 'Account', marked: true },
      { text: '(', marked: false },
      { text: 'user', marked: true },
      { text: ')', marked: false },
    ]);
    expect(markTerms('nothing here', [])).toEqual([{ text: 'nothing here', marked: false }]);
  });
});
