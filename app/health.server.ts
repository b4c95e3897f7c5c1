import { touchHealthProbe } from "./db/repositories/health-probes.server";
import { countFailedEvents } from "./db/repositories/webhook-events.server";
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { config } from "./config.server";
import { databaseProvider, sqliteFilePath } from "./db/provider";
import { databaseReachable, sql } from "./db/sql-instance.server";

export interface Health {
  ok: boolean;
  /** "degraded": the database answers but cannot be written (disk full, read-only). */
  status: "ok" | "degraded" | "down";
  database: "ok" | "unreachable" | "read-only";
  detail?: string;
  /**
   * Deliveries the inbox gave up on (their error is logged): the app runs, but these need the
   * operator (`npm run inbox:replay -- --failed` after a fix). Present when the database answers.
   */
  inbox?: { failed: number };
}

const WRITE_TIMEOUT_MS = 2000;

/**
 * Why the database cannot be written, or undefined when it took a write: one row rewritten,
 * committed. A database that answers reads but not writes (a full disk, a read-only file or
 * server) would otherwise look healthy while every webhook is answered 503.
 */
async function writeProblem(): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no write within ${WRITE_TIMEOUT_MS} ms`), WRITE_TIMEOUT_MS);
  });
  const write = touchHealthProbe(sql(), new Date()).then(
      () => undefined,
      (error: unknown) => `database could not be written: ${String(error instanceof Error ? error.message : error).slice(0, 200)}`,
    );
  try {
    return await Promise.race([write, timeout]);
  } finally {
    clearTimeout(timer);
  }
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
    if (problem) return { ok: false, status: "down", database: "unreachable", detail: problem };
  }
  const reachable = await databaseReachable(sql());
  if (!reachable) return { ok: false, status: "down", database: "unreachable", detail: "database did not answer" };
  const problem = await writeProblem();
  const inbox = { failed: await countFailedEvents(sql()) };
  return problem
    ? { ok: false, status: "degraded", database: "read-only", detail: problem, inbox }
    : { ok: true, status: "ok", database: "ok", inbox };
}
