import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimFlowActionRun } from "../app/db/repositories/flow-action-runs.server";
import { queueReadTrigger } from "../app/flow-triggers/queue.server";
import { orderPayload } from "../app/orders/__fixtures__/lifecycle";
import { startDeliveryWorker } from "../app/outbox/worker.server";
import {
  FLOW_ACTION_RUN_RETENTION_MS,
  INBOX_BODY_RETENTION_MS,
  pruneWebhookRecords,
  WEBHOOK_BODY_RETENTION_MS,
  WEBHOOK_EVENT_RETENTION_MS,
} from "../app/webhooks/retention.server";
import { SHOP, startPipeline, type Pipeline } from "./helpers/pipeline";
import { makeShop } from "./factories";
import { waitFor } from "./helpers/process";
import { extensionToken, postOptIn } from "./helpers/extension-requests";

/**
 * Redaction leaves nothing of the shopper (customers/redact) or the shop (shop/redact), and
 * webhook records do not outlive their retention.
 */
let pipeline: Pipeline;

/** Every table of the schema: redaction is checked against all of them, not a list of known places. */
const TABLES = ["Session", "Shop", "Template", "WebhookEvent", "WebhookBody", "OrderState", "Message", "SendWindow", "RecipientPace", "DataRequest", "FlowTriggerFiring", "FlowActionRun", "Shopper", "OrderOptIn"];

beforeAll(async () => {
  pipeline = await startPipeline();
});

afterAll(async () => {
  await pipeline?.stop();
});

async function post(topic: string, body: unknown, shop = SHOP): Promise<void> {
  const response = await pipeline.post(topic, body, { shop });
  expect(response.status).toBe(200);
}

/** The tables (and a row's text) that still contain `needle` anywhere. */
async function tablesHolding(needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const table of TABLES) {
    const rows = await pipeline.db.query<Record<string, unknown>>(`SELECT * FROM "${table}"`);
    for (const row of rows) {
      const text = JSON.stringify(row, (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value));
      if (text.includes(needle)) found.push(`${table}: ${text.slice(0, 200)}`);
    }
  }
  return found;
}

/** An order for a shopper of her own: the name and number appear nowhere else. */
function shopperOrder(id: string, phone: string, firstName: string) {
  const base = orderPayload({ id, name: `#${id}` });
  const address = { ...(base.shipping_address as Record<string, unknown>), phone, first_name: firstName, name: `${firstName} Quist` };
  return {
    ...base,
    shipping_address: address,
    billing_address: address,
    customer: { id: 7700, email: "zelda.quist@example.com", phone, first_name: firstName, last_name: "Quist" },
  };
}

describe("customers/redact", () => {
  it("GIVEN a shopper with a sent message, a pacing row and a data-request report WHEN customers/redact arrives THEN her phone and name are nowhere in the database", async () => {
    await post("orders/create", shopperOrder("7701", "(502) 555-0188", "Zeldarine"));
    await pipeline.settle();
    expect(await tablesHolding("5025550188")).not.toEqual([]);
    expect(await pipeline.db.query(`SELECT 1 FROM "RecipientPace" WHERE "recipient" = '+15025550188'`)).toHaveLength(1);
    await post("customers/data_request", {
      shop_id: 1,
      shop_domain: SHOP,
      customer: { id: 7700, email: "zelda.quist@example.com", phone: "+15025550188" },
      orders_requested: [7701],
      data_request: { id: 7799 },
    });
    expect(await pipeline.db.query(`SELECT 1 FROM "DataRequest" WHERE "customerId" = '7700'`)).toHaveLength(1);

    await post("customers/redact", {
      shop_id: 1,
      shop_domain: SHOP,
      customer: { id: 7700, email: "zelda.quist@example.com", phone: "+15025550188" },
      orders_to_redact: [7701],
    });

    expect(await tablesHolding("5025550188")).toEqual([]);
    expect(await tablesHolding("555-0188")).toEqual([]);
    expect(await tablesHolding("Zeldarine")).toEqual([]);
    expect(await tablesHolding("zelda.quist")).toEqual([]);
    // The log still says a message was sent for the order.
    const log = await pipeline.db.query<{ state: string }>(`SELECT "state" FROM "Message" WHERE "orderId" = '7701'`);
    expect(log.map((m) => m.state)).toEqual(["sent"]);
  });
});

describe("customers/redact after the WhatsApp opt-in block", () => {
  it("GIVEN a consent from the thank-you page and a choice still waiting for its order WHEN customers/redact lists both orders THEN neither number is left", async () => {
    await post("orders/create", shopperOrder("7711", "(502) 555-0177", "Ysoldeline"));
    await pipeline.settle();
    const bearer = await extensionToken(SHOP);
    const wording = "Get order updates from Test Shop on WhatsApp at (502) 555-0177.";
    expect((await postOptIn(pipeline.app.url, "/api/opt-in/thank-you", bearer, { order: "7711", phone: "(502) 555-0177", country: "US", choice: "opted_in", wording })).status).toBe(200);
    // The second order never arrived: its choice waits, under a number no message ever went to.
    const waiting = await postOptIn(pipeline.app.url, "/api/opt-in/thank-you", bearer, { order: "7712", phone: "+15025550178", choice: "opted_out", wording });
    expect(await waiting.json()).toMatchObject({ pending: true });
    expect(await tablesHolding("5025550177")).toEqual(expect.arrayContaining([expect.stringMatching(/^Shopper: /)]));
    expect(await tablesHolding("5025550178")).toEqual([expect.stringMatching(/^OrderOptIn: /)]);

    await post("customers/redact", { shop_id: 1, shop_domain: SHOP, customer: { id: 7700, email: "ysolde@example.com", phone: null }, orders_to_redact: [7711, 7712] });

    expect(await tablesHolding("5025550177")).toEqual([]);
    expect(await tablesHolding("555-0177")).toEqual([]);
    expect(await tablesHolding("5025550178")).toEqual([]);
  });
});

describe("webhook record retention", () => {
  async function insertRecords(shop: string, receivedAt: Date, tag: string, outcome = "processed"): Promise<void> {
    await pipeline.db.execute(
      `INSERT INTO "WebhookEvent" ("id", "shopDomain", "eventKey", "webhookId", "topic", "receivedAt", "outcome", "body") VALUES (?, ?, ?, ?, 'orders/create', ?, ?, ?)`,
      [randomUUID(), shop, `key-${tag}`, `webhook-${tag}`, receivedAt, outcome, `{"id":1,"phone":"+1 502 555 0199","tag":"${tag}"}`],
    );
    await pipeline.db.execute(`INSERT INTO "WebhookBody" ("hash", "shopDomain", "receivedAt") VALUES (?, ?, ?)`, [`hash-${tag}`, shop, receivedAt]);
  }

  async function tagsLeft(): Promise<{ events: string[]; rawBodies: string[]; bodies: string[] }> {
    const events = await pipeline.db.query<{ webhookId: string; body: string | null }>(
      `SELECT "webhookId", "body" FROM "WebhookEvent" WHERE "webhookId" LIKE 'webhook-r%' ORDER BY 1`,
    );
    const bodies = await pipeline.db.query<{ hash: string }>(`SELECT "hash" FROM "WebhookBody" WHERE "hash" LIKE 'hash-r%' ORDER BY 1`);
    return {
      events: events.map((e) => e.webhookId.slice(8)),
      rawBodies: events.filter((e) => e.body !== null).map((e) => e.webhookId.slice(8)),
      bodies: bodies.map((b) => b.hash.slice(5)),
    };
  }

  it("GIVEN events, raw bodies and body hashes of several ages WHEN a worker starts THEN it prunes each past its own retention and keeps the rest, and a failed delivery whatever its age", async () => {
    const now = Date.now();
    await insertRecords(SHOP, new Date(now - 60_000), "r-fresh");
    await insertRecords(SHOP, new Date(now - INBOX_BODY_RETENTION_MS - 60_000), "r-days");
    await insertRecords(SHOP, new Date(now - WEBHOOK_EVENT_RETENTION_MS - 60_000), "r-week");
    await insertRecords(SHOP, new Date(now - WEBHOOK_EVENT_RETENTION_MS - 60_000), "r-failed", "failed");
    await insertRecords(SHOP, new Date(now - WEBHOOK_BODY_RETENTION_MS - 60_000), "r-month");
    for (const [runId, age] of [["run-fresh", 60_000], ["run-week", FLOW_ACTION_RUN_RETENTION_MS + 60_000]] as const) {
      await claimFlowActionRun(pipeline.db, { shopDomain: SHOP, actionRunId: runId, orderId: "7800", outcome: "queued", createdAt: new Date(now - age) });
    }
    const flowRuns = async () => (await pipeline.db.query<{ actionRunId: string }>(`SELECT "actionRunId" FROM "FlowActionRun" WHERE "orderId" = '7800'`)).map((run) => run.actionRunId);
    const worker = startDeliveryWorker({ db: pipeline.db, idlePollMs: 100, fetchOrder: async () => Promise.reject(new Error("no Admin API")) });
    try {
      await waitFor(async () => ((await tagsLeft()).events.length === 3 && (await flowRuns()).length === 1 ? true : undefined), 30_000, "old events and Flow runs to be pruned");
    } finally {
      await worker.stop();
    }
    expect(await tagsLeft()).toEqual({
      events: ["r-days", "r-failed", "r-fresh"],
      rawBodies: ["r-failed", "r-fresh"],
      bodies: ["r-days", "r-failed", "r-fresh", "r-week"],
    });
    expect(await flowRuns()).toEqual(["run-fresh"]);
    // Flow retries a step for at most 36 hours with the same action_run_id: a run outlives them.
    expect(FLOW_ACTION_RUN_RETENTION_MS).toBeGreaterThan(36 * 3_600_000);
    // Shopify retries for 4 hours: an event row outlives them; a raw body is dropped before it.
    expect(WEBHOOK_EVENT_RETENTION_MS).toBeGreaterThan(4 * 3_600_000);
    expect(INBOX_BODY_RETENTION_MS).toBeLessThan(WEBHOOK_EVENT_RETENTION_MS);
    expect(await pruneWebhookRecords(pipeline.db, new Date(now))).toEqual({ rawBodies: 0, events: 0, bodies: 0 });
  });

  it("GIVEN a shop with webhook records, pacing rows and a data-request report WHEN shop/redact arrives THEN none of them is left", async () => {
    const shop = "redacted-whole.myshopify.com";
    await makeShop(pipeline.db, shop);
    await post("orders/create", shopperOrder("7702", "(502) 555-0177", "Orlaith"), shop);
    await pipeline.settle();
    await post("customers/data_request", { shop_id: 2, shop_domain: shop, customer: { id: 7701 }, orders_requested: [7702] }, shop);
    await insertRecords(shop, new Date(), "s-any");
    // The shopper read it: a Flow trigger is owed (the worker here fires none).
    const [message] = await pipeline.db.query<{ id: string; orderId: string; orderStatus: string }>(`SELECT "id", "orderId", "orderStatus" FROM "Message" WHERE "shopDomain" = ?`, [shop]);
    await pipeline.db.transaction((tx) => queueReadTrigger(tx, { ...message!, shopDomain: shop }, new Date()));
    await claimFlowActionRun(pipeline.db, { shopDomain: shop, actionRunId: "run-7702", orderId: "7702", outcome: "queued", createdAt: new Date() });
    for (const table of ["WebhookEvent", "WebhookBody", "RecipientPace", "DataRequest", "Message", "FlowTriggerFiring", "FlowActionRun"]) {
      expect(await pipeline.db.query(`SELECT 1 FROM "${table}" WHERE "shopDomain" = ?`, [shop]), table).not.toHaveLength(0);
    }

    await post("shop/redact", { shop_id: 2, shop_domain: shop }, shop);

    expect(await tablesHolding(shop)).toEqual([]);
    expect(await tablesHolding("5025550177")).toEqual([]);
  });
});
