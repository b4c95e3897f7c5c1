/**
 * Under a backlog the processor decides the heads of several orders in one transaction on
 * PostgreSQL, so that they share one durable commit (SQLite commits the transactions waiting
 * for its writer together already, and decides one per transaction). A decision that throws
 * must still cost only its own delivery: the batch is undone whole and its deliveries are
 * decided one by one.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqlDatabase, SqlExecutor } from "../app/db/sql.server";
import { orderPayload } from "../app/orders/__fixtures__/lifecycle";
import type * as Processor from "../app/inbox/processor.server";
import type * as Ingest from "../app/webhooks/ingest.server";
import type * as Handle from "../app/webhooks/handle.server";
import type { TopicResult, WebhookDelivery } from "../app/webhooks/types";
import { createTestDatabase, type TestDatabase } from "./helpers/database";
import { makeShop } from "./factories";

const SHOP = "inbox-batch.myshopify.com";
const ORDERS = ["8101", "8102", "8103"];

let database: TestDatabase;
let db: SqlDatabase;
let acceptWebhook: typeof Ingest.acceptWebhook;
let drainInbox: typeof Processor.drainInbox;
let handleTopic: typeof Handle.handleTopic;

beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  ({ acceptWebhook } = await import("../app/webhooks/ingest.server"));
  ({ drainInbox } = await import("../app/inbox/processor.server"));
  ({ handleTopic } = await import("../app/webhooks/handle.server"));
  const { sql } = await import("../app/db/sql-instance.server");
  db = sql();
  await makeShop(db, SHOP);
});

afterAll(async () => {
  await db?.close();
  await database?.drop();
});

describe("lane heads decided together", () => {
  it("GIVEN three orders due at once WHEN one lane decides them and the second decision of a transaction throws THEN on PostgreSQL they are tried in one transaction, the others are queued once each and only the broken one records the failure", async () => {
    for (const id of ORDERS) {
      const kept = await acceptWebhook(
        db,
        {
          shop: SHOP,
          rawTopic: "orders/create",
          topic: "orders/create",
          webhookId: randomUUID(),
          rawBody: JSON.stringify(orderPayload({ id: Number(id), name: `#${id}` })),
          lane: id,
        },
        new Date(),
      );
      expect(kept).toBe("received");
    }
    // The delivery a transaction decides second breaks (the pass shuffles the heads, so which
    // order that is varies), and stays broken: it can only be decided in a batch of two or more.
    let broken: string | undefined;
    const decidedIn = new Map<SqlExecutor, number>();
    async function buggyDecision(tx: SqlExecutor, delivery: WebhookDelivery, now: Date): Promise<TopicResult> {
      const nth = (decidedIn.get(tx) ?? 0) + 1;
      decidedIn.set(tx, nth);
      if (nth === 2) broken ??= delivery.lane;
      if (delivery.lane === broken) throw new TypeError("Cannot read properties of undefined (reading 'line_items')");
      return handleTopic(tx, delivery, now);
    }

    await drainInbox({ db, concurrency: 1, handle: buggyDecision, retry: { maxAttempts: 1, delayMs: () => 0 } });

    // SQLite: one delivery per transaction, so none is ever the second.
    if (db.provider === "postgresql") expect(broken).toBeDefined();
    else expect(broken).toBeUndefined();
    const events = await db.query<{ lane: string; outcome: string; attempts: number; reason: string | null }>(
      `SELECT "lane", "outcome", "attempts", "reason" FROM "WebhookEvent" WHERE "shopDomain" = ? ORDER BY "lane"`,
      [SHOP],
    );
    expect(events).toEqual(
      ORDERS.map((lane) =>
        lane === broken
          ? { lane, outcome: "failed", attempts: 1, reason: "TypeError: Cannot read properties of undefined (reading 'line_items')" }
          : { lane, outcome: "processed", attempts: 0, reason: expect.any(String) },
      ),
    );
    const queued = await db.query<{ orderId: string; n: number }>(
      `SELECT "orderId", COUNT(*) AS "n" FROM "Message" WHERE "shopDomain" = ? GROUP BY "orderId" ORDER BY "orderId"`,
      [SHOP],
    );
    expect(queued.map((row) => ({ orderId: row.orderId, n: Number(row.n) }))).toEqual(
      ORDERS.filter((id) => id !== broken).map((orderId) => ({ orderId, n: 1 })),
    );
  });
});
