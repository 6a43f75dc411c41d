import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '@pa/shared';
import { afterEach, expect, it } from 'vitest';
import { expandPath, listDirs } from './list-dirs.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const request = { path: '', prefix: '', hidden: false, limit: 500 };

it('stops reading a folder at the scan limit and says the listing is cut', async () => {
  dir = mkdtempSync(join(tmpdir(), 'pa-list-dirs-'));
  for (let i = 0; i < 60; i++) writeFileSync(join(dir, `file${i}`), '');
  for (let i = 0; i < 40; i++) mkdirSync(join(dir, `dir${i}`));
  const cut = await listDirs({ ...request, path: dir }, { scanLimit: 50 });
  expect(cut.truncated).toBe(true);
  expect(cut.entries.length).toBeLessThan(40);
  const whole = await listDirs({ ...request, path: dir }, { scanLimit: 1000 });
  expect(whole.truncated).toBe(false);
  expect(whole.entries).toHaveLength(40);
});

it('follows at most the symlink limit of links, leaving the rest out', async () => {
  dir = mkdtempSync(join(tmpdir(), 'pa-list-dirs-'));
  mkdirSync(join(dir, 'target'));
  for (let i = 0; i < 10; i++) symlinkSync(join(dir, 'target'), join(dir, `link${i}`));
  const listing = await listDirs({ ...request, path: dir }, { symlinkLimit: 3 });
  // which three depends on the order the folder is read in
  const names = listing.entries.map((entry) => entry.name);
  expect(names.filter((name) => name.startsWith('link'))).toHaveLength(3);
  expect(names).toContain('target');
  expect(listing.truncated).toBe(true);
});

it('sorts names as people read them (numbers by value, case folded)', async () => {
  dir = mkdtempSync(join(tmpdir(), 'pa-list-dirs-'));
  for (const name of ['b', 'A', 'item10', 'item9']) mkdirSync(join(dir, name));
  const listing = await listDirs({ ...request, path: dir });
  expect(listing.entries.map((entry) => entry.name)).toEqual(['A', 'b', 'item9', 'item10']);
});

it('expands ~ to the home folder and refuses a relative path', () => {
  expect(expandPath('', '/home/ada')).toBe('/home/ada');
  expect(expandPath('~', '/home/ada')).toBe('/home/ada');
  expect(expandPath('~/code/../src', '/home/ada')).toBe('/home/ada/src');
  expect(expandPath('/srv/a/../b', '/home/ada')).toBe('/srv/b');
  expect(() => expandPath('code', '/home/ada')).toThrow(expect.objectContaining({ code: ErrorCode.BAD_REQUEST }));
  expect(() => expandPath('~ada/x', '/home/ada')).toThrow(expect.objectContaining({ code: ErrorCode.BAD_REQUEST }));
});
