import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSample } from "../app/orders/__fixtures__/shopify-samples";
import { orderPayload } from "../app/orders/__fixtures__/lifecycle";
import { COMPLIANCE_TOPICS, SUBSCRIBED_TOPICS } from "../app/webhooks/topics";
import { SHOP, startPipeline, type Pipeline } from "./helpers/pipeline";
import { makeOfflineSession, makeShop } from "./factories";

/**
 * Shopify's own sample payloads for every subscribed topic, and the shop lifecycle:
 * uninstall, the three compliance topics.
 */
let pipeline: Pipeline;

beforeAll(async () => {
  pipeline = await startPipeline();
});

afterAll(async () => {
  await pipeline?.stop();
});

async function storeSession(shop: string): Promise<void> {
  await makeOfflineSession(pipeline.db, shop, "shpat_test", "read_orders");
}

const TOPIC_ORDER = [...SUBSCRIBED_TOPICS, ...COMPLIANCE_TOPICS];

describe("Shopify's sample payloads", () => {
  it.each(TOPIC_ORDER)(
    "GIVEN the 2025-10 sample of %s WHEN delivered signed THEN it is answered without a 5xx and kept",
    async (topic) => {
      const [resource, action] = topic.split("/") as [string, string];
      // One shop for all: Shopify's samples repeat the same body across topics, and a body
      // already accepted for one shop is refused for another (a replay).
      const shop = "samples.myshopify.com";
      const webhookId = `sample-${topic}`;
      const sample = loadSample(resource, action);
      // Bodies that name their shop must name the shop in the header (the app checks it).
      if ("shop_domain" in sample) sample.shop_domain = shop;
      if ("myshopify_domain" in sample) sample.myshopify_domain = shop;
      // The samples of one resource are one body; Shopify's deliveries of two topics differ
      // (at least in updated_at), and a body already taken under another topic is a replay.
      if ("updated_at" in sample) sample.updated_at = `2025-10-01T00:00:${String(TOPIC_ORDER.indexOf(topic)).padStart(2, "0")}Z`;
      const response = await pipeline.post(topic, sample, { shop, webhookId });
      expect(response.status).toBe(200);
      const events = await pipeline.db.query<{ outcome: string }>(
        `SELECT "outcome" FROM "WebhookEvent" WHERE "webhookId" = ?`,
        [webhookId],
      );
      // shop/redact removes the shop's rows, its own event included.
      if (topic !== "shop/redact") expect(events.map((e) => e.outcome)).toEqual([expect.stringMatching(/processed|ignored|deferred/)]);
    },
  );
});

describe("shop lifecycle", () => {
  it("GIVEN sent messages for two orders WHEN customers/redact lists one THEN its phone and text are gone and the other's stay", async () => {
    await post("orders/create", orderPayload({ id: "8801", name: "#8801" }));
    await post("orders/create", orderPayload({ id: "8802", name: "#8802" }));
    await pipeline.settle();
    await post("customers/redact", {
      shop_id: 1,
      shop_domain: SHOP,
      customer: { id: 42, email: "john@example.com", phone: null },
      orders_to_redact: [8801],
    });
    const rows = await pipeline.db.query<{ orderId: string; recipient: string | null; bodyText: string | null; requestJson: string | null }>(
      `SELECT "orderId", "recipient", "bodyText", "requestJson" FROM "Message" WHERE "orderId" IN ('8801', '8802') ORDER BY "orderId"`,
    );
    expect(rows[0]).toMatchObject({ orderId: "8801", recipient: null, bodyText: null, requestJson: null });
    expect(rows[1]?.recipient).toMatch(/^\+1/);
    const facts = await pipeline.db.query(`SELECT "orderId" FROM "OrderState" WHERE "shopDomain" = ? AND "orderId" = '8801'`, [SHOP]);
    expect(facts).toHaveLength(0);
  });

  it("GIVEN messages of an order WHEN customers/data_request asks for it THEN the merchant can read what the app holds", async () => {
    await post("customers/data_request", {
      shop_id: 1,
      shop_domain: SHOP,
      customer: { id: 42, email: "john@example.com", phone: null },
      orders_requested: [8802],
      data_request: { id: 9999 },
    });
    const rows = await pipeline.db.query<{ requestId: string; report: string }>(
      `SELECT "requestId", "report" FROM "DataRequest" WHERE "shopDomain" = ?`,
      [SHOP],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.requestId).toBe("9999");
    const report = JSON.parse(rows[0]?.report ?? "{}") as { orders: Array<{ orderId: string; messages: Array<{ recipient: string }> }> };
    expect(report.orders[0]?.orderId).toBe("8802");
    expect(report.orders[0]?.messages[0]?.recipient).toMatch(/^\+1/);
  });

  it("GIVEN an installed shop with a session WHEN app/uninstalled arrives THEN its sessions are deleted and its queue is paused", async () => {
    await storeSession(SHOP);
    await post("app/uninstalled", { id: 1, domain: SHOP });
    const sessions = await pipeline.db.query(`SELECT "id" FROM "Session" WHERE "shop" = ?`, [SHOP]);
    expect(sessions).toHaveLength(0);
    const shop = await pipeline.db.query<{ installed: unknown; pausedReason: string }>(
      `SELECT "installed", "pausedReason" FROM "Shop" WHERE "domain" = ?`,
      [SHOP],
    );
    expect(shop.map((s) => [Boolean(s.installed), s.pausedReason])).toEqual([[false, "uninstalled"]]);
  });

  it("GIVEN a shop with data WHEN shop/redact arrives THEN every row of that shop is deleted and other shops keep theirs", async () => {
    const other = "other-shop.myshopify.com";
    await makeShop(pipeline.db, other);
    await storeSession(other);
    await post("shop/redact", { shop_id: 1, shop_domain: SHOP });
    for (const table of ["Message", "OrderState", "WebhookEvent", "DataRequest", "Template"]) {
      const rows = await pipeline.db.query(`SELECT 1 FROM "${table}" WHERE "shopDomain" = ?`, [SHOP]);
      expect(rows, table).toHaveLength(0);
    }
    expect(await pipeline.db.query(`SELECT 1 FROM "Shop" WHERE "domain" = ?`, [SHOP])).toHaveLength(0);
    expect(await pipeline.db.query(`SELECT 1 FROM "Shop" WHERE "domain" = ?`, [other])).toHaveLength(1);
    expect(await pipeline.db.query(`SELECT 1 FROM "Session" WHERE "shop" = ?`, [other])).toHaveLength(1);
  });
});

async function post(topic: string, body: unknown): Promise<void> {
  const response = await pipeline.post(topic, body);
  expect(response.status).toBe(200);
}
