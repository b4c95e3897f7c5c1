import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { config } from "./config.server";
import { databaseReachable, db } from "./db.server";
import { databaseProvider, sqliteFilePath } from "./db/provider";

export interface Health {
  ok: boolean;
  database: "ok" | "unreachable";
  detail?: string;
}

/**
 * An open SQLite handle keeps working after its file is deleted or its permissions change,
 * so the file itself is checked too: a restart would find the database gone or unreadable.
 */
async function sqliteFileProblem(url: string): Promise<string | undefined> {
  const file = sqliteFilePath(url);
  if (file === ":memory:") return undefined;
  try {
    const info = await stat(file);
    if (!info.isFile()) return "database path is not a file";
    await access(file, constants.R_OK | constants.W_OK);
    // root passes access() whatever the mode; an owner without read/write is still a fault.
    if ((info.mode & 0o600) !== 0o600) return "database file is not readable and writable";
    return undefined;
  } catch {
    return "database file is missing or unreadable";
  }
}

export async function checkHealth(): Promise<Health> {
  const url = config().DATABASE_URL;
  if (databaseProvider(url) === "sqlite") {
    const problem = await sqliteFileProblem(url);
    if (problem) return { ok: false, database: "unreachable", detail: problem };
  }
  const reachable = await databaseReachable(db());
  return reachable
    ? { ok: true, database: "ok" }
    : { ok: false, database: "unreachable", detail: "database did not answer" };
}
