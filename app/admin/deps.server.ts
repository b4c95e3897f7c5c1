import { config } from "../config.server";
import { sql } from "../db/sql-instance.server";
import type { SqlDatabase } from "../db/sql.server";

/**
 * What the admin modules read and write through. Routes use the process's defaults; tests
 * pass their own database handles and clock, so no module reaches for a global in a test.
 */
export interface AdminDeps {
  sql: SqlDatabase;
  encryptionKey: string;
  now: () => Date;
}

export function adminDeps(overrides: Partial<AdminDeps> = {}): AdminDeps {
  return {
    sql: overrides.sql ?? sql(),
    encryptionKey: overrides.encryptionKey ?? config().ENCRYPTION_KEY,
    now: overrides.now ?? (() => new Date()),
  };
}
