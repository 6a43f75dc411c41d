// The browser-mode access token, one per data dir: kept in `serve-token` (0600) so a restarted engine accepts the
// page that is still open, and replaced only when asked (`pa serve --new-token`).
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const TOKEN_FILE = 'serve-token';
/** 24 random bytes in base64url: what a token file must hold to be used again. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32,}$/;

export function tokenFile(dataDir: string): string {
  return join(dataDir, TOKEN_FILE);
}

/** The data dir's token, made (or remade, when `rotate` or the file is missing or malformed) on first use. */
export function serveToken(dataDir: string, options: { rotate?: boolean } = {}): string {
  const file = tokenFile(dataDir);
  if (!options.rotate) {
    const existing = readToken(file);
    if (existing !== null) {
      chmodSync(file, 0o600); // a copied or restored file may have come back readable by others
      return existing;
    }
  }
  return writeToken(file, randomBytes(24).toString('base64url'));
}

function readToken(file: string): string | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return TOKEN_PATTERN.test(text) ? text : null;
}

/** Written beside and renamed over, so a crash never leaves half a token that would lock the open page out. */
function writeToken(file: string, token: string): string {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${token}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600); // the mode above is masked by the umask
  renameSync(temp, file);
  return token;
}
