import { describe, expect, it } from 'vitest';
import { admit } from './admission';

const host = (files: string[], allowFileChanges = false) => ({
  role: 'host' as const,
  files: new Set(files),
  allowFileChanges,
});
const guest = { role: 'guest' as const, files: new Set<string>(), allowFileChanges: false };

describe('which paths of the shared map this engine writes', () => {
  it("writes the host's shared files, and nothing a guest added to the map", () => {
    const policy = host(['README.md', 'src/greet.ts']);
    expect(admit('src/greet.ts', policy)).toEqual({ admitted: true, path: 'src/greet.ts' });
    expect(admit('src/new.ts', policy)).toMatchObject({
      admitted: false,
      reason: 'not-shared',
      message: "Refused a guest's change to src/new.ts: not a shared file.",
    });
    expect(admit('conftest.py', policy)).toMatchObject({ admitted: false, reason: 'not-shared' });
  });

  it('lets guests create unprotected files only when the host allowed file changes', () => {
    const policy = host(['README.md'], true);
    expect(admit('src/new.ts', policy)).toEqual({ admitted: true, path: 'src/new.ts' });
    expect(admit('conftest.py', policy)).toMatchObject({ admitted: false, reason: 'protected' });
    expect(admit('web/package.json', policy)).toMatchObject({ admitted: false, reason: 'protected' });
    expect(admit('.powerautomation/workflows/x.yml', policy)).toMatchObject({ admitted: false, reason: 'protected' });
  });

  it('never writes .git or other protected folders, even when they are in the shared set', () => {
    for (const path of ['.git/config', '.GIT/config', '.git./hooks/pre-commit', '.vscode/tasks.json', '.env']) {
      expect(admit(path, host([path], true)), path).toMatchObject({ admitted: false, reason: 'protected' });
      expect(admit(path, guest), path).toMatchObject({ admitted: false, reason: 'protected' });
    }
  });

  it('edits a shared file the host runs (package.json) and, on a guest, writes what the host shares', () => {
    expect(admit('package.json', host(['package.json']))).toEqual({ admitted: true, path: 'package.json' });
    expect(admit('src/greet.ts', guest)).toEqual({ admitted: true, path: 'src/greet.ts' });
  });

  it('refuses paths that leave the workspace, name a file twice or smuggle separators and control characters', () => {
    for (const path of [
      '',
      '/etc/passwd',
      'C:/Windows/x',
      '../outside',
      'src/../../outside',
      './README.md',
      'src//greet.ts',
      'a\\b',
      'a\u0000b',
      'a\nb',
      'x'.repeat(2000),
    ]) {
      expect(admit(path, host([path], true)), JSON.stringify(path)).toMatchObject({
        admitted: false,
        reason: 'invalid',
      });
    }
  });
});
