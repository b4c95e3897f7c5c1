import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BACKSTOP_AUTOCHECKPOINT_PAGES, openSqlDatabase, type SqlDatabase } from "./sql.server";
import { startSqliteCheckpointer, type SqliteCheckpointer } from "./sqlite-checkpointer.server";

const dirs: string[] = [];
const cleanups: Array<() => Promise<void>> = [];

function tempFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "checkpoint-"));
  dirs.push(dir);
  return path.join(dir, "app.db");
}

function opened(url: string, options: Parameters<typeof openSqlDatabase>[1] = {}): SqlDatabase {
  const db = openSqlDatabase(url, options);
  cleanups.push(() => db.close());
  return db;
}

function started(file: string, onFailure: (error: Error) => void = () => {}): SqliteCheckpointer {
  const checkpointer = startSqliteCheckpointer(file, { onFailure });
  cleanups.push(() => checkpointer.stop());
  return checkpointer;
}

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const ROW = "x".repeat(16 * 1024);
const MB = 1024 * 1024;
const walBytes = (file: string) => statSync(`${file}-wal`).size;

/** Commits `megabytes` of rows in small transactions, yielding between them as a server does. */
async function write(db: SqlDatabase, megabytes: number): Promise<void> {
  for (let i = 0; i < megabytes * 64; i += 1) {
    await db.transaction(async (tx) => {
      await tx.execute(`INSERT INTO "t" ("v") VALUES (?)`, [ROW]);
    });
    if (i % 16 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function withTable(db: SqlDatabase): Promise<SqlDatabase> {
  await db.execute(`CREATE TABLE "t" ("id" INTEGER PRIMARY KEY, "v" TEXT)`);
  return db;
}

describe("SQLite checkpoints from a thread", () => {
  it("GIVEN a running checkpoint thread WHEN bursts are committed THEN the WAL starts over between them although the writer never checkpoints", async () => {
    const file = tempFile();
    const db = await withTable(opened(`file:${file}`));
    await db.execute(`PRAGMA wal_autocheckpoint = 0`);
    await started(file).ready;
    // Without the thread the WAL file holds everything written (next test). With it, the WAL
    // starts over once the thread has caught up in a pause, so the file falls behind what was
    // written. A busy machine slows the thread: the pauses grow, up to 96 MB written.
    let written = 0;
    let pauseMs = 5;
    while (written < 96 && walBytes(file) >= (written - 4) * MB) {
      await write(db, 1);
      written += 1;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      pauseMs = Math.min(pauseMs * 2, 1000);
    }
    expect(walBytes(file), `WAL file after ${written} MB`).toBeLessThan((written - 4) * MB);
    expect(await db.query(`SELECT count(*) AS "rows" FROM "t"`)).toEqual([{ rows: written * 64 }]);
  }, 180_000);

  it("GIVEN the process's handle and a writer that never pauses WHEN 64 MB is committed THEN the WAL stays bounded: past its backstop the connection checkpoints itself", async () => {
    const file = tempFile();
    const db = await withTable(opened(`file:${file}`, { backgroundCheckpoints: true }));
    let peak = 0;
    for (let i = 0; i < 64 * 64; i += 1) {
      await db.transaction(async (tx) => {
        await tx.execute(`INSERT INTO "t" ("v") VALUES (?)`, [ROW]);
      });
      if (i % 16 === 0) peak = Math.max(peak, walBytes(file));
    }
    // Unbounded, 64 MB of these rows make a WAL of about 97 MB. The backstop is 4,000 frames
    // (a 32-byte header, then a page and a 24-byte header each): the WAL reaches it, and stays
    // far below the unbounded size.
    const pageSize = Number(((await db.query(`PRAGMA page_size`)) as Array<{ page_size: number }>)[0]?.page_size);
    expect(pageSize).toBeGreaterThan(0);
    expect(peak).toBeGreaterThanOrEqual(32 + BACKSTOP_AUTOCHECKPOINT_PAGES * (pageSize + 24));
    expect(peak).toBeLessThan(48 * MB);
  }, 180_000);

  it("GIVEN no thread and automatic checkpoints off WHEN the same is committed THEN the WAL holds it all (what the thread prevents)", async () => {
    const file = tempFile();
    const db = await withTable(opened(`file:${file}`));
    await db.execute(`PRAGMA wal_autocheckpoint = 0`);
    await write(db, 24);
    expect(walBytes(file)).toBeGreaterThan(24 * MB);
  });

  it("GIVEN the process's handle WHEN a burst is committed THEN it checkpoints only past its backstop and the WAL file shrinks back after it", async () => {
    const file = tempFile();
    const db = await withTable(opened(`file:${file}`, { backgroundCheckpoints: true }));
    expect(await db.query(`PRAGMA wal_autocheckpoint`)).toEqual([{ wal_autocheckpoint: BACKSTOP_AUTOCHECKPOINT_PAGES }]);
    await write(db, 24);
    // Once the thread has checkpointed everything, the next commit restarts the WAL and cuts its file.
    await expect
      .poll(
        async () => {
          await db.execute(`INSERT INTO "t" ("v") VALUES ('tick')`);
          return walBytes(file);
        },
        { timeout: 15_000, interval: 100 },
      )
      .toBeLessThanOrEqual(4 * MB + 64 * 1024);
  });

  it("GIVEN a thread that cannot open the database WHEN started THEN the caller is told once, so that it checkpoints itself", async () => {
    const failures: Error[] = [];
    started(path.join(tempFile(), "no-such-dir", "app.db"), (error) => failures.push(error));
    await expect.poll(() => failures.length, { timeout: 10_000 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(failures).toHaveLength(1);
  });
});
