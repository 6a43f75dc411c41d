// A data dir with a license of the given edition installed, signed by a throwaway vendor key made with the real
// `pa license keygen|issue|activate` commands; the engine must be started with the returned env.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Edition } from '@pa/shared';
import { engineCli } from '../../scripts/paths.js';

export function licensedDataDir(edition: Edition): { dataDir: string; env: Record<string, string> } {
  const root = mkdtempSync(join(tmpdir(), `pa-license-${edition}-`));
  const keys = join(root, 'keys');
  const dataDir = join(root, 'data');
  const env = { PA_LICENSE_PUBLIC_KEY: join(keys, 'license-public-key') };
  const pa = (args: string[]) =>
    execFileSync(process.execPath, [engineCli, ...args], {
      env: { ...process.env, PA_DATA_DIR: dataDir, ...env },
      encoding: 'utf8',
    });
  pa(['license', 'keygen', '--out', keys]);
  const license = pa([
    'license',
    'issue',
    '--key',
    join(keys, 'license-private-key'),
    '--edition',
    edition,
    '--to',
    'Collab Test',
    '--email',
    'collab@example.com',
    '--days',
    '30',
  ]).trim();
  pa(['license', 'activate', license]);
  return { dataDir, env };
}
