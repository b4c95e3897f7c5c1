/**
 * What a webhook's 200 promises: the event is on disk. Shopify does not resend a webhook it
 * got a 200 for, so a commit that a power cut could still undo would lose the event.
 * The database is opened exactly as the server does (sql(), on DATABASE_URL), and every
 * transaction of the webhook's acceptance and of its processing is watched for the engine's
 * durability settings (a decision's queued messages must not be undone either).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqlDatabase, SqlExecutor } from "../app/db/sql.server";
import { orderPayload } from "../app/orders/__fixtures__/lifecycle";
import type * as Processor from "../app/inbox/processor.server";
import type * as Ingest from "../app/webhooks/ingest.server";
import { createTestDatabase, type TestDatabase } from "./helpers/database";
import { makeShop } from "./factories";

const SHOP = "durability-test.myshopify.com";

let database: TestDatabase;
let db: SqlDatabase;
let acceptWebhook: typeof Ingest.acceptWebhook;
let drainInbox: typeof Processor.drainInbox;

beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  // Imported only now: the app reads DATABASE_URL once, on its first use.
  ({ acceptWebhook } = await import("../app/webhooks/ingest.server"));
  ({ drainInbox } = await import("../app/inbox/processor.server"));
  const { sql } = await import("../app/db/sql-instance.server");
  db = sql();
  await makeShop(db, SHOP);
});

afterAll(async () => {
  await db?.close();
  await database?.drop();
});

/** SQLite: `synchronous` (2 = FULL); PostgreSQL: `fsync` and `synchronous_commit`. */
async function durabilitySettings(tx: SqlExecutor): Promise<Record<string, unknown>> {
  if (tx.provider === "sqlite") return (await tx.query(`PRAGMA synchronous`))[0] ?? {};
  const [fsync] = await tx.query<{ fsync: string }>(`SHOW fsync`);
  const [commit] = await tx.query<{ synchronous_commit: string }>(`SHOW synchronous_commit`);
  return { fsync: fsync?.fsync, synchronous_commit: commit?.synchronous_commit };
}

/** Statements that write, each its own commit when run outside a transaction. */
const WRITES = /^\s*(WITH|INSERT|UPDATE|DELETE)\b/i;

/**
 * The same connection, reporting the settings each commit runs under: each transaction's,
 * and each writing statement's outside one (PostgreSQL keeps a delivery in one statement).
 */
function watched(inner: SqlDatabase, seen: Array<Record<string, unknown>>): SqlDatabase {
  const watch = async (sql: string) => {
    if (WRITES.test(sql)) seen.push(await durabilitySettings(inner));
  };
  return {
    provider: inner.provider,
    query: async (sql, params) => {
      await watch(sql);
      return inner.query(sql, params);
    },
    execute: async (sql, params) => {
      await watch(sql);
      return inner.execute(sql, params);
    },
    executeQuery: async (sql, params) => {
      await watch(sql);
      return inner.executeQuery(sql, params);
    },
    close: () => inner.close(),
    transaction: (work, options) =>
      inner.transaction(async (tx) => {
        seen.push(await durabilitySettings(tx));
        return work(tx);
      }, options),
  };
}

const DURABLE = { sqlite: { synchronous: 2 }, postgresql: { fsync: "on", synchronous_commit: "on" } };

describe("a webhook's 200", () => {
  it("GIVEN the app's own database connection WHEN a webhook is kept and then decided THEN both commits run with the engine's durable setting", async () => {
    const seen: Array<Record<string, unknown>> = [];
    const orderId = "7001";
    const result = await acceptWebhook(
      watched(db, seen),
      {
        shop: SHOP,
        rawTopic: "orders/create",
        topic: "orders/create",
        webhookId: randomUUID(),
        rawBody: JSON.stringify(orderPayload({ id: orderId })),
        lane: orderId,
      },
      new Date(),
    );
    expect(result).toBe("received");
    expect(seen).toEqual([DURABLE[db.provider]]);
    await drainInbox({ db: watched(db, seen) });
    expect(seen).toEqual([DURABLE[db.provider], DURABLE[db.provider]]);
    const kept = await db.query(`SELECT "outcome" FROM "WebhookEvent" WHERE "shopDomain" = ? AND "orderId" = ?`, [SHOP, orderId]);
    expect(kept).toEqual([{ outcome: "processed" }]);
    const queued = await db.query(`SELECT "state" FROM "Message" WHERE "shopDomain" = ? AND "orderId" = ?`, [SHOP, orderId]);
    expect(queued).toEqual([{ state: "queued" }]);
  });

  it("GIVEN a durable webhook commit WHEN other work commits on the connection afterwards THEN it is back to the engine's default", async () => {
    const after = await db.transaction((tx) => durabilitySettings(tx));
    // SQLite: NORMAL (1) for everything else (the delivery worker's claims and records);
    // PostgreSQL: every commit is durable with its defaults.
    expect(after).toEqual(db.provider === "sqlite" ? { synchronous: 1 } : DURABLE.postgresql);
  });
});
