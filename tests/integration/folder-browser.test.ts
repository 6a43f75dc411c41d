// Browser mode's Open Folder lists folders through workspace.listDirs, and previews read images through
// files.readBytes, against the real engine over its WebSocket: the happy paths, and what a hostile folder (a symlink
// loop, links out of the workspace, a named pipe, a folder of more entries than one listing reads) gets back.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, READ_BYTES_MAX, type RpcClient } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { errorOf } from '../support/error-of.js';

let engine: StartedEngine;
let client: RpcClient;
let base: string;
let workspace: string;
let outside: string;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'pa-browse-'));
  workspace = join(base, 'project');
  outside = join(base, 'outside');
  for (const dir of ['project/src', 'project/docs', 'project/.hidden', 'project/Zeta', 'project/alpha', 'outside']) {
    mkdirSync(join(base, dir), { recursive: true });
  }
  writeFileSync(join(workspace, 'secret-name.txt'), 'a file: never named by the folder browser');
  writeFileSync(join(outside, 'photo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
  symlinkSync(join(workspace, 'src'), join(workspace, 'linked-src'));
  symlinkSync(join(workspace, 'secret-name.txt'), join(workspace, 'link-to-file'));
  symlinkSync(join(workspace, 'nowhere'), join(workspace, 'dangling'));
  symlinkSync(join(workspace, 'loop-b'), join(workspace, 'loop-a'));
  symlinkSync(join(workspace, 'loop-a'), join(workspace, 'loop-b'));
  symlinkSync(join(outside, 'photo.png'), join(workspace, 'escape.png'));
  engine = await startEngine({ workspace });
  client = await engine.connect();
});

afterAll(async () => {
  await engine?.stop();
  rmSync(base, { recursive: true, force: true });
});

describe('workspace.listDirs', () => {
  it('lists the subfolders of a folder by name, with symlinks to folders, its parent, and no files', async () => {
    const listing = await client.call('workspace.listDirs', { path: workspace });
    expect(listing.path).toBe(workspace);
    expect(listing.parent).toBe(base);
    expect(listing.truncated).toBe(false);
    expect(listing.entries.map((entry) => entry.name)).toEqual(['alpha', 'docs', 'linked-src', 'src', 'Zeta']);
    expect(listing.entries.find((entry) => entry.name === 'src')?.path).toBe(join(workspace, 'src'));
    expect(JSON.stringify(listing)).not.toContain('secret-name');
  });

  it('shows hidden folders only when asked, and completes a prefix case-insensitively', async () => {
    const hidden = await client.call('workspace.listDirs', { path: workspace, hidden: true });
    expect(hidden.entries.map((entry) => entry.name)).toContain('.hidden');
    const completed = await client.call('workspace.listDirs', { path: workspace, prefix: 'Z' });
    expect(completed.entries.map((entry) => entry.name)).toEqual(['Zeta']);
    const lower = await client.call('workspace.listDirs', { path: workspace, prefix: 'z' });
    expect(lower.entries.map((entry) => entry.name)).toEqual(['Zeta']);
  });

  it('marks the folders that workspace.open asks about first (the disk root lists /etc to confirm)', async () => {
    const root = await client.call('workspace.listDirs', { path: '/' });
    expect(root.parent).toBeNull();
    expect(root.entries.find((entry) => entry.name === 'etc')).toMatchObject({ path: '/etc', confirm: true });
    expect(root.entries.find((entry) => entry.name === 'tmp')?.confirm).toBeUndefined();
  });

  it('hostile: a symlink loop, a dangling link and a link to a file are left out, not followed forever', async () => {
    const listing = await client.call('workspace.listDirs', { path: workspace, hidden: true });
    const names = listing.entries.map((entry) => entry.name);
    for (const name of ['loop-a', 'loop-b', 'dangling', 'link-to-file', 'escape.png'])
      expect(names).not.toContain(name);
  });

  it('hostile: relative paths, NUL bytes, files and missing folders are typed errors', async () => {
    expect((await errorOf(client.call('workspace.listDirs', { path: '../etc' }))).code).toBe(ErrorCode.BAD_REQUEST);
    expect((await errorOf(client.call('workspace.listDirs', { path: '/tmp\0/etc' }))).code).toBe(ErrorCode.BAD_REQUEST);
    const file = join(workspace, 'secret-name.txt');
    expect((await errorOf(client.call('workspace.listDirs', { path: file }))).code).toBe(ErrorCode.BAD_REQUEST);
    const missing = await errorOf(client.call('workspace.listDirs', { path: join(base, 'missing') }));
    expect(missing.code).toBe(ErrorCode.NOT_FOUND);
    const long = await errorOf(client.call('workspace.listDirs', { path: `/${'a'.repeat(4000)}` }));
    expect(long.code).toBe(ErrorCode.BAD_REQUEST);
  });

  it('hostile: a crowded folder (1,000 entries) answers at most `limit` folders, cut and said so', async () => {
    const crowded = join(base, 'crowded');
    mkdirSync(crowded);
    // one process makes them (list-dirs.test.ts shows the cut at the entries a listing reads at most)
    const made = spawnSync(
      'sh',
      ['-c', 'seq 1 300 | sed s/^/f/ | xargs touch && seq 1 700 | sed s/^/d/ | xargs mkdir'],
      {
        cwd: crowded,
      },
    );
    expect(made.status).toBe(0);
    const started = performance.now();
    const listing = await client.call('workspace.listDirs', { path: crowded });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(listing.truncated).toBe(true);
    expect(listing.entries).toHaveLength(500);
    expect(listing.entries.slice(0, 3).map((entry) => entry.name)).toEqual(['d1', 'd2', 'd3']);
    const few = await client.call('workspace.listDirs', { path: crowded, prefix: 'd6', limit: 5 });
    expect(few.entries.map((entry) => entry.name)).toEqual(['d6', 'd60', 'd61', 'd62', 'd63']);
  });
});

describe('files.readBytes', () => {
  it('reads a binary file of the workspace as base64', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255, 0x89, 0x50]);
    writeFileSync(join(workspace, 'docs/image.png'), bytes);
    const read = await client.call('files.readBytes', { path: 'docs/image.png' });
    expect(Buffer.from(read.base64, 'base64')).toEqual(bytes);
    expect(read.size).toBe(bytes.length);
  });

  it('hostile: a path out of the workspace, a symlink to a file outside and a named pipe are refused', async () => {
    // confine.ts refuses both as E_BAD_REQUEST (the path leaves the workspace)
    expect((await errorOf(client.call('files.readBytes', { path: '../outside/photo.png' }))).code).toBe(
      ErrorCode.BAD_REQUEST,
    );
    expect((await errorOf(client.call('files.readBytes', { path: 'escape.png' }))).code).toBe(ErrorCode.BAD_REQUEST);
    expect(spawnSync('mkfifo', [join(workspace, 'pipe.png')]).status).toBe(0);
    // opening a FIFO would wait for a writer forever; the engine sees it is not a file first
    expect((await errorOf(client.call('files.readBytes', { path: 'pipe.png' }))).code).toBe(ErrorCode.BAD_REQUEST);
  });

  it('hostile: a file over the cap is E_TOO_LARGE, not read', async () => {
    writeFileSync(join(workspace, 'huge.png'), '');
    truncateSync(join(workspace, 'huge.png'), READ_BYTES_MAX + 1);
    const error = await errorOf(client.call('files.readBytes', { path: 'huge.png' }));
    expect(error.code).toBe(ErrorCode.TOO_LARGE);
  });
});
