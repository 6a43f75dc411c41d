// The vendor key cannot be replaced at run time: a license signed by a self-made key pair is refused by the shipped
// engine and the shipped `pa`, with every override anyone ever documented or might guess set at once (the old
// PA_LICENSE_PUBLIC_KEY, the test build's variable, PA_RESOURCES_DIR, key flags, a key file in the data dir and in
// the working directory). The test build, given the same key, accepts the same license: the license is good.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PaError } from '@pa/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { issueLicense, readSecretKey, writeKeyPair } from '../../apps/engine/src/license/vendor.js';
import { engineCli, testEngineCli } from '../../scripts/paths.js';
import { startEngine } from '../support/engine.js';

const root = mkdtempSync(join(tmpdir(), 'pa-vendor-key-'));
const forged = writeKeyPair(join(root, 'forger'));
const license = issueLicense(
  { edition: 'enterprise', licensee: 'Mallory', email: 'm@example.com', days: 365, now: Date.now() },
  readSecretKey(forged.privateKeyFile),
);

// a key file everywhere a shipped build might look: the data dir, the working directory and a resources dir
const workDir = join(root, 'cwd');
const resourcesDir = join(root, 'resources');
for (const dir of [workDir, join(workDir, 'resources'), resourcesDir]) {
  mkdirSync(dir, { recursive: true });
  cpSync(forged.publicKeyFile, join(dir, 'license-public-key'));
}
const overrides = {
  PA_LICENSE_PUBLIC_KEY: forged.publicKey,
  PA_TEST_VENDOR_PUBLIC_KEY: forged.publicKey,
  PA_LICENSE_PUBLIC_KEY_FILE: forged.publicKeyFile,
  PA_RESOURCES_DIR: resourcesDir,
  PA_SECRETS_BACKEND: 'file',
};
const keyFlags = ['--license-public-key', forged.publicKey, '--public-key', forged.publicKeyFile];

function dataDirWithKeyFile(): string {
  const dataDir = join(mkdtempSync(join(root, 'data-')), 'data');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'license-public-key'), `${forged.publicKey}\n`);
  return dataDir;
}

function pa(cli: string, dataDir: string, ...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], {
    cwd: workDir,
    env: { ...process.env, ...overrides, PA_DATA_DIR: dataDir },
    encoding: 'utf8',
  });
}

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the vendor key of a shipped build', () => {
  it('makes the shipped `pa license activate` refuse a self-signed license whatever names another key', () => {
    const dataDir = dataDirWithKeyFile();
    const result = pa(engineCli, dataDir, 'license', 'activate', license);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/not signed|signature/i);
    const status = pa(engineCli, dataDir, 'license', 'status', '--json');
    expect(JSON.parse(status.stdout)).toMatchObject({ edition: 'personal', license: null });
  });

  it('makes the shipped engine refuse it over RPC, and ignore one a test build stored in its data dir', async () => {
    const dataDir = dataDirWithKeyFile();
    // the test build trusts the forged key: the license is well-formed and would unlock enterprise
    const installed = pa(testEngineCli, dataDir, 'license', 'activate', license);
    expect(installed.stderr).toBe('');
    expect(installed.stdout).toContain('enterprise');

    const engine = await startEngine({ dataDir, env: overrides, args: keyFlags });
    try {
      const client = await engine.connect();
      expect(await client.call('license.status', undefined)).toMatchObject({ edition: 'personal' });
      const refused = await client.call('license.activate', { key: license }).catch((error: PaError) => error);
      expect(refused).toMatchObject({ code: 'E_LICENSE', data: { reason: 'bad_signature' } });
      expect(await client.call('license.status', undefined)).toMatchObject({ edition: 'personal' });
    } finally {
      await engine.stop();
    }
  });
});
