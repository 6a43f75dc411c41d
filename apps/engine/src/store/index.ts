// SQLite storage: one database per data dir, WAL mode, numbered migrations owned by each capability.
import Database from 'better-sqlite3';

export type Db = Database.Database;

export interface Store {
  readonly db: Db;
  /** Applies the migrations of one capability that are not applied yet, each in its own transaction. */
  migrate(capability: string, migrations: readonly string[]): void;
  close(): void;
}

export function openStore(file: string): Store {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    capability TEXT NOT NULL,
    version INTEGER NOT NULL,
    applied_at INTEGER NOT NULL,
    PRIMARY KEY (capability, version)
  )`);
  const appliedVersion = db.prepare<[string], { v: number | null }>(
    'SELECT MAX(version) AS v FROM schema_migrations WHERE capability = ?',
  );
  const record = db.prepare('INSERT INTO schema_migrations (capability, version, applied_at) VALUES (?, ?, ?)');

  return {
    db,
    migrate(capability, migrations) {
      // IMMEDIATE so two processes starting at once do not both apply the same migration.
      const apply = db.transaction(() => {
        const current = appliedVersion.get(capability)?.v ?? 0;
        migrations.forEach((sql, index) => {
          const version = index + 1;
          if (version <= current) return;
          db.exec(sql);
          record.run(capability, version, Date.now());
        });
      });
      apply.immediate();
    },
    close() {
      if (db.open) db.close();
    },
  };
}
