import {
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAtomicTempName, writeFileAtomic, writeInside } from './atomic.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pa-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('atomic write', () => {
  it('replaces the content and leaves no temp file behind', () => {
    const file = join(dir, 'a.txt');
    writeFileSync(file, 'old');
    writeFileAtomic(file, 'new content ✓');
    expect(readFileSync(file, 'utf8')).toBe('new content ✓');
    expect(readdirSync(dir)).toEqual(['a.txt']);
  });

  it('keeps the file mode of the file it replaces', () => {
    const file = join(dir, 'script.sh');
    writeFileSync(file, '#!/bin/sh\n', { mode: 0o755 });
    writeFileAtomic(file, '#!/bin/sh\necho hi\n');
    expect(statSync(file).mode & 0o777).toBe(0o755);
  });

  it('never exposes a half-written file to a concurrent reader', async () => {
    const file = join(dir, 'big.txt');
    const versions = ['a'.repeat(2_000_000), 'b'.repeat(3_000_000)];
    writeFileAtomic(file, versions[0] as string);
    let reads = 0;
    let done = false;
    const reader = (async () => {
      while (!done) {
        const content = readFileSync(file, 'utf8');
        expect(versions).toContain(content);
        reads++;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    for (let i = 0; i < 20; i++) {
      writeFileAtomic(file, versions[i % 2] as string);
      await new Promise((resolve) => setImmediate(resolve));
    }
    done = true;
    await reader;
    expect(reads).toBeGreaterThan(5);
  });

  it('leaves the old content in place when the write fails', () => {
    const file = join(dir, 'missing-dir', 'a.txt');
    expect(() => writeFileAtomic(file, 'x')).toThrow();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('writeInside', () => {
  it('makes the parent folders and writes inside the real root', () => {
    const root = realpathSync(dir);
    const before = process.cwd();
    writeInside(root, ['a', 'b', 'c.txt'], 'deep');
    expect(readFileSync(join(root, 'a/b/c.txt'), 'utf8')).toBe('deep');
    expect(process.cwd()).toBe(before); // the borrowed working directory is given back
  });

  it('refuses a folder that is a symlink to outside and writes nothing there', () => {
    const outside = mkdtempSync(join(tmpdir(), 'pa-atomic-outside-'));
    try {
      symlinkSync(outside, join(dir, 'out'));
      const before = process.cwd();
      expect(() => writeInside(realpathSync(dir), ['out', 'x.txt'], 'x')).toThrow(/outside the workspace/);
      expect(readdirSync(outside)).toEqual([]);
      expect(process.cwd()).toBe(before);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('replaces a symlink at the file itself instead of writing through it', () => {
    const outside = mkdtempSync(join(tmpdir(), 'pa-atomic-outside-'));
    try {
      writeFileSync(join(outside, 'victim'), 'keep');
      symlinkSync(join(outside, 'victim'), join(dir, 'link.txt'));
      writeInside(realpathSync(dir), ['link.txt'], 'mine');
      expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('keep');
      expect(lstatSync(join(dir, 'link.txt')).isSymbolicLink()).toBe(false);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('names its temp files so the tree, the watcher and the sweep recognise them', () => {
    expect(isAtomicTempName('.main.ts.0123456789ab.tmp')).toBe(true);
    expect(isAtomicTempName('notes.tmp')).toBe(false);
    expect(isAtomicTempName('.cache.tmp')).toBe(false);
  });
});
