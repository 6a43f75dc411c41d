// Where the engine's vendor public key comes from: PA_LICENSE_PUBLIC_KEY (the key itself as base64, base64url or
// hex, or a path to a key file) for tests and private builds, else resources/license-public-key.
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

function resourceCandidates(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  return [
    join(here, '../../../resources', PUBLIC_KEY_FILE), // apps/engine/dist → repo root
    join(here, '../../../../resources', PUBLIC_KEY_FILE), // apps/engine/src/license → repo root (tsx, tests)
    ...(packaged ? [join(packaged, PUBLIC_KEY_FILE), join(packaged, 'resources', PUBLIC_KEY_FILE)] : []),
  ];
}

/** The vendor public key, or null when none is configured (then every license is refused and the edition is personal). */
export function loadPublicKey(env: NodeJS.ProcessEnv = process.env): Uint8Array | null {
  const override = env.PA_LICENSE_PUBLIC_KEY?.trim();
  if (override) {
    const inline = parseKeyText(override, 32);
    if (inline) return inline;
    if (!existsSync(override)) {
      throw new PaError(
        ErrorCode.BAD_REQUEST,
        'PA_LICENSE_PUBLIC_KEY is neither a 32-byte key (hex or base64) nor a readable file; fix or unset it.',
      );
    }
    return requireKey(readFileSync(override, 'utf8'), override);
  }
  const file = resourceCandidates().find((candidate) => existsSync(candidate));
  return file ? requireKey(readFileSync(file, 'utf8'), file) : null;
}

function requireKey(text: string, source: string): Uint8Array {
  const key = parseKeyText(text, 32);
  if (!key) throw new PaError(ErrorCode.BAD_REQUEST, `${source} does not hold a 32-byte Ed25519 public key.`);
  return key;
}
