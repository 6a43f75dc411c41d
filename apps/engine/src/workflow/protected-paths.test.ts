import { describe, expect, it } from 'vitest';
import { isGitPath } from './protected-paths.js';

describe('isGitPath', () => {
  it('matches .git however a file system would spell it', () => {
    for (const path of [
      '.git/config',
      '.GIT/config',
      '.Git/hooks/pre-commit',
      '.git./config',
      '.git /config',
      'sub/.git/config',
      '.g\u200cit/config',
      '\uFF0Egit/config',
      'GIT~1/config',
      '.git',
    ])
      expect(isGitPath(path), path).toBe(true);
  });

  it('leaves ordinary names alone', () => {
    for (const path of ['.gitignore', 'src/git.ts', '.github/workflows/ci.yml', 'docs/.gitkeep', 'a.git/x'])
      expect(isGitPath(path), path).toBe(false);
  });
});
