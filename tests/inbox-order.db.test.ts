/**
 * Two production server processes on one database, each taking webhooks and running its
 * inbox processor: the deliveries of one order are decided one at a time and in arrival order
 * (their ids), whichever process took them and whichever decides them. The order in which
 * deliveries were decided is read from the database itself: a trigger logs each decision with
 * a sequence number, inside the deciding transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderSequence } from "./helpers/pipeline";
import { LINE_A, LINE_B } from "../app/orders/__fixtures__/lifecycle";
import { startKaleyraSandbox, type KaleyraSandbox } from "../sandbox/kaleyra-sandbox";
import { ACCOUNT, makeShop } from "./factories";
import { fileDatabase } from "./helpers/file-database";
import { freePort, type RunningProcess } from "./helpers/process";
import { postWebhook, type SignedWebhook } from "./helpers/webhooks";
import { PROCESS_SECRET, startServerProcess, waitForHealthy } from "./reliability/helpers/processes";
import { waitFor } from "./helpers/process";

const SHOP = "inbox-order.myshopify.com";
const SEQUENTIAL_ORDERS = 12;
const CONCURRENT_ORDERS = 12;

const { database, db } = fileDatabase();
let sandbox: KaleyraSandbox;
const servers: Array<{ url: string; process: RunningProcess }> = [];

const TRACE = {
  sqlite: [
    `CREATE TABLE "InboxTrace" ("seq" INTEGER PRIMARY KEY AUTOINCREMENT, "eventId" TEXT NOT NULL, "lane" TEXT NOT NULL)`,
    `CREATE TRIGGER "inbox_trace" AFTER UPDATE OF "outcome" ON "WebhookEvent" WHEN NEW."outcome" <> 'received'
     BEGIN INSERT INTO "InboxTrace" ("eventId", "lane") VALUES (NEW."id", NEW."lane"); END`,
  ],
  postgresql: [
    `CREATE TABLE "InboxTrace" ("seq" BIGSERIAL PRIMARY KEY, "eventId" TEXT NOT NULL, "lane" TEXT NOT NULL)`,
    `CREATE FUNCTION "inbox_trace"() RETURNS trigger AS $$
     BEGIN INSERT INTO "InboxTrace" ("eventId", "lane") VALUES (NEW."id", NEW."lane"); RETURN NEW; END $$ LANGUAGE plpgsql`,
    `CREATE TRIGGER "inbox_trace" AFTER UPDATE OF "outcome" ON "WebhookEvent"
     FOR EACH ROW WHEN (NEW."outcome" <> 'received') EXECUTE FUNCTION "inbox_trace"()`,
  ],
};

beforeAll(async () => {
  for (const statement of TRACE[database.provider]) await db.execute(statement);
  await makeShop(db, SHOP);
  sandbox = await startKaleyraSandbox({ accounts: [{ sid: ACCOUNT.sid, apiKey: ACCOUNT.apiKey, numbers: [ACCOUNT.number] }] });
  for (let i = 0; i < 2; i += 1) {
    const port = await freePort();
    const process = startServerProcess({ databaseUrl: database.url, kaleyraUrl: sandbox.url, port, logLevel: "warn" });
    servers.push({ url: `http://127.0.0.1:${port}`, process });
  }
  for (const server of servers) await waitForHealthy(server.url, server.process);
}, 120_000);

afterAll(async () => {
  for (const server of servers) {
    server.process.child.kill("SIGTERM");
    await server.process.exited;
  }
  await sandbox?.close();
});

const order = orderSequence(660_000);

/** One order's lifecycle as Shopify sends it: created, shipped in two parts, each delivered. */
function lifecycle(index: number): Array<Pick<SignedWebhook, "topic" | "body">> {
  const next = order({ phone: `+1 502 555 ${String(1100 + index)}` });
  const part = (id: string, line: string, quantity: number, created: number) =>
    next.fulfillment({ id, status: "success", lines: [[line, quantity]], created });
  const fulfillmentA = `${next.id}1`;
  const fulfillmentB = `${next.id}2`;
  return [
    { topic: "orders/create", body: next.created() },
    { topic: "fulfillments/create", body: part(fulfillmentA, LINE_A, 2, 10) },
    { topic: "fulfillments/create", body: part(fulfillmentB, LINE_B, 1, 20) },
    { topic: "fulfillment_events/create", body: next.event({ id: `${next.id}3`, fulfillmentId: fulfillmentA, status: "delivered", happened: 60 }) },
    { topic: "fulfillment_events/create", body: next.event({ id: `${next.id}4`, fulfillmentId: fulfillmentB, status: "delivered", happened: 70 }) },
  ];
}

async function deliver(server: number, webhook: Pick<SignedWebhook, "topic" | "body">): Promise<void> {
  const response = await postWebhook(servers[server]!.url, { ...webhook, shop: SHOP, secret: PROCESS_SECRET });
  expect(response.status).toBe(200);
}

/** Per lane, the deliveries' ids in arrival order and in the order they were decided. */
async function decisionOrder(): Promise<Map<string, { arrived: string[]; decided: string[] }>> {
  const events = await db.query<{ id: string; lane: string }>(`SELECT "id", "lane" FROM "WebhookEvent" ORDER BY "id"`);
  const trace = await db.query<{ eventId: string; lane: string }>(`SELECT "eventId", "lane" FROM "InboxTrace" ORDER BY "seq"`);
  const lanes = new Map<string, { arrived: string[]; decided: string[] }>();
  const laneOf = (lane: string) => lanes.get(lane) ?? lanes.set(lane, { arrived: [], decided: [] }).get(lane)!;
  for (const event of events) laneOf(event.lane).arrived.push(event.id);
  for (const decided of trace) laneOf(decided.lane).decided.push(decided.eventId);
  return lanes;
}

describe("one order's deliveries through two web processes", () => {
  it("GIVEN orders whose deliveries alternate between the processes, and orders whose deliveries all come at once WHEN both processes decide THEN each order's are decided once each, in arrival order", async () => {
    // Sequential per order (each sent once the previous is answered), alternating processes,
    // every order at the same time.
    const sequential = Array.from({ length: SEQUENTIAL_ORDERS }, (_, i) => lifecycle(i));
    // All of an order's deliveries at once, spread over both processes.
    const concurrent = Array.from({ length: CONCURRENT_ORDERS }, (_, i) => lifecycle(SEQUENTIAL_ORDERS + i));
    await Promise.all([
      ...sequential.map(async (webhooks) => {
        for (const [step, webhook] of webhooks.entries()) await deliver(step % 2, webhook);
      }),
      ...concurrent.map((webhooks) => Promise.all(webhooks.map((webhook, step) => deliver(step % 2, webhook)))),
    ]);
    const total = (SEQUENTIAL_ORDERS + CONCURRENT_ORDERS) * 5;
    await waitFor(async () => {
      const [row] = await db.query<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "WebhookEvent" WHERE "outcome" <> 'received'`);
      return Number(row?.n) === total ? true : undefined;
    }, 120_000, "every delivery to be decided");

    const lanes = await decisionOrder();
    expect(lanes.size).toBe(SEQUENTIAL_ORDERS + CONCURRENT_ORDERS);
    for (const [lane, { arrived, decided }] of lanes) {
      expect({ lane, decided }).toEqual({ lane, decided: arrived });
    }
    // In arrival order, an order's deliveries that came before its orders/create are deferred
    // (the order is read from the Admin API later); every other one is processed.
    const outcomes = await db.query<{ lane: string; outcome: string }>(`SELECT "lane", "outcome" FROM "WebhookEvent"`);
    expect(outcomes.filter((row) => row.outcome !== "processed" && row.outcome !== "deferred")).toEqual([]);
    const sequentialLanes = new Set(Array.from({ length: SEQUENTIAL_ORDERS }, (_, i) => String(660_001 + i)));
    expect(outcomes.filter((row) => sequentialLanes.has(row.lane)).every((row) => row.outcome === "processed")).toBe(true);

    // The orders whose deliveries came in order: each status queued once, in the lifecycle's order.
    const messages = await db.query<{ orderId: string; orderStatus: string }>(
      `SELECT "orderId", "orderStatus" FROM "Message" WHERE "shopDomain" = ? ORDER BY "orderId", "rank", "createdAt"`,
      [SHOP],
    );
    const byOrder = new Map<string, string[]>();
    for (const message of messages) byOrder.set(message.orderId, [...(byOrder.get(message.orderId) ?? []), message.orderStatus]);
    for (let i = 1; i <= SEQUENTIAL_ORDERS; i += 1) {
      const orderId = String(660_000 + i);
      expect({ orderId, statuses: byOrder.get(orderId) }).toEqual({ orderId, statuses: ["processing", "partially_shipped", "shipped", "completed"] });
    }
    // And no order, whatever the order its deliveries came in, has a status queued twice.
    for (const [orderId, statuses] of byOrder) expect({ orderId, distinct: new Set(statuses).size }).toEqual({ orderId, distinct: statuses.length });
  }, 300_000);
});
