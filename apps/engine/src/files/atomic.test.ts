import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic.js';

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
