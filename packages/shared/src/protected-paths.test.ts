import { describe, expect, it } from 'vitest';
import { isGitPath, protectedPath } from './protected-paths';

describe('protected paths', () => {
  it('finds .git however a case-insensitive or normalising filesystem would spell it', () => {
    for (const path of [
      '.git/config',
      '.GIT/config',
      '.Git/hooks/pre-commit',
      '.git./config',
      '.git /config',
      '.git. . /config',
      'sub/.git/config',
      '.git',
      '\uff0e\uff47\uff49\uff54/config', // fullwidth ．ｇｉｔ, folded by NFKC
      '.g\u200cit/config', // a zero-width non-joiner HFS+ ignores
      '.git::$INDEX_ALLOCATION/config', // an NTFS stream of the folder
      'GIT~1/config', // its 8.3 short name
      '.git\\config',
    ]) {
      expect(isGitPath(path), JSON.stringify(path)).toBe(true);
      expect(protectedPath(path)?.kind, JSON.stringify(path)).toBe('never');
    }
  });

  it('never lets a peer write the folders and files that make the host run code', () => {
    for (const path of [
      '.powerautomation/workflows/x.yml',
      '.PowerAutomation/workflows/x.yml',
      '.vscode/tasks.json',
      '.VSCode./settings.json',
      '.idea/workspace.xml',
      '.husky/pre-commit',
      '.githooks/pre-push',
      '.github/workflows/ci.yml',
      '.GitHub/Workflows/ci.yml',
      '.devcontainer/devcontainer.json',
      '.env',
      '.ENV.local',
      'api/.env.production',
      '.envrc',
      '.npmrc',
      '.yarnrc.yml',
      '.gitattributes',
    ]) {
      expect(protectedPath(path)?.kind, path).toBe('never');
    }
  });

  it('lets a peer edit but never create the files a build or test run executes', () => {
    for (const path of ['conftest.py', 'tests/CONFTEST.PY', 'package.json', 'web/package.json', 'Makefile', 'x.pth']) {
      expect(protectedPath(path)?.kind, path).toBe('create');
    }
  });

  it('leaves ordinary source files, and names that only look alike, unprotected', () => {
    for (const path of [
      'README.md',
      'src/greet.ts',
      '.gitignore',
      '.github/ISSUE_TEMPLATE/bug.md',
      'docs/git/intro.md',
      'src/.gitkeep',
      'environment.ts',
      'src/env.ts',
      'vscode/notes.md',
    ]) {
      expect(protectedPath(path), path).toBeNull();
      expect(isGitPath(path), path).toBe(false);
    }
  });
});
