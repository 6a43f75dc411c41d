import { ErrorCode, PaError } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { refuseGitPath } from './protected-paths.js';

describe('refuseGitPath', () => {
  it('refuses .git however a file system would spell it, with E_FORBIDDEN', () => {
    for (const path of ['.git/config', '.GIT/config', '.Git./hooks/pre-commit', '.g\u200cit/config', 'GIT~1/config']) {
      let caught: unknown = null;
      try {
        refuseGitPath(path);
      } catch (error) {
        caught = error;
      }
      expect(caught instanceof PaError && caught.code === ErrorCode.FORBIDDEN, path).toBe(true);
    }
  });

  it('leaves ordinary names alone', () => {
    for (const path of ['.gitignore', 'src/git.ts', '.github/README.md', 'docs/.gitkeep'])
      expect(() => refuseGitPath(path), path).not.toThrow();
  });
});
