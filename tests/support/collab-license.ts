// A data dir with a license of the given edition installed: a throwaway vendor key pair signs it (the vendor's own
// functions, in process), and the real `pa license activate` installs it. Start the engine with the returned env.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Edition } from '@pa/shared';
import { issueLicense, readSecretKey, writeKeyPair } from '../../apps/engine/src/license/vendor.js';
import { engineCliFor, testVendorEnv } from './vendor-key.js';

export function licensedDataDir(edition: Edition): { dataDir: string; env: Record<string, string> } {
  const root = mkdtempSync(join(tmpdir(), `pa-license-${edition}-`));
  const dataDir = join(root, 'data');
  const keys = writeKeyPair(join(root, 'keys'));
  const license = issueLicense(
    {
      edition,
      licensee: 'Collab Test',
      email: 'collab@example.com',
      days: 30,
      maxDevices: null,
      features: [],
      now: Date.now(),
    },
    readSecretKey(keys.privateKeyFile),
  );
  const env = testVendorEnv(keys.publicKeyFile);
  execFileSync(process.execPath, [engineCliFor(env), 'license', 'activate', license], {
    env: { ...process.env, PA_DATA_DIR: dataDir, ...env },
    encoding: 'utf8',
  });
  return { dataDir, env };
}
