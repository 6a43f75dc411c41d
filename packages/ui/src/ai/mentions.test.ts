import { describe, expect, it } from 'vitest';
import {
  applyMention,
  foldersOf,
  MAX_MENTIONS,
  mentionItems,
  mentionQueryAt,
  mentionSegments,
  parseMentions,
} from './mentions';

describe('chat mentions: parsing', () => {
  it('turns each kind of token into its mention and the question into plain words', () => {
    const parsed = parseMentions(
      'Compare @file:src/users.ts with @folder:src/billing/ and @search:"remove account" for @codebase',
    );
    expect(parsed.mentions).toEqual([
      { kind: 'file', path: 'src/users.ts' },
      { kind: 'folder', path: 'src/billing' },
      { kind: 'search', query: 'remove account' },
      { kind: 'codebase' },
    ]);
    expect(parsed.question).toBe('Compare src/users.ts with src/billing/ and "remove account" for');
  });

  it('drops @codebase at either end of the question and reads it as "the codebase" inside a sentence', () => {
    expect(parseMentions('@codebase where do we remove a user account?')).toEqual({
      question: 'where do we remove a user account?',
      mentions: [{ kind: 'codebase' }],
    });
    expect(parseMentions('Where is the login? @codebase').question).toBe('Where is the login?');
    expect(parseMentions('how does @codebase log in?').question).toBe('how does the codebase log in?');
  });

  it('takes quoted words and paths whole, spaces included', () => {
    expect(parseMentions('@search:"delete the user" now').mentions).toEqual([
      { kind: 'search', query: 'delete the user' },
    ]);
    expect(parseMentions('explain @file:"docs/read me.md"').mentions).toEqual([
      { kind: 'file', path: 'docs/read me.md' },
    ]);
    expect(parseMentions('find @search:deleteAccount').mentions).toEqual([{ kind: 'search', query: 'deleteAccount' }]);
  });

  it('leaves an unknown @word, a bare keyword and an email address as text', () => {
    for (const text of [
      'ping @alice about it',
      'mail me@example.com or file@example.com',
      'a decorator @Component() and @file alone',
      'x@codebase is not a mention',
      '@codebases is another word',
      '@file: nothing after the colon',
    ]) {
      expect(parseMentions(text)).toEqual({ question: text, mentions: [] });
    }
  });

  it('keeps sentence punctuation out of a path and in the question', () => {
    const parsed = parseMentions('What does @file:src/a.ts do, and @folder:lib?');
    expect(parsed.mentions).toEqual([
      { kind: 'file', path: 'src/a.ts' },
      { kind: 'folder', path: 'lib' },
    ]);
    expect(parsed.question).toBe('What does src/a.ts do, and lib/?');
  });

  it('reads ./, a leading slash and "." as the same workspace paths', () => {
    expect(parseMentions('@file:./src/a.ts @folder:/ @folder:./src/').mentions).toEqual([
      { kind: 'file', path: 'src/a.ts' },
      { kind: 'folder', path: '' },
      { kind: 'folder', path: 'src' },
    ]);
  });

  it('sends each mention once and no more than the protocol takes', () => {
    expect(parseMentions('@codebase and @codebase, @file:a.ts @file:a.ts').mentions).toEqual([
      { kind: 'codebase' },
      { kind: 'file', path: 'a.ts' },
    ]);
    const many = Array.from({ length: MAX_MENTIONS + 5 }, (_, i) => `@file:f${i}.ts`).join(' ');
    expect(parseMentions(many).mentions).toHaveLength(MAX_MENTIONS);
  });

  it('cuts the text into runs and mentions that join back into it', () => {
    const text = 'see @file:src/a.ts. then (@codebase)';
    const segments = mentionSegments(text);
    expect(segments.map((segment) => segment.kind)).toEqual(['text', 'mention', 'text', 'mention', 'text']);
    expect(segments.map((segment) => segment.text).join('')).toBe(text);
  });
});

describe('chat mentions: completion', () => {
  const files = ['src/users.ts', 'src/billing/invoice.ts', 'README.md', 'docs/guide.md'];
  const folders = foldersOf(files);

  it('lists every folder above the files once', () => {
    expect(folders).toEqual(['docs', 'src', 'src/billing']);
  });

  it('finds the @ being typed, not an email address nor a finished token', () => {
    expect(mentionQueryAt('ask @fi', 7)).toEqual({ start: 4, end: 7, text: 'fi' });
    expect(mentionQueryAt('@', 1)).toEqual({ start: 0, end: 1, text: '' });
    expect(mentionQueryAt('me@exa', 6)).toBeNull();
    expect(mentionQueryAt('@codebase now', 13)).toBeNull();
    expect(mentionQueryAt('@search:"two words', 18)).toEqual({ start: 0, end: 18, text: 'search:"two words' });
    expect(mentionQueryAt('no at sign', 5)).toBeNull();
  });

  it('offers the keywords first, then the files and folders the query matches', () => {
    expect(mentionItems('', files, folders)).toEqual([
      { kind: 'codebase' },
      { kind: 'prefix', prefix: 'file' },
      { kind: 'prefix', prefix: 'folder' },
      { kind: 'prefix', prefix: 'search' },
    ]);
    const items = mentionItems('fo', files, folders);
    expect(items[0]).toEqual({ kind: 'prefix', prefix: 'folder' });
    expect(mentionItems('users', files, folders)).toContainEqual({ kind: 'file', path: 'src/users.ts' });
    expect(mentionItems('file:inv', files, folders)).toEqual([{ kind: 'file', path: 'src/billing/invoice.ts' }]);
    expect(mentionItems('folder:bil', files, folders)).toEqual([{ kind: 'folder', path: 'src/billing' }]);
    expect(mentionItems('search:"', files, folders)).toEqual([]);
    expect(mentionItems('search:"delete user', files, folders)).toEqual([{ kind: 'search', query: 'delete user' }]);
  });

  it('inserts the token with a space after it, or leaves the caret where the argument goes', () => {
    const text = 'explain @us please';
    const query = mentionQueryAt(text, 11);
    if (!query) throw new Error('no query');
    expect(applyMention(text, query, { kind: 'file', path: 'src/users.ts' })).toEqual({
      text: 'explain @file:src/users.ts please',
      cursor: 27,
    });
    const start = { start: 0, end: 1, text: '' };
    expect(applyMention('@', start, { kind: 'prefix', prefix: 'file' })).toEqual({ text: '@file:', cursor: 6 });
    expect(applyMention('@', start, { kind: 'prefix', prefix: 'search' })).toEqual({ text: '@search:""', cursor: 9 });
    expect(applyMention('@', start, { kind: 'codebase' })).toEqual({ text: '@codebase ', cursor: 10 });
    expect(applyMention('@', start, { kind: 'folder', path: 'src/billing' })).toEqual({
      text: '@folder:src/billing/ ',
      cursor: 21,
    });
    // the closing quote the prefix put there becomes the token's own
    const typed = '@search:"delete user"';
    const inQuotes = mentionQueryAt(typed, typed.length - 1);
    if (!inQuotes) throw new Error('no query');
    expect(applyMention(typed, inQuotes, { kind: 'search', query: 'delete user' })).toEqual({
      text: '@search:"delete user" ',
      cursor: 22,
    });
    // a path with a space is quoted, so it parses back whole
    const spaced = applyMention('@', start, { kind: 'file', path: 'docs/read me.md' }).text;
    expect(parseMentions(spaced).mentions).toEqual([{ kind: 'file', path: 'docs/read me.md' }]);
  });
});
