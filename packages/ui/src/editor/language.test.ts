import { describe, expect, it } from 'vitest';
import { type LanguageDescriptor, languageForPath, languageLabel } from './language';

const registry: Array<LanguageDescriptor & { aliases?: string[] }> = [
  { id: 'typescript', extensions: ['.ts', '.tsx', '.cts', '.mts'], aliases: ['TypeScript', 'ts'] },
  { id: 'javascript', extensions: ['.js', '.mjs', '.cjs', '.jsx'], aliases: ['JavaScript'] },
  { id: 'json', extensions: ['.json', '.jsonc'] },
  { id: 'markdown', extensions: ['.md', '.markdown'] },
  { id: 'dockerfile', extensions: ['.dockerfile'], filenames: ['Dockerfile'] },
  { id: 'special', extensions: ['.spec.ts'] },
];

describe('languageForPath', () => {
  it('detects the language from the extension', () => {
    expect(languageForPath('src/greet.ts', registry)).toBe('typescript');
    expect(languageForPath('src/math.js', registry)).toBe('javascript');
    expect(languageForPath('package.json', registry)).toBe('json');
  });

  it('ignores case', () => {
    expect(languageForPath('README.MD', registry)).toBe('markdown');
  });

  it('prefers an exact file name over extensions', () => {
    expect(languageForPath('build/Dockerfile', registry)).toBe('dockerfile');
  });

  it('prefers the longest matching extension', () => {
    expect(languageForPath('a/b.spec.ts', registry)).toBe('special');
  });

  it('falls back to plain text', () => {
    expect(languageForPath('notes.unknownext', registry)).toBe('plaintext');
    expect(languageForPath('LICENSE', registry)).toBe('plaintext');
  });

  it('labels languages by their first alias', () => {
    expect(languageLabel('typescript', registry)).toBe('TypeScript');
    expect(languageLabel('plaintext', registry)).toBe('Plain Text');
  });
});
