import { describe, expect, it } from 'vitest';
import { isSafeSharedPath } from './shared-path';

describe('paths a peer may make us write', () => {
  it('accepts ordinary workspace-relative paths', () => {
    for (const path of ['README.md', 'src/greet.ts', '.gitignore', 'a/b/c.d.ts', '.github/workflows/ci.yml']) {
      expect(isSafeSharedPath(path), path).toBe(true);
    }
  });

  it('refuses paths that leave the workspace, hit .git, or smuggle separators and control characters', () => {
    for (const path of [
      '',
      '/etc/passwd',
      'C:/Windows/x',
      '../outside',
      'src/../../outside',
      './a',
      'a//b',
      '.git/hooks/pre-commit',
      'sub/.git/config',
      'a\\b',
      'a\u0000b',
      'x'.repeat(2000),
    ]) {
      expect(isSafeSharedPath(path), JSON.stringify(path)).toBe(false);
    }
  });
});
