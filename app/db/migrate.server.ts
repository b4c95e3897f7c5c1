import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { databaseProvider, sqliteFilePath, type DatabaseProvider } from "./provider";

/**
 * Applies the committed Prisma migrations of DATABASE_URL's engine and records them in
 * `_prisma_migrations` exactly as `prisma migrate deploy` does (same table, sha256 checksum
 * of migration.sql), so a deployment that can run Prisma's native engine sees the same history.
 * It exists because Prisma's WebAssembly schema engine cannot migrate PostgreSQL and the
 * native one cannot be downloaded everywhere.
 */

export const MIGRATION_DIRS: Record<DatabaseProvider, string> = {
  sqlite: path.join("prisma", "migrations"),
  postgresql: path.join("prisma", "postgresql", "migrations"),
};

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(provider: DatabaseProvider, root = process.cwd()): Migration[] {
  const dir = path.join(root, MIGRATION_DIRS[provider]);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

export interface MigrateResult {
  provider: DatabaseProvider;
  applied: string[];
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

interface Applied {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
}

function checkHistory(migrations: Migration[], applied: Applied[]): Migration[] {
  const byName = new Map(applied.map((row) => [row.migration_name, row]));
  for (const row of applied) {
    if (!row.finished_at) {
      throw new MigrationError(
        `migration ${row.migration_name} started but did not finish; fix the database by hand, then mark it resolved`,
      );
    }
  }
  for (const migration of migrations) {
    const row = byName.get(migration.name);
    if (row && row.checksum !== migration.checksum) {
      throw new MigrationError(`migration ${migration.name} was changed after it was applied`);
    }
  }
  return migrations.filter((migration) => !byName.has(migration.name));
}

const SQLITE_HISTORY = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

function migrateSqlite(url: string, migrations: Migration[]): string[] {
  const file = sqliteFilePath(url);
  if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file, { timeout: 10_000 });
  try {
    // WAL lets the web process read while the worker writes; the setting stays with the file.
    db.pragma("journal_mode = WAL");
    db.exec(SQLITE_HISTORY);
    const applyAll = db.transaction(() => {
      const applied = db
        .prepare(
          `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
        )
        .all() as Applied[];
      const pending = checkHistory(migrations, applied);
      for (const migration of pending) {
        db.exec(migration.sql);
        db.prepare(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
           VALUES (?, ?, ?, ?, ?, 1)`,
        ).run(randomUUID(), migration.checksum, Date.now(), migration.name, Date.now());
      }
      return pending.map((migration) => migration.name);
    });
    // IMMEDIATE: two processes starting together must not both apply the same migration.
    return applyAll.immediate();
  } finally {
    db.close();
  }
}

const PG_HISTORY = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

// Prisma's own advisory lock number, so this and `prisma migrate deploy` exclude each other.
const PRISMA_MIGRATE_LOCK = 72707369;

async function migratePostgres(url: string, migrations: Migration[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK]);
    await client.query(PG_HISTORY);
    const { rows } = await client.query<Applied>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const pending = checkHistory(migrations, rows);
    for (const migration of pending) {
      await client.query("BEGIN");
      try {
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, now(), 1)`,
          [randomUUID(), migration.checksum, migration.name],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
    }
    return pending.map((migration) => migration.name);
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK]).catch(() => {});
    await client.end();
  }
}

export async function migrate(url: string, root = process.cwd()): Promise<MigrateResult> {
  const provider = databaseProvider(url);
  const migrations = readMigrations(provider, root);
  const applied =
    provider === "sqlite" ? migrateSqlite(url, migrations) : await migratePostgres(url, migrations);
  return { provider, applied };
}
