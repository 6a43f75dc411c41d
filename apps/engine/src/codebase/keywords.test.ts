import { describe, expect, it } from 'vitest';
import { identifierParts, keywordText, queryTerms, quoteTerm } from './keywords.js';

describe('identifierParts', () => {
  it('splits camel case, acronyms, snake case and keeps letter-digit runs', () => {
    expect(identifierParts('removeAccount')).toEqual(['remove', 'account']);
    expect(identifierParts('HTTPServerError')).toEqual(['http', 'server', 'error']);
    expect(identifierParts('user_store_v2')).toEqual(['user', 'store', 'v2']);
    expect(identifierParts('parseJSON2Yaml')).toEqual(['parse', 'json2', 'yaml']);
    expect(identifierParts('$scope')).toEqual(['scope']);
  });
});

describe('keywordText', () => {
  it('indexes each word whole and, for compound names, its parts too', () => {
    expect(keywordText('export function removeAccount(user_id) {}')).toBe(
      'export function removeaccount remove account user_id user id',
    );
  });

  it('leaves out words longer than anyone types (hashes, minified blobs)', () => {
    expect(keywordText(`a ${'x'.repeat(65)} b`)).toBe('a b');
  });

  it('is linear on a hostile text: one 5 MB word, a megabyte of separators', () => {
    const started = performance.now();
    keywordText('a'.repeat(5_000_000));
    keywordText('.('.repeat(500_000));
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('queryTerms and quoteTerm', () => {
  it('drops words that say nothing about code and splits names', () => {
    expect(queryTerms('where is the deleteUser function?')).toEqual(['deleteuser', 'delete', 'user', 'function']);
  });

  it('quotes every term, so FTS5 syntax from the query is never syntax', () => {
    expect(queryTerms('NEAR(a b) OR path:"x" * -y').map(quoteTerm)).toEqual(['"near"', '"b"', '"path"', '"x"', '"y"']);
    expect(quoteTerm('say"hi')).toBe('"say""hi"');
  });

  it('keeps at most 32 terms', () => {
    expect(queryTerms(Array.from({ length: 100 }, (_, index) => `word${index}`).join(' '))).toHaveLength(32);
  });
});
