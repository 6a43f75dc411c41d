import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findServer, SERVERS } from './servers.js';

describe('findServer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pa-lsp-path-'));
  writeFileSync(join(dir, 'pylsp'), '#!/bin/sh\n');
  chmodSync(join(dir, 'pylsp'), 0o755);
  writeFileSync(join(dir, 'pyright-langserver'), 'not executable');

  it('takes the first candidate that is an executable file on PATH', () => {
    expect(findServer(SERVERS.python, `/nonexistent:${dir}`, 'linux')).toEqual({
      command: 'pylsp',
      args: [],
      path: join(dir, 'pylsp'),
    });
    expect(findServer(SERVERS.go, dir, 'linux')).toBeNull();
  });

  it('ignores relative PATH entries, which would resolve inside the workspace', () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(findServer(SERVERS.python, '.:pylsp-dir::', 'linux')).toBeNull();
    } finally {
      process.chdir(cwd);
    }
  });
});
