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
    expect(admit('src/greet.ts', policy, true)).toEqual({ admitted: true, path: 'src/greet.ts' });
    expect(admit('src/new.ts', policy, false)).toEqual({
      admitted: false,
      path: 'src/new.ts',
      reason: 'not-shared',
      message: "Refused a guest's change to src/new.ts: not a shared file.",
    });
    expect(admit('conftest.py', policy, false)).toMatchObject({ admitted: false, reason: 'not-shared' });
    expect(admit('src/math.js', policy, true)).toMatchObject({ admitted: false, reason: 'not-shared' });
  });

  it('lets guests create new unprotected files only when the host allowed file changes', () => {
    const policy = host(['README.md'], true);
    expect(admit('src/new.ts', policy, false)).toEqual({ admitted: true, path: 'src/new.ts' });
    // creating is not overwriting: the host's unshared files stay its own
    expect(admit('src/math.js', policy, true)).toMatchObject({ admitted: false, reason: 'not-shared' });
    expect(admit('conftest.py', policy, false)).toMatchObject({ admitted: false, reason: 'protected' });
    expect(admit('web/package.json', policy, false)).toMatchObject({ admitted: false, reason: 'protected' });
    expect(admit('.powerautomation/workflows/x.yml', policy, false)).toMatchObject({
      admitted: false,
      reason: 'protected',
    });
  });

  it('never writes .git or other protected folders, even when they are in the shared set or on disk', () => {
    for (const path of ['.git/config', '.GIT/config', '.git./hooks/pre-commit', '.vscode/tasks.json', '.env']) {
      expect(admit(path, host([path], true), true), path).toMatchObject({ admitted: false, reason: 'protected' });
      expect(admit(path, guest, true), path).toMatchObject({
        admitted: false,
        reason: 'protected',
        message: expect.stringMatching(/^Refused a peer's change to /),
      });
    }
  });

  it('edits a shared file the host runs, and on a guest writes what is shared but creates nothing that runs', () => {
    expect(admit('package.json', host(['package.json']), true)).toEqual({ admitted: true, path: 'package.json' });
    expect(admit('src/greet.ts', guest, false)).toEqual({ admitted: true, path: 'src/greet.ts' });
    expect(admit('package.json', guest, true)).toEqual({ admitted: true, path: 'package.json' });
    // any peer can add a key, not only the host: a new conftest.py on a guest's disk would run on its next pytest
    expect(admit('conftest.py', guest, false)).toMatchObject({ admitted: false, reason: 'protected' });
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
      expect(admit(path, host([path], true), false), JSON.stringify(path)).toMatchObject({
        admitted: false,
        reason: 'invalid',
      });
    }
  });
});
