// The license capability's own SQLite tables (the audit log and quota ledger migrate their own).
export const LICENSE_MIGRATIONS = [
  'CREATE TABLE license_clock (id INTEGER PRIMARY KEY CHECK (id = 1), high_water INTEGER NOT NULL)',
  // bumped by whoever installs or removes a license (an engine or `pa license`), so every process reloads it
  'CREATE TABLE license_revision (id INTEGER PRIMARY KEY CHECK (id = 1), revision INTEGER NOT NULL)',
  // the clock row is sealed (row-seal.ts); `tampered` remembers, under the seal, that it was once found altered
  `ALTER TABLE license_clock ADD COLUMN tampered INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE license_clock ADD COLUMN mac TEXT`,
];
