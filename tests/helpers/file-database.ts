import { afterAll, beforeAll } from "vitest";
import { openSqlDatabase, type SqlDatabase } from "../../app/db/sql.server";
import { createTestDatabase, type TestDatabase } from "./database";

export interface FileDatabase {
  /** The fresh, migrated database of the engine under test. */
  readonly database: TestDatabase;
  /** An open handle on it. */
  readonly db: SqlDatabase;
}

/**
 * One database for a test file: created and opened before its hooks and tests, closed and
 * dropped after them (vitest runs after-hooks in reverse, so the file's own afterAll, which
 * stops what uses the database, runs first). Call it at the top level of the file.
 *
 * Both are usable from the file's first hook on; they are bound then, so the file can name
 * them at the top level: `const { database, db } = fileDatabase();`.
 */
export function fileDatabase(): FileDatabase {
  let database: TestDatabase | undefined;
  let db: SqlDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = openSqlDatabase(database.url);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });
  return { database: boundLater(() => database), db: boundLater(() => db) };
}

/** Forwards every property to what `get` returns once the before-hook has made it. */
function boundLater<T extends object>(get: () => T | undefined): T {
  return new Proxy({} as T, {
    get(_target, key) {
      const real = get();
      if (!real) throw new Error("the file's database is made in beforeAll: use it in a hook or a test");
      const value: unknown = Reflect.get(real, key, real);
      return typeof value === "function" ? value.bind(real) : value;
    },
  });
}
