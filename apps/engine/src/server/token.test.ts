import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { serveToken, tokenFile } from './token.js';

const dirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'pa-token-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const modeOf = (file: string) => statSync(file).mode & 0o777;

it('keeps one token per data dir, in a file only its owner can read', () => {
  const dir = dataDir();
  const first = serveToken(dir);
  expect(first).toMatch(/^[A-Za-z0-9_-]{32}$/);
  expect(serveToken(dir)).toBe(first); // the next engine on this data dir accepts the page the first one served
  expect(readFileSync(tokenFile(dir), 'utf8').trim()).toBe(first);
  expect(modeOf(tokenFile(dir))).toBe(0o600);
  expect(serveToken(dataDir())).not.toBe(first);
});

it('rotates the token on request and keeps the new one', () => {
  const dir = dataDir();
  const old = serveToken(dir);
  const rotated = serveToken(dir, { rotate: true });
  expect(rotated).not.toBe(old);
  expect(serveToken(dir)).toBe(rotated);
  expect(modeOf(tokenFile(dir))).toBe(0o600);
});

it('replaces a truncated or tampered token file and narrows a file others can read', () => {
  const dir = dataDir();
  writeFileSync(tokenFile(dir), 'short\n');
  const made = serveToken(dir);
  expect(made).not.toBe('short');
  expect(made).toMatch(/^[A-Za-z0-9_-]{32}$/);
  chmodSync(tokenFile(dir), 0o644);
  expect(serveToken(dir)).toBe(made);
  expect(modeOf(tokenFile(dir))).toBe(0o600);
});
