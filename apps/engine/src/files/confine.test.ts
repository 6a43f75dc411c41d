import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, PaError } from '@pa/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkRelativePath, resolveInside } from './confine.js';

let base: string;
let root: string;
let outside: string;

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'pa-confine-'));
  root = join(base, 'workspace');
  outside = join(base, 'outside');
  mkdirSync(join(root, 'src'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, 'src', 'a.ts'), 'a');
  writeFileSync(join(outside, 'secret.txt'), 'secret');
});

afterEach(() => rmSync(base, { recursive: true, force: true }));

function refused(rel: string): void {
  let error: unknown;
  try {
    resolveInside(root, rel);
  } catch (caught) {
    error = caught;
  }
  expect(error, `"${rel}" should be refused`).toBeInstanceOf(PaError);
  expect((error as PaError).code).toBe(ErrorCode.BAD_REQUEST);
}

describe('path confinement', () => {
  it('resolves plain relative paths inside the workspace', () => {
    expect(resolveInside(root, 'src/a.ts')).toMatch(/workspace\/src\/a\.ts$/);
    expect(resolveInside(root, './src//a.ts')).toMatch(/workspace\/src\/a\.ts$/);
    expect(resolveInside(root, 'src/new/file.ts')).toMatch(/workspace\/src\/new\/file\.ts$/);
  });

  it('refuses any ".." segment, even one that would land back inside', () => {
    for (const rel of ['../outside/secret.txt', 'src/../../outside', '..', 'src/../a.ts', 'a/b/../../..']) refused(rel);
  });

  it('refuses absolute paths on every platform', () => {
    for (const rel of ['/etc/passwd', join(outside, 'secret.txt'), 'C:/Windows', 'c:\\Windows', '\\\\server\\share']) {
      refused(rel);
    }
  });

  it('refuses backslash separators and NUL bytes instead of guessing', () => {
    for (const rel of ['src\\..\\..\\outside', '..\\outside', 'src/a.ts\0.png']) refused(rel);
  });

  it('refuses names and paths too long for the filesystem before touching it', () => {
    for (const rel of [
      'n'.repeat(256),
      `src/${'é'.repeat(128)}`,
      'x/'.repeat(2100),
      `${'d'.repeat(200)}/`.repeat(21),
    ]) {
      refused(rel);
    }
    expect(checkRelativePath('n'.repeat(255))).toHaveLength(1);
  });

  it('treats percent-encoded separators as literal names, never decoding them', () => {
    expect(checkRelativePath('%2e%2e%2fsecret')).toEqual(['%2e%2e%2fsecret']);
    expect(resolveInside(root, '%2e%2e%2foutside')).toMatch(/workspace\/%2e%2e%2foutside$/);
  });

  it('refuses a symlink that leads outside, and paths beneath it', () => {
    symlinkSync(outside, join(root, 'escape'));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'src', 'secret-link.txt'));
    refused('escape');
    refused('escape/secret.txt');
    refused('escape/new-file.txt');
    refused('src/secret-link.txt');
  });

  it('allows a symlink that stays inside the workspace', () => {
    symlinkSync(join(root, 'src'), join(root, 'src-link'));
    expect(resolveInside(root, 'src-link/a.ts')).toMatch(/src-link\/a\.ts$/);
  });
});
