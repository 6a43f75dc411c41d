// The vendor's activation ledger: which device fingerprint hashes hold a seat of each device-bound license, so
// `pa license activate-offline` never signs more certificates than the license's maxDevices. A SQLite file the
// vendor keeps next to the private key (offline, like the key); licenses enter it when issued or when shown.
import { dirname, join } from 'node:path';
import { ErrorCode, type LicensePayload, PaError } from '@pa/shared';
import { openStore, type Store } from '../store/index.js';

export const LEDGER_FILE = 'license-ledger.db';

const LEDGER_MIGRATIONS = [
  `CREATE TABLE ledger_license (
    license_id TEXT PRIMARY KEY,
    max_devices INTEGER,
    licensee TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  )`,
  `CREATE TABLE ledger_activation (
    license_id TEXT NOT NULL REFERENCES ledger_license (license_id),
    device TEXT NOT NULL,
    activated_at INTEGER NOT NULL,
    PRIMARY KEY (license_id, device)
  ) WITHOUT ROWID`,
];

export type SeatOutcome = { seat: 'new' | 'existing'; used: number; maxDevices: number | null };

export interface ActivationLedger {
  /** Records an issued license (idempotent), so later activations know its device limit. */
  register(license: LicensePayload): void;
  /** Takes a seat for a device, or confirms the one it holds; throws E_LICENSE when every seat is taken. */
  claim(licenseId: string, device: string, now: number): SeatOutcome;
  /** Frees a device's seat; false when that device held none. */
  release(licenseId: string, device: string): boolean;
  devices(licenseId: string): string[];
  close(): void;
}

/** The ledger file used when --ledger is not given: beside the vendor's private key. */
export function defaultLedgerFile(privateKeyFile: string): string {
  return join(dirname(privateKeyFile), LEDGER_FILE);
}

export function openActivationLedger(file: string): ActivationLedger {
  const store: Store = openStore(file);
  store.migrate('activation_ledger', LEDGER_MIGRATIONS);
  const { db } = store;
  const insertLicense = db.prepare(
    `INSERT INTO ledger_license (license_id, max_devices, licensee, expires_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (license_id) DO NOTHING`,
  );
  const readLicense = db.prepare<[string], { max_devices: number | null }>(
    'SELECT max_devices FROM ledger_license WHERE license_id = ?',
  );
  const readDevices = db.prepare<[string], { device: string }>(
    'SELECT device FROM ledger_activation WHERE license_id = ? ORDER BY activated_at, device',
  );
  const insertSeat = db.prepare('INSERT INTO ledger_activation (license_id, device, activated_at) VALUES (?, ?, ?)');
  const deleteSeat = db.prepare('DELETE FROM ledger_activation WHERE license_id = ? AND device = ?');

  function known(licenseId: string): { max_devices: number | null } {
    const row = readLicense.get(licenseId);
    if (row) return row;
    throw new PaError(
      ErrorCode.NOT_FOUND,
      `License ${licenseId} is not in the activation ledger ${file}; pass the license file with --license so it can be recorded.`,
      { licenseId },
    );
  }

  // IMMEDIATE: two vendor shells activating at once must not both take the last seat
  const claimTx = db.transaction((licenseId: string, device: string, now: number): SeatOutcome => {
    const { max_devices: maxDevices } = known(licenseId);
    const devices = readDevices.all(licenseId).map((row) => row.device);
    if (devices.includes(device)) return { seat: 'existing', used: devices.length, maxDevices };
    if (maxDevices !== null && devices.length >= maxDevices) {
      throw new PaError(
        ErrorCode.LICENSE,
        `License ${licenseId} is already activated on ${devices.length} of ${maxDevices} devices; free a seat with \`pa license deactivate-offline ${licenseId} DEVICE_HASH\` or issue more devices.`,
        { licenseId, maxDevices, reason: 'device_limit' },
      );
    }
    insertSeat.run(licenseId, device, now);
    return { seat: 'new', used: devices.length + 1, maxDevices };
  });

  return {
    register(license) {
      insertLicense.run(license.id, license.maxDevices, license.licensee, license.expiresAt);
    },
    claim: (licenseId, device, now) => claimTx.immediate(licenseId, device, now),
    release(licenseId, device) {
      known(licenseId);
      return deleteSeat.run(licenseId, device).changes === 1;
    },
    devices: (licenseId) => readDevices.all(licenseId).map((row) => row.device),
    close: () => store.close(),
  };
}
