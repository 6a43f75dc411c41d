import { join } from 'node:path';
import { ErrorCode } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { confined, fileNameOfUrl, parseSource, safeFileName } from './source.js';

describe('parseSource', () => {
  it('takes hf: URIs and http(s) URLs', () => {
    expect(parseSource('hf:ggml-org/Qwen2.5-Coder-1.5B-Q8_0-GGUF:Q8_0')).toEqual({
      kind: 'hf',
      uri: 'hf:ggml-org/Qwen2.5-Coder-1.5B-Q8_0-GGUF:Q8_0',
    });
    expect(parseSource(' hf:user/repo/sub/model.gguf#main ')).toMatchObject({ kind: 'hf' });
    expect(parseSource('https://example.com/m.gguf')).toMatchObject({ kind: 'url' });
  });

  it('refuses other schemes, local paths, credentials and hf: paths that climb', () => {
    for (const source of [
      'file:///etc/passwd',
      '/home/me/model.gguf',
      'C:\\models\\m.gguf',
      'ftp://host/m.gguf',
      'data:application/octet-stream,GGUF',
      'javascript:alert(1)',
      'https://user:pass@example.com/m.gguf',
      'hf:../../etc/passwd',
      'hf:user/repo/../../x.gguf',
      'hf:user',
    ]) {
      expect(() => parseSource(source), source).toThrow(expect.objectContaining({ code: ErrorCode.BAD_REQUEST }));
    }
  });
});

describe('file names', () => {
  it('keeps only a bare name, ending in .gguf', () => {
    expect(safeFileName('../../x.gguf')).toBe('x.gguf');
    expect(safeFileName('..\\..\\win.gguf')).toBe('win.gguf');
    expect(safeFileName('model')).toBe('model.gguf');
    expect(fileNameOfUrl(new URL('http://h/a/..%2F..%2Fescaped.gguf'))).toBe('escaped.gguf');
    expect(fileNameOfUrl(new URL('http://h/'))).toBe('model.gguf');
  });

  it('refuses names that are not plain', () => {
    for (const name of ['..', '.', '.hidden.gguf', 'a\u0000b.gguf', 'con:x.gguf', 'a|b.gguf', 'x'.repeat(300)]) {
      expect(() => safeFileName(name), JSON.stringify(name)).toThrow(
        expect.objectContaining({ code: ErrorCode.BAD_REQUEST }),
      );
    }
  });

  it('confines a file to its folder', () => {
    expect(confined('/data/models', 'm.gguf')).toBe(join('/data/models', 'm.gguf'));
    for (const file of ['../m.gguf', '/etc/m.gguf', 'sub/m.gguf', '']) {
      expect(() => confined('/data/models', file), file).toThrow(
        expect.objectContaining({ code: ErrorCode.FORBIDDEN }),
      );
    }
  });
});
