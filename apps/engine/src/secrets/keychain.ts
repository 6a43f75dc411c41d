// The OS keychain through @napi-rs/keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on
// Windows). Each data dir gets its own account names so two installations (or tests) never share a secret.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

export const KEYCHAIN_SERVICE = 'PowerAutomation';

interface KeyringEntry {
  getPassword(): string | null | undefined;
  setPassword(value: string): void;
  deletePassword(): boolean | undefined;
}
type EntryClass = new (service: string, account: string) => KeyringEntry;

const requireNative = createRequire(import.meta.url);

function loadEntryClass(): EntryClass | null {
  try {
    return (requireNative('@napi-rs/keyring') as { Entry: EntryClass }).Entry;
  } catch {
    return null; // the native module is missing for this platform: the file fallback takes over
  }
}

/**
 * Probed once per process: on Linux without a Secret Service the first call fails, and later calls "succeed"
 * against the kernel's session keyring only, which forgets everything at logout. Only the first answer is honest.
 */
let probed: boolean | undefined;

function probe(entry: KeyringEntry): boolean {
  try {
    entry.setPassword('probe');
    const echoed = entry.getPassword();
    entry.deletePassword();
    return echoed === 'probe';
  } catch {
    return false; // every failure here means the same thing to the user: no usable keychain
  }
}

export interface KeychainStore {
  get(name: string): string | null;
  set(name: string, value: string): void;
  delete(name: string): void;
}

export function accountFor(name: string, dataDir: string): string {
  return `${name}@${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`;
}

/**
 * A keychain that answers a write, a read and a delete of a probe entry, or null where none does (no Secret
 * Service on a headless Linux, a locked collection, a missing native module).
 */
export function openKeychain(dataDir: string): KeychainStore | null {
  const Entry = loadEntryClass();
  if (!Entry) return null;
  const entry = (name: string) => new Entry(KEYCHAIN_SERVICE, accountFor(name, dataDir));
  probed ??= probe(entry(`probe-${process.pid}`));
  if (!probed) return null;
  return {
    get: (name) => entry(name).getPassword() ?? null,
    set: (name, value) => entry(name).setPassword(value),
    delete: (name) => {
      try {
        entry(name).deletePassword();
      } catch (error) {
        // deleting what is not there is success; anything else is a real failure
        if (entry(name).getPassword() != null) throw error;
      }
    },
  };
}
