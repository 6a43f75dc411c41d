// The fallback where no keychain answers: one AES-256-GCM file of secrets, its 32-byte key in a separate 0600
// file. It keeps secrets off disk in plain text; it is not as strong as a keychain, and the UI says so.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, PaError } from '@pa/shared';
import type { KeychainStore } from './keychain.js';

export const SECRETS_FILE = 'secrets.enc.json';
export const SECRETS_KEY_FILE = 'secrets.key';

interface Sealed {
  iv: string;
  tag: string;
  data: string;
}

function loadKey(dir: string): Buffer {
  const file = join(dir, SECRETS_KEY_FILE);
  if (!existsSync(file)) {
    try {
      // 'wx': if another process created it first, we read theirs below rather than overwrite it
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  chmodSync(file, 0o600);
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) {
    throw new PaError(ErrorCode.INTERNAL, `The secrets key file ${file} is damaged; move it aside to start afresh.`);
  }
  return key;
}

export function openEncryptedFile(dir: string): KeychainStore {
  const key = loadKey(dir);
  const file = join(dir, SECRETS_FILE);
  const readAll = (): Record<string, Sealed> =>
    existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, Sealed>) : {};
  const writeAll = (entries: Record<string, Sealed>) => {
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(entries), { mode: 0o600 });
    renameSync(temp, file);
  };
  return {
    get(name) {
      const sealed = readAll()[name];
      if (!sealed) return null;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
        decipher.setAAD(Buffer.from(name));
        decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
        return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
      } catch {
        throw new PaError(
          ErrorCode.INTERNAL,
          `The stored secret "${name}" cannot be decrypted (the key file changed?); set it again.`,
        );
      }
    },
    set(name, value) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      // the name is authenticated, so a sealed value cannot be moved to another name
      cipher.setAAD(Buffer.from(name));
      const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
      const entries = readAll();
      entries[name] = {
        iv: iv.toString('base64'),
        tag: cipher.getAuthTag().toString('base64'),
        data: data.toString('base64'),
      };
      writeAll(entries);
    },
    delete(name) {
      const entries = readAll();
      if (!(name in entries)) return;
      delete entries[name];
      writeAll(entries);
    },
  };
}
