import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, type PaError } from '@pa/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_UPLOADS_PER_CONNECTION, Uploads } from './upload.js';

let root: string;
let outside: string;
const OWNER = 1;

beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'pa-upload-')));
  outside = realpathSync(mkdtempSync(join(tmpdir(), 'pa-upload-outside-')));
  mkdirSync(join(root, 'src'));
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

function errorOf(run: () => unknown): PaError {
  try {
    run();
  } catch (error) {
    return error as PaError;
  }
  throw new Error('expected a refusal');
}

/** Every file left in a folder: a temp file of an upload shows here until it is committed or removed. */
const entries = (dir: string) => readdirSync(dir).sort();

describe('chunked uploads', () => {
  it('writes the parts in order and puts the file in place only at the commit', () => {
    writeFileSync(join(root, 'src/a.txt'), 'old');
    const uploads = new Uploads();
    const text = ['première partie ✓\n', 'second\r\n', '😀 end'];
    const size = Buffer.byteLength(text.join(''));
    const id = uploads.begin(OWNER, root, ['src', 'a.txt'], size);
    let offset = 0;
    for (const part of text) offset = uploads.append(OWNER, id, offset, part);
    expect(readFileSync(join(root, 'src/a.txt'), 'utf8')).toBe('old');
    const info = uploads.commit(OWNER, id);
    expect(readFileSync(join(root, 'src/a.txt'), 'utf8')).toBe(text.join(''));
    expect(info.size).toBe(size);
    expect(entries(join(root, 'src'))).toEqual(['a.txt']);
  });

  it('keeps the mode of the file it replaces', () => {
    writeFileSync(join(root, 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    const uploads = new Uploads();
    const id = uploads.begin(OWNER, root, ['run.sh'], 3);
    uploads.append(OWNER, id, 0, 'abc');
    uploads.commit(OWNER, id);
    expect(statSync(join(root, 'run.sh')).mode & 0o777).toBe(0o755);
  });

  it('refuses a part for an upload it does not know, or that another connection began', () => {
    const uploads = new Uploads();
    expect(errorOf(() => uploads.append(OWNER, 'no-such-upload', 0, 'x'))).toMatchObject({
      code: ErrorCode.NOT_FOUND,
      data: { reason: 'unknown_upload' },
    });
    const id = uploads.begin(OWNER, root, ['a.txt'], 1);
    expect(errorOf(() => uploads.append(OWNER + 1, id, 0, 'x')).code).toBe(ErrorCode.NOT_FOUND);
    expect(errorOf(() => uploads.commit(OWNER + 1, id)).code).toBe(ErrorCode.NOT_FOUND);
    // the owner's upload is untouched by the stranger's attempts
    uploads.append(OWNER, id, 0, 'x');
    uploads.commit(OWNER, id);
    expect(readFileSync(join(root, 'a.txt'), 'utf8')).toBe('x');
  });

  it('refuses a part out of order, abandons the upload and leaves the file alone', () => {
    writeFileSync(join(root, 'src/a.txt'), 'old');
    const uploads = new Uploads();
    const id = uploads.begin(OWNER, root, ['src', 'a.txt'], 6);
    uploads.append(OWNER, id, 0, 'abc');
    expect(errorOf(() => uploads.append(OWNER, id, 5, 'def'))).toMatchObject({
      code: ErrorCode.BAD_REQUEST,
      data: { reason: 'offset', received: 3 },
    });
    expect(errorOf(() => uploads.append(OWNER, id, 3, 'def')).code).toBe(ErrorCode.NOT_FOUND);
    expect(readFileSync(join(root, 'src/a.txt'), 'utf8')).toBe('old');
    expect(entries(join(root, 'src'))).toEqual(['a.txt']);
  });

  it('refuses a file over the limit before anything is written, and parts beyond the announced size', () => {
    const uploads = new Uploads({ maxBytes: 10 });
    expect(errorOf(() => uploads.begin(OWNER, root, ['big.txt'], 11))).toMatchObject({
      code: ErrorCode.TOO_LARGE,
      data: { limit: 10 },
    });
    expect(entries(root)).toEqual(['src']);
    const id = uploads.begin(OWNER, root, ['big.txt'], 4);
    expect(errorOf(() => uploads.append(OWNER, id, 0, 'héllo')).code).toBe(ErrorCode.TOO_LARGE);
    expect(entries(root)).toEqual(['src']);
  });

  it('refuses to commit an upload that is short of its size', () => {
    const uploads = new Uploads();
    const id = uploads.begin(OWNER, root, ['a.txt'], 10);
    uploads.append(OWNER, id, 0, 'abc');
    expect(errorOf(() => uploads.commit(OWNER, id))).toMatchObject({
      code: ErrorCode.BAD_REQUEST,
      data: { reason: 'incomplete' },
    });
    expect(entries(root)).toEqual(['src']);
  });

  it('never commits through a folder swapped for a symlink to outside between begin and commit', () => {
    const uploads = new Uploads();
    const id = uploads.begin(OWNER, root, ['src', 'a.txt'], 3);
    uploads.append(OWNER, id, 0, 'abc');
    renameSync(join(root, 'src'), join(root, 'src.aside'));
    symlinkSync(outside, join(root, 'src'));
    const error = errorOf(() => uploads.commit(OWNER, id));
    expect(error.code).toBe(ErrorCode.BAD_REQUEST);
    expect(entries(outside)).toEqual([]);
  });

  it('refuses a commit when the folder was replaced by another one of the same name', () => {
    const uploads = new Uploads();
    const id = uploads.begin(OWNER, root, ['src', 'a.txt'], 3);
    uploads.append(OWNER, id, 0, 'abc');
    renameSync(join(root, 'src'), join(root, 'src.aside'));
    mkdirSync(join(root, 'src'));
    expect(errorOf(() => uploads.commit(OWNER, id)).code).toBe(ErrorCode.CONFLICT);
    expect(entries(join(root, 'src'))).toEqual([]);
  });

  it('runs the caller’s conflict check with the disk time given at the start, and keeps the file on refusal', () => {
    writeFileSync(join(root, 'a.txt'), 'old');
    const uploads = new Uploads();
    const id = uploads.begin(OWNER, root, ['a.txt'], 3, 1234);
    uploads.append(OWNER, id, 0, 'new');
    const seen: Array<number | undefined> = [];
    const refusal = errorOf(() =>
      uploads.commit(OWNER, id, (expected) => {
        seen.push(expected);
        throw Object.assign(new Error('changed on disk'), { code: ErrorCode.CONFLICT });
      }),
    );
    expect(refusal.code).toBe(ErrorCode.CONFLICT);
    expect(seen).toEqual([1234]);
    expect(readFileSync(join(root, 'a.txt'), 'utf8')).toBe('old');
    expect(entries(root)).toEqual(['a.txt', 'src']);
  });

  it('removes the temp file of an upload left idle, aborted, or whose connection went', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const uploads = new Uploads({ idleMs: 1000 });
    const idle = uploads.begin(OWNER, root, ['src', 'idle.txt'], 5);
    uploads.append(OWNER, idle, 0, 'ab');
    const aborted = uploads.begin(OWNER, root, ['src', 'aborted.txt'], 5);
    const closed = uploads.begin(OWNER + 1, root, ['src', 'closed.txt'], 5);
    expect(entries(join(root, 'src'))).toHaveLength(3);
    uploads.abort(OWNER, aborted);
    uploads.abortAll(OWNER + 1);
    expect(entries(join(root, 'src'))).toHaveLength(1);
    vi.advanceTimersByTime(999);
    uploads.append(OWNER, idle, 2, 'c'); // a part keeps it alive
    vi.advanceTimersByTime(999);
    expect(entries(join(root, 'src'))).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(entries(join(root, 'src'))).toEqual([]);
    expect(errorOf(() => uploads.append(OWNER, idle, 3, 'de')).code).toBe(ErrorCode.NOT_FOUND);
    expect(errorOf(() => uploads.append(OWNER + 1, closed, 0, 'x')).code).toBe(ErrorCode.NOT_FOUND);
  });

  it('limits the uploads one connection holds open', () => {
    const uploads = new Uploads();
    for (let i = 0; i < MAX_UPLOADS_PER_CONNECTION; i++) uploads.begin(OWNER, root, [`f${i}.txt`], 1);
    expect(errorOf(() => uploads.begin(OWNER, root, ['one-more.txt'], 1)).code).toBe(ErrorCode.QUOTA);
    expect(uploads.begin(OWNER + 1, root, ['other.txt'], 1)).toMatch(/^[0-9a-f]{24}$/);
    uploads.abortAll();
    expect(entries(root)).toEqual(['src']);
  });
});
