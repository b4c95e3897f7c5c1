/**
 * Webhooks that arrive together are kept together: on PostgreSQL by one statement for all of
 * them (one round trip, one commit), on SQLite by transactions that share one commit. Either
 * way each delivery gets the answer it would get alone: kept, a duplicate of one kept before
 * (or beside it), or a replay of another shop's body, which keeps nothing.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlDatabase, type SqlDatabase } from "../app/db/sql.server";
import { orderPayload } from "../app/orders/__fixtures__/lifecycle";
import { acceptWebhook, WebhookReplayError } from "../app/webhooks/ingest.server";
import type { WebhookDelivery } from "../app/webhooks/types";
import { createTestDatabase, type TestDatabase } from "./helpers/database";

const SHOP = "keep-together.myshopify.com";
const OTHER = "keep-together-other.myshopify.com";

let database: TestDatabase;
let db: SqlDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  db = openSqlDatabase(database.url);
});

afterAll(async () => {
  await db?.close();
  await database?.drop();
});

function delivery(orderId: number, overrides: Partial<WebhookDelivery> = {}): WebhookDelivery {
  return {
    shop: SHOP,
    rawTopic: "orders/create",
    topic: "orders/create",
    webhookId: randomUUID(),
    eventId: randomUUID(),
    rawBody: JSON.stringify(orderPayload({ id: orderId, name: `#${orderId}` })),
    lane: String(orderId),
    ...overrides,
  };
}

/** Each call's answer: what acceptWebhook returned, or "replay" for a WebhookReplayError. */
async function acceptAll(deliveries: WebhookDelivery[]): Promise<string[]> {
  const settled = await Promise.allSettled(deliveries.map((d) => acceptWebhook(db, d, new Date())));
  return settled.map((outcome) => {
    if (outcome.status === "fulfilled") return outcome.value;
    if (outcome.reason instanceof WebhookReplayError) return "replay";
    throw outcome.reason;
  });
}

async function keptFor(shop: string, orderIds: number[]): Promise<Array<{ lane: string; webhookId: string }>> {
  const lanes = orderIds.map(String);
  const rows = await db.query<{ lane: string; webhookId: string }>(
    `SELECT "lane", "webhookId" FROM "WebhookEvent" WHERE "shopDomain" = ? AND "lane" IN (${lanes.map(() => "?").join(", ")}) ORDER BY "id"`,
    [shop, ...lanes],
  );
  return rows;
}

describe("deliveries kept together", () => {
  it("GIVEN 40 distinct deliveries at once THEN each is kept once, with its own lane and webhook id", async () => {
    const deliveries = Array.from({ length: 40 }, (_, i) => delivery(91_000 + i));
    expect(await acceptAll(deliveries)).toEqual(deliveries.map(() => "received"));
    const kept = await keptFor(SHOP, deliveries.map((_, i) => 91_000 + i));
    expect(kept.map((row) => row.webhookId).sort()).toEqual(deliveries.map((d) => d.webhookId).sort());
    expect(new Set(kept.map((row) => row.lane)).size).toBe(40);
  });

  it("GIVEN one delivery sent five times at once among others THEN it is kept once and the four copies are duplicates", async () => {
    const repeated = delivery(92_000);
    const others = Array.from({ length: 10 }, (_, i) => delivery(92_001 + i));
    const all = [...others.slice(0, 5), repeated, repeated, repeated, repeated, repeated, ...others.slice(5)];
    const answers = await acceptAll(all);
    expect(answers.filter((answer) => answer === "received")).toHaveLength(11);
    expect(answers.filter((answer) => answer === "duplicate")).toHaveLength(4);
    expect(await keptFor(SHOP, [92_000])).toHaveLength(1);
  });

  it("GIVEN the same event redelivered with a fresh webhook id and body beside its first delivery THEN one is kept", async () => {
    const first = delivery(93_000);
    const again = { ...first, webhookId: randomUUID(), rawBody: `${first.rawBody} ` };
    const answers = await acceptAll([first, again]);
    expect(answers.sort()).toEqual(["duplicate", "received"]);
    expect(await keptFor(SHOP, [93_000])).toHaveLength(1);
  });

  it("GIVEN one signed body sent for two shops at once THEN one shop keeps it and the other's copy is a replay that keeps nothing", async () => {
    const original = delivery(94_000);
    const replayed = { ...original, shop: OTHER, webhookId: randomUUID() };
    const answers = await acceptAll([original, replayed, delivery(94_001)]);
    expect(answers[2]).toBe("received");
    expect(answers.slice(0, 2).sort()).toEqual(["received", "replay"]);
    const kept = [...(await keptFor(SHOP, [94_000])), ...(await keptFor(OTHER, [94_000]))];
    expect(kept).toHaveLength(1);
  });

  it("GIVEN a body kept before WHEN replayed for another shop among fresh deliveries THEN only the replay is refused", async () => {
    const original = delivery(95_000);
    expect(await acceptAll([original])).toEqual(["received"]);
    const replayed = { ...original, shop: OTHER, webhookId: randomUUID(), eventId: randomUUID() };
    const webhookIdReused = { ...delivery(95_002, { shop: OTHER }), webhookId: original.webhookId };
    const fresh = Array.from({ length: 6 }, (_, i) => delivery(95_010 + i));
    const answers = await acceptAll([...fresh.slice(0, 3), replayed, webhookIdReused, ...fresh.slice(3)]);
    expect(answers).toEqual(["received", "received", "received", "replay", "replay", "received", "received", "received"]);
    expect(await keptFor(OTHER, [95_000, 95_002])).toEqual([]);
    expect(await keptFor(SHOP, fresh.map((_, i) => 95_010 + i))).toHaveLength(6);
  });

  it("GIVEN a body first kept for orders/create WHEN re-sent as orders/cancelled beside other deliveries THEN that one is a replay", async () => {
    const original = delivery(96_000);
    expect(await acceptAll([original])).toEqual(["received"]);
    const asCancel = { ...original, rawTopic: "orders/cancelled", topic: "orders/cancelled" as const, webhookId: randomUUID(), eventId: randomUUID() };
    const answers = await acceptAll([delivery(96_001), asCancel, delivery(96_002)]);
    expect(answers).toEqual(["received", "replay", "received"]);
  });

  it("GIVEN text PostgreSQL cannot hold (U+0000) and a null trigger time among the deliveries THEN all are kept, the NUL as U+FFFD", async () => {
    const withNul = delivery(97_000, { rawBody: `{"id":97000,"note":"a\u0000b"}`, triggeredAt: undefined });
    const dated = delivery(97_001, { triggeredAt: new Date("2026-12-01T10:00:00.123Z") });
    expect(await acceptAll([withNul, dated])).toEqual(["received", "received"]);
    const rows = await db.query<{ lane: string; body: string; triggeredAt: Date | string | null }>(
      `SELECT "lane", "body", "triggeredAt" FROM "WebhookEvent" WHERE "lane" IN ('97000', '97001') ORDER BY "lane"`,
    );
    expect(rows[0]!.triggeredAt).toBeNull();
    expect(new Date(rows[1]!.triggeredAt!).toISOString()).toBe("2026-12-01T10:00:00.123Z");
    expect(rows[0]!.body).toContain(database.provider === "postgresql" ? "a\uFFFDb" : "a\u0000b");
  });
});
