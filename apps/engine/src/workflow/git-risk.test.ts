import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gitRunsFolderCode } from './git-risk.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function repository(): string {
  const root = mkdtempSync(join(tmpdir(), 'pa-git-risk-'));
  roots.push(root);
  execFileSync('git', ['init', '-q'], { cwd: root });
  return root;
}

describe('gitRunsFolderCode', () => {
  it('finds nothing in a fresh repository, or in a folder without one', () => {
    expect(gitRunsFolderCode(repository())).toBeNull();
    const plain = mkdtempSync(join(tmpdir(), 'pa-git-risk-'));
    roots.push(plain);
    expect(gitRunsFolderCode(plain)).toBeNull();
  });

  it('names a config that makes git run commands, and hooks that run on commit', () => {
    const configured = repository();
    appendFileSync(join(configured, '.git/config'), '[core]\n\tfsmonitor = "touch pwned"\n');
    expect(gitRunsFolderCode(configured)).toMatch(/\.git\/config sets commands/);
    const hooked = repository();
    writeFileSync(join(hooked, '.git/hooks/pre-commit'), '#!/bin/sh\ntouch pwned\n', { mode: 0o755 });
    expect(gitRunsFolderCode(hooked)).toMatch(/\.git\/hooks holds pre-commit/);
  });
});
