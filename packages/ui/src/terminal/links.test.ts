import { describe, expect, it } from 'vitest';
import { findFileLinks, resolveLinkPath } from './links';

describe('findFileLinks', () => {
  it('finds file:line and file:line:col in compiler and stack-trace output', () => {
    const links = findFileLinks('src/app.ts:12:5 - error TS2322, at run (/work/x/lib/a.js:7)');
    expect(links.map(({ text, line, column }) => ({ text, line, column }))).toEqual([
      { text: 'src/app.ts', line: 12, column: 5 },
      { text: '/work/x/lib/a.js', line: 7, column: undefined },
    ]);
    expect(links[0]).toMatchObject({ start: 0, end: 'src/app.ts:12:5'.length });
  });

  it('ignores times and URLs-like text without a file', () => {
    expect(findFileLinks('at 12:30 the build ran')).toEqual([]);
  });
});

describe('resolveLinkPath', () => {
  it('resolves relative paths against the terminal folder and absolute ones inside the workspace', () => {
    expect(resolveLinkPath('app.ts', 'src', '/w')).toBe('src/app.ts');
    expect(resolveLinkPath('../README.md', 'src', '/w')).toBe('README.md');
    expect(resolveLinkPath('/w/src/a.ts', 'src', '/w')).toBe('src/a.ts');
  });

  it('refuses what leads outside the workspace', () => {
    expect(resolveLinkPath('../../etc/passwd', 'src', '/w')).toBeNull();
    expect(resolveLinkPath('/etc/passwd', '', '/w')).toBeNull();
    expect(resolveLinkPath('/work-other/a.ts', '', '/work')).toBeNull();
  });
});
