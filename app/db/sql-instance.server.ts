import { config } from "../config.server";
import { openSqlDatabase, type SqlDatabase, type SqlExecutor } from "./sql.server";

declare global {
  // Shared by the server entry and the Remix build, which are separate bundles.
  var __sql: SqlDatabase | undefined;
}

/** The process's SQL handle for DATABASE_URL (see sql.server.ts for why it exists). */
export function sql(): SqlDatabase {
  globalThis.__sql ??= openSqlDatabase(config().DATABASE_URL, { backgroundCheckpoints: true });
  return globalThis.__sql;
}

/** Closes the process's SQL handle, if it was opened: its connections and the checkpointer thread. */
export async function closeSql(): Promise<void> {
  const handle = globalThis.__sql;
  globalThis.__sql = undefined;
  await handle?.close();
}

/** True when the database answers a trivial query within `timeoutMs`. */
export async function databaseReachable(db: SqlExecutor, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    const probe = db.query("SELECT 1").then(
      () => true,
      () => false,
    );
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
