// The license capability's own SQLite tables (the audit log and quota ledger migrate their own).
export const LICENSE_MIGRATIONS = [
  'CREATE TABLE license_clock (id INTEGER PRIMARY KEY CHECK (id = 1), high_water INTEGER NOT NULL)',
  // bumped by whoever installs or removes a license (an engine or `pa license`), so every process reloads it
  'CREATE TABLE license_revision (id INTEGER PRIMARY KEY CHECK (id = 1), revision INTEGER NOT NULL)',
];
