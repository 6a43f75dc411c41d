// The device fingerprint for device-bound licenses: a SHA-256 of the machine id, the OS user and a per-install
// random salt. Only the hash ever leaves this module; a copied data dir on a clean install has another salt.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';

export const SALT_FILE = 'device-salt';

export interface DeviceIdentity {
  machineId: string;
  user: string;
  salt: string;
}

export function fingerprintOf(identity: DeviceIdentity): string {
  return createHash('sha256')
    .update(`pa-device-v1\0${identity.machineId}\0${identity.user}\0${identity.salt}`)
    .digest('hex');
}

/** The platform's stable machine id; the host name only where none can be read. */
export function readMachineId(platform = process.platform): string {
  try {
    if (platform === 'linux') {
      for (const file of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
        if (existsSync(file)) {
          const id = readFileSync(file, 'utf8').trim();
          if (id) return id;
        }
      }
    } else if (platform === 'darwin') {
      const out = execFileSync('ioreg', ['-rd1', '-c', 'IOPlatformExpertDevice'], { encoding: 'utf8' });
      const match = /"IOPlatformUUID" = "([^"]+)"/.exec(out);
      if (match?.[1]) return match[1];
    } else if (platform === 'win32') {
      const out = execFileSync('reg', ['query', 'HKLM\\SOFTWARE\\Microsoft\\Cryptography', '/v', 'MachineGuid'], {
        encoding: 'utf8',
      });
      const match = /MachineGuid\s+REG_SZ\s+(\S+)/.exec(out);
      if (match?.[1]) return match[1];
    }
  } catch {
    // fall through: a missing tool or file means we cannot do better than the host name
  }
  return `host:${hostname()}`;
}

/** The salt is created once per data dir ('wx' so two processes starting together agree on one). */
export function readSalt(dataDir: string): string {
  const file = join(dataDir, SALT_FILE);
  if (!existsSync(file)) {
    try {
      writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return readFileSync(file, 'utf8').trim();
}

export function deviceFingerprint(dataDir: string): string {
  return fingerprintOf({ machineId: readMachineId(), user: userInfo().username, salt: readSalt(dataDir) });
}
