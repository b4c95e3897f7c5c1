import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, readMigrations } from "../app/db/migrate.server";
import { openSqlDatabase, type SqlDatabase } from "../app/db/sql.server";
import { diffSql, SCHEMA } from "../scripts/prisma";
import { createTestDatabase, type TestDatabase } from "./helpers/database";

/** The schema of a database as comparable text: tables, columns, indexes, constraints. */
async function schemaOf(db: SqlDatabase): Promise<string[]> {
  if (db.provider === "sqlite") {
    const rows = await db.query<{ sql: string }>(
      `SELECT "sql" FROM sqlite_master WHERE "sql" IS NOT NULL AND "name" NOT LIKE 'sqlite_%' AND "name" <> '_prisma_migrations'`,
    );
    // A column added later (ALTER TABLE ... ADD COLUMN) is spliced in with its own spacing.
    return rows.map((row) => row.sql.replace(/\s+/g, " ").replace(/ ?([(),]) ?/g, "$1").trim()).sort();
  }
  const columns = await db.query<Record<string, string>>(
    `SELECT table_name, column_name, data_type, is_nullable, coalesce(column_default, '') AS def
     FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
  );
  const indexes = await db.query<Record<string, string>>(
    `SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`,
  );
  const constraints = await db.query<Record<string, string>>(
    `SELECT conname, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
     JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' AND conname <> '_prisma_migrations_pkey'`,
  );
  return [
    ...columns.map((c) => `column ${c.table_name}.${c.column_name} ${c.data_type} ${c.is_nullable} ${c.def}`),
    ...indexes.map((i) => `index ${i.indexdef}`),
    ...constraints.map((c) => `constraint ${c.conname} ${c.def}`),
  ].sort();
}

async function schemaFromSql(script: string): Promise<string[]> {
  const database = await createTestDatabase({ migrate: false });
  const db = openSqlDatabase(database.url);
  try {
    if (db.provider === "sqlite") {
      for (const statement of script.split(/;\s*$/m).filter((s) => s.replace(/--.*$/gm, "").trim())) {
        await db.execute(statement);
      }
    } else {
      await db.execute(script);
    }
    return await schemaOf(db);
  } finally {
    await db.close();
    await database.drop();
  }
}

describe("committed migrations", () => {
  let migrated: TestDatabase;
  let db: SqlDatabase;

  beforeAll(async () => {
    migrated = await createTestDatabase();
    db = openSqlDatabase(migrated.url);
  });

  afterAll(async () => {
    await db.close();
    await migrated.drop();
  });

  it("GIVEN the migrations applied to a fresh database THEN its schema equals the one the models describe", async () => {
    const fromModels = await schemaFromSql(diffSql(db.provider));
    const fromMigrations = await schemaOf(db);
    expect(fromMigrations.length).toBeGreaterThan(10);
    expect(fromMigrations).toEqual(fromModels);
  });

  it("GIVEN a model changed without a migration THEN the comparison tells them apart", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "schema-"));
    const changed = path.join(dir, "schema.prisma");
    writeFileSync(
      changed,
      readFileSync(SCHEMA, "utf8").replace("model Shop {", "model Shop {\n  notMigrated String?"),
    );
    const fromChangedModels = await schemaFromSql(diffSql(db.provider, undefined, changed));
    expect(await schemaOf(db)).not.toEqual(fromChangedModels);
  });

  it("GIVEN the migrations THEN they are recorded the way prisma migrate deploy records them", async () => {
    const rows = await db.query<{ migration_name: string; checksum: string; finished_at: unknown; applied_steps_count: number }>(
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    const committed = readMigrations(db.provider);
    expect(rows.map((r) => [r.migration_name, r.checksum])).toEqual(committed.map((m) => [m.name, m.checksum]));
    expect(rows.every((r) => r.finished_at !== null && Number(r.applied_steps_count) === 1)).toBe(true);
  });

  it("GIVEN an up-to-date database WHEN migrating again THEN nothing is applied", async () => {
    expect((await migrate(migrated.url)).applied).toEqual([]);
  });

  it("GIVEN a migration edited after it was applied WHEN migrating THEN it refuses", async () => {
    await db.execute(`UPDATE "_prisma_migrations" SET "checksum" = 'edited'`);
    await expect(migrate(migrated.url)).rejects.toThrow(/was changed after it was applied/);
  });
});
