// The vendor public key every license and device certificate must be signed with. A shipped build reads it only
// from its own installed resources (resources/license-public-key beside the engine bundle or inside the packaged
// app): no environment variable, flag, data-dir file or working-directory file can replace it, because whoever can
// name the key can sign any edition. Tests trust their own key in-process (createEngine's licensePublicKey) or run
// the test build (scripts/build.mjs engine-test), which swaps this module out; the shipped bundle never has that path.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, PaError } from '@pa/shared';

export const PUBLIC_KEY_FILE = 'license-public-key';

/** Parses a 32-byte Ed25519 public key written as hex, base64 or base64url (comment lines starting with # ignored). */
export function parseKeyText(text: string, expectedBytes: number): Uint8Array | null {
  const body = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .join('')
    .trim();
  if (new RegExp(`^[0-9a-fA-F]{${expectedBytes * 2}}$`).test(body)) return Uint8Array.from(Buffer.from(body, 'hex'));
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(body)) return null;
  const bytes = Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length === expectedBytes ? Uint8Array.from(bytes) : null;
}

/** Where the installed product keeps its resources: fixed by where this code is, never by the environment. */
function resourceCandidates(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  return [
    join(here, '../../../resources', PUBLIC_KEY_FILE), // apps/engine/dist → repo root
    join(here, '../../../../resources', PUBLIC_KEY_FILE), // apps/engine/src/license → repo root (tsx, tests)
    ...(packaged ? [join(packaged, PUBLIC_KEY_FILE), join(packaged, 'resources', PUBLIC_KEY_FILE)] : []),
  ];
}

/** The vendor public key, or null when none is installed (then every license is refused and the edition is personal). */
export function loadPublicKey(): Uint8Array | null {
  const file = resourceCandidates().find((candidate) => existsSync(candidate));
  return file ? requireKey(readFileSync(file, 'utf8'), file) : null;
}

export function requireKey(text: string, source: string): Uint8Array {
  const key = parseKeyText(text, 32);
  if (!key) throw new PaError(ErrorCode.BAD_REQUEST, `${source} does not hold a 32-byte Ed25519 public key.`);
  return key;
}
