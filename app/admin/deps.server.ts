import { config } from "../config.server";
import { db } from "../db.server";
import type { PrismaClient } from "../db/client.server";
import { sql } from "../db/sql-instance.server";
import type { SqlDatabase } from "../db/sql.server";

/**
 * What the admin modules read and write through. Routes use the process's defaults; tests
 * pass their own database handles and clock, so no module reaches for a global in a test.
 */
export interface AdminDeps {
  prisma: PrismaClient;
  sql: SqlDatabase;
  encryptionKey: string;
  now: () => Date;
}

export function adminDeps(overrides: Partial<AdminDeps> = {}): AdminDeps {
  return {
    prisma: overrides.prisma ?? db(),
    sql: overrides.sql ?? sql(),
    encryptionKey: overrides.encryptionKey ?? config().ENCRYPTION_KEY,
    now: overrides.now ?? (() => new Date()),
  };
}
