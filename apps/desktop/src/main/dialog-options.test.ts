import { describe, expect, it } from 'vitest';
import { parseTextFileRequest } from './dialog-options.js';

describe('parseTextFileRequest', () => {
  it('accepts a title and plain extensions', () => {
    expect(parseTextFileRequest({ title: 'Choose a license', extensions: ['lic', 'txt'] })).toEqual({
      title: 'Choose a license',
      extensions: ['lic', 'txt'],
    });
  });

  it.each([
    [null],
    ['license'],
    [{ title: '', extensions: [] }],
    [{ title: 'x'.repeat(201), extensions: [] }],
    [{ title: 'ok', extensions: 'txt' }],
    [{ title: 'ok', extensions: ['*'] }],
    [{ title: 'ok', extensions: ['../x'] }],
    [{ title: 'ok', extensions: [42] }],
    [{ title: 'ok', extensions: Array.from({ length: 21 }, () => 'a') }],
  ])('refuses %j', (input) => {
    expect(parseTextFileRequest(input)).toBeNull();
  });
});
