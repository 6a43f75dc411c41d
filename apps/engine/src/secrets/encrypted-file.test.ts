import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openEncryptedFile, SECRETS_FILE, SECRETS_KEY_FILE } from './encrypted-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function dir(): string {
  const created = mkdtempSync(join(tmpdir(), 'pa-secrets-file-'));
  dirs.push(created);
  return created;
}

describe('encrypted secrets file', () => {
  it('keeps values encrypted with a key in a separate 0600 file, and round-trips them', () => {
    const root = dir();
    const store = openEncryptedFile(root);
    store.set('ai.openai', 'sk-live-very-secret');
    expect(openEncryptedFile(root).get('ai.openai')).toBe('sk-live-very-secret');
    expect(statSync(join(root, SECRETS_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(root, SECRETS_FILE), 'utf8')).not.toContain('very-secret');
    store.delete('ai.openai');
    expect(store.get('ai.openai')).toBeNull();
  });

  it('refuses a sealed value moved to another name, and says so without the value', () => {
    const root = dir();
    const store = openEncryptedFile(root);
    store.set('license', 'PA1.secret-license');
    const file = join(root, SECRETS_FILE);
    const entries = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...entries, 'ai.openai': entries.license }));
    expect(() => store.get('ai.openai')).toThrow(/cannot be decrypted/);
    expect(() => store.get('ai.openai')).not.toThrow(/secret-license/);
  });

  it('cannot read the values with a different key file', () => {
    const root = dir();
    openEncryptedFile(root).set('license', 'PA1.secret-license');
    writeFileSync(join(root, SECRETS_KEY_FILE), Buffer.alloc(32, 1).toString('base64'));
    expect(() => openEncryptedFile(root).get('license')).toThrow(/cannot be decrypted/);
  });
});
