import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqlDatabase, type SqlDatabase } from "./sql.server";

let dir: string;
let db: SqlDatabase;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "sql-"));
  db = openSqlDatabase(`file:${path.join(dir, "app.sqlite")}`, { backgroundCheckpoints: true });
  await db.execute(`CREATE TABLE "t" ("id" INTEGER PRIMARY KEY, "v" TEXT NOT NULL UNIQUE)`);
});

afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const values = async () => (await db.query<{ v: string }>(`SELECT "v" FROM "t" ORDER BY "id"`)).map((row) => row.v);

describe("durable transactions on SQLite (group commit)", () => {
  it("GIVEN 20 durable transactions started together WHEN they run THEN they share one commit: none resolves before all have run", async () => {
    const events: string[] = [];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db
          .transaction(async (tx) => {
            await tx.execute(`INSERT INTO "t" ("v") VALUES (?)`, [`v${i}`]);
            events.push(`ran ${i}`);
            return i;
          }, { durable: true })
          .then((value) => {
            events.push(`resolved ${value}`);
            return value;
          }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const lastRun = events.lastIndexOf("ran 19");
    expect(events.slice(0, lastRun + 1).every((event) => event.startsWith("ran"))).toBe(true);
    expect(await values()).toHaveLength(20);
  });

  it("GIVEN a group in which one transaction fails WHEN committed THEN only that one is rolled back and rejected", async () => {
    const outcomes = await Promise.allSettled(
      ["a", "b", "bad", "c"].map((name) =>
        db.transaction(async (tx) => {
          await tx.execute(`INSERT INTO "t" ("v") VALUES (?)`, [name]);
          if (name === "bad") throw new Error("refused");
          return name;
        }, { durable: true }),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect((outcomes[2] as PromiseRejectedResult).reason).toEqual(new Error("refused"));
    expect(await values()).toEqual(["a", "b", "c"]);
  });

  it("GIVEN a failing SQL statement inside one member THEN the others keep their writes", async () => {
    await db.execute(`INSERT INTO "t" ("v") VALUES ('taken')`);
    const outcomes = await Promise.allSettled(
      ["x", "taken", "y"].map((name) =>
        db.transaction((tx) => tx.execute(`INSERT INTO "t" ("v") VALUES (?)`, [name]), { durable: true }),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(await values()).toEqual(["taken", "x", "y"]);
  });

  it("GIVEN durable and ordinary transactions interleaved THEN each commits under its own setting and all writes land", async () => {
    const seen = await Promise.all([
      db.transaction((tx) => tx.query<{ synchronous: number }>(`PRAGMA synchronous`), { durable: true }),
      db.transaction((tx) => tx.query<{ synchronous: number }>(`PRAGMA synchronous`)),
      db.transaction((tx) => tx.query<{ synchronous: number }>(`PRAGMA synchronous`), { durable: true }),
    ]);
    expect(seen.map((rows) => rows[0]?.synchronous)).toEqual([2, 1, 2]);
    expect(await db.query(`PRAGMA synchronous`)).toEqual([{ synchronous: 1 }]);
  });
});
