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
  /** The app's public URL (SHOPIFY_APP_URL): where Kaleyra posts status callbacks. */
  appUrl: string;
}

export function adminDeps(overrides: Partial<AdminDeps> = {}): AdminDeps {
  return {
    sql: overrides.sql ?? sql(),
    encryptionKey: overrides.encryptionKey ?? config().ENCRYPTION_KEY,
    now: overrides.now ?? (() => new Date()),
    appUrl: overrides.appUrl ?? config().SHOPIFY_APP_URL,
  };
}
