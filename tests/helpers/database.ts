import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { migrate } from "../../app/db/migrate.server";
import type { DatabaseProvider } from "../../app/db/provider";

/** Which engine the database tests run on: TEST_DB=postgresql for the PostgreSQL pass. */
export function testProvider(): DatabaseProvider {
  return process.env.TEST_DB === "postgresql" ? "postgresql" : "sqlite";
}

/** The server the PostgreSQL pass creates its throwaway databases on. */
export function postgresAdminUrl(): string {
  return process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
}

/**
 * The start of every throwaway database's name (TEST_DATABASE_PREFIX, `order_status` by
 * default), so people sharing one PostgreSQL server can tell theirs apart and clean up.
 */
export function testDatabasePrefix(env: Record<string, string | undefined> = process.env): string {
  const prefix = env.TEST_DATABASE_PREFIX || "order_status";
  // It becomes part of an identifier in CREATE DATABASE: letters, digits and _ only.
  if (!/^[a-z_][a-z0-9_]{0,39}$/.test(prefix)) {
    throw new Error(`TEST_DATABASE_PREFIX must be 1-40 lower-case letters, digits or _ (starting with a letter or _), got ${JSON.stringify(prefix)}`);
  }
  return prefix;
}

/** A fresh database name: the prefix, what it is for, this process and a random tail. */
export function throwawayDatabaseName(purpose: string, env: Record<string, string | undefined> = process.env): string {
  return `${testDatabasePrefix(env)}_${purpose}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

export interface TestDatabase {
  provider: DatabaseProvider;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database of the engine under test: a real SQLite file or PostgreSQL database. */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const provider = testProvider();
  let url: string;
  let drop: () => Promise<void>;
  if (provider === "sqlite") {
    const dir = mkdtempSync(path.join(tmpdir(), "order-status-test-"));
    url = `file:${path.join(dir, "app.sqlite")}`;
    drop = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const name = throwawayDatabaseName("test");
    const admin = new pg.Client({ connectionString: postgresAdminUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const target = new URL(postgresAdminUrl());
    target.pathname = `/${name}`;
    url = target.toString();
    drop = async () => {
      const client = new pg.Client({ connectionString: postgresAdminUrl() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    };
  }
  if (options.migrate !== false) await migrate(url);
  return { provider, url, drop };
}

/**
 * Exits unless PostgreSQL answers at `postgresAdminUrl()`: without it, `what` is skipped
 * with one line (exit 0), except in CI (CI=true), where that is a failure (exit 1).
 */
export async function requirePostgresOrExit(what: string): Promise<string> {
  const admin = postgresAdminUrl();
  const where = new URL(admin).host;
  const client = new pg.Client({ connectionString: admin, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return where;
  } catch (error) {
    if (process.env.CI === "true") {
      process.stderr.write(`PostgreSQL is not reachable at ${where} (${String(error)}); CI needs it.\n`);
      process.exit(1);
    }
    process.stdout.write(`PostgreSQL not reachable at ${where}: ${what} is skipped.\n`);
    process.exit(0);
  }
}
