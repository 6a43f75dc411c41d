// The secrets store against a real Secret Service (gnome-keyring inside a private D-Bus session) and without one
// (the AES-256-GCM file fallback). Needs `dbus` and `gnome-keyring` installed (.ci/run installs them).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/paths.js';

const probe = join(repoRoot, 'tests/integration/license/secrets-probe.ts');
const SECRET = 'PA1.not-a-real-license.secret-value-4f9c';
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pa-secrets-'));
  dirs.push(dir);
  return dir;
}

function which(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

const env = { ...process.env, PA_SECRETS_BACKEND: '' };

describe('secrets store', () => {
  it('round-trips a secret through the Secret Service of a gnome-keyring in a private D-Bus session', () => {
    expect(which('dbus-run-session') && which('gnome-keyring-daemon'), 'install dbus and gnome-keyring').toBe(true);
    const dir = dataDir();
    const command = `echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "${process.execPath}" --import tsx "${probe}" "${dir}" "${SECRET}"`;
    const out = execFileSync('dbus-run-session', ['--', 'sh', '-c', command], { cwd: repoRoot, env, encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').at(-1) ?? '')).toEqual({
      backend: 'keychain',
      got: SECRET,
      reopened: SECRET,
      afterDelete: null,
    });
    // nothing about the secret was written to the data dir
    expect(readdirSync(dir)).toEqual([]);
  });

  it('falls back to an encrypted file with its key in a separate 0600 file when no Secret Service answers', () => {
    const dir = dataDir();
    const out = execFileSync(process.execPath, ['--import', 'tsx', probe, dir, SECRET], {
      cwd: repoRoot,
      env: { ...env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'no-bus')}` },
      encoding: 'utf8',
    });
    expect(JSON.parse(out.trim())).toEqual({ backend: 'file', got: SECRET, reopened: SECRET, afterDelete: null });
    expect(statSync(join(dir, 'secrets.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'secrets.enc.json')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'secrets.enc.json'), 'utf8')).not.toContain('secret-value');
  });
});
