// The secrets store (license, API keys): the OS keychain when one answers, else an encrypted file. Values are
// never logged; errors name the secret, never its value.
import type { EngineContext } from '../context.js';
import type { Secrets } from './api.js';
import { openEncryptedFile } from './encrypted-file.js';
import { type KeychainStore, openKeychain } from './keychain.js';

export type { Secrets } from './api.js';

export type KeychainStatus = 'available' | 'unavailable (file fallback)';

/** PA_SECRETS_BACKEND=file skips the keychain (tests on a desktop that has one; users who prefer the file). */
export function createSecrets(ctx: Pick<EngineContext, 'dataDir'>, env: NodeJS.ProcessEnv = process.env): Secrets {
  const keychain = env.PA_SECRETS_BACKEND === 'file' ? null : openKeychain(ctx.dataDir);
  const store: KeychainStore = keychain ?? openEncryptedFile(ctx.dataDir);
  return {
    backend: keychain ? 'keychain' : 'file',
    get: async (name) => store.get(name),
    set: async (name, value) => store.set(name, value),
    delete: async (name) => store.delete(name),
    getSync: (name) => store.get(name),
    setSync: (name, value) => store.set(name, value),
    deleteSync: (name) => store.delete(name),
  };
}

export function keychainStatus(secrets: Pick<Secrets, 'backend'>): KeychainStatus {
  return secrets.backend === 'keychain' ? 'available' : 'unavailable (file fallback)';
}

/** What `pa doctor` reports: whether a keychain answers right now (the probe writes and removes one entry). */
export function probeKeychain(dataDir: string, env: NodeJS.ProcessEnv = process.env): KeychainStatus {
  return env.PA_SECRETS_BACKEND !== 'file' && openKeychain(dataDir) ? 'available' : 'unavailable (file fallback)';
}
