import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlDatabase, type SqlDatabase } from "../app/db/sql.server";
import { COMPLIANCE_TOPICS, SUBSCRIBED_TOPICS } from "../app/webhooks/topics";
import { startTestApp, type TestApp } from "./helpers/app";
import { postWebhook } from "./helpers/webhooks";

const SHOP = "auth-test.myshopify.com";
const TOPICS = [...SUBSCRIBED_TOPICS, ...COMPLIANCE_TOPICS];

/** A small body of each topic's shape; Shopify never sends one body under two topics. */
function minimalBody(topic: string): unknown {
  // Every subscribed topic has one here (a missing one fails the test, as it should).
  const compliance = { shop_id: 1, shop_domain: SHOP, customer: { id: 1 } };
  const bodies: Record<string, unknown> = {
    "app/scopes_update": { current: ["read_orders"], previous: [] },
    "app/uninstalled": { id: 1, domain: SHOP, myshopify_domain: SHOP },
    "customers/data_request": { ...compliance, orders_requested: [], data_request: { id: 1 } },
    "customers/redact": { ...compliance, orders_to_redact: [] },
    "shop/redact": { shop_id: 1, shop_domain: SHOP },
    "orders/create": { id: 1001, name: "#1001" },
    "orders/cancelled": { id: 1001, name: "#1001", cancelled_at: "2026-07-01T10:00:00Z" },
    "orders/updated": { id: 1001, name: "#1001", updated_at: "2026-07-01T11:00:00Z" },
    "fulfillments/create": { id: 2001, order_id: 1001, status: "success" },
    "fulfillments/update": { id: 2001, order_id: 1001, status: "success", shipment_status: "in_transit" },
    "fulfillment_events/create": { id: 3001, fulfillment_id: 2001, order_id: 1001, status: "in_transit" },
  };
  return bodies[topic];
}

describe("webhook authentication on every subscribed route", () => {
  let app: TestApp;
  let db: SqlDatabase;

  beforeAll(async () => {
    app = await startTestApp();
    db = openSqlDatabase(app.database.url);
  });

  afterAll(async () => {
    await db.close();
    await app.stop();
  });

  async function storedEvents(webhookId: string): Promise<number> {
    const rows = await db.query(`SELECT "id" FROM "WebhookEvent" WHERE "webhookId" = ?`, [webhookId]);
    return rows.length;
  }

  it.each(TOPICS)("GIVEN %s signed with the wrong secret WHEN posted THEN 401 and nothing stored", async (topic) => {
    const webhookId = `wrong-${topic}`;
    const response = await postWebhook(app.url, {
      topic,
      shop: SHOP,
      body: minimalBody(topic),
      secret: "not-the-app-secret",
      webhookId,
    });
    expect(response.status).toBe(401);
    expect(await storedEvents(webhookId)).toBe(0);
  });

  it.each(TOPICS)("GIVEN %s signed with the app secret WHEN posted THEN 200 and the event is kept", async (topic) => {
    const webhookId = `valid-${topic}`;
    const response = await postWebhook(app.url, { topic, shop: SHOP, body: minimalBody(topic), webhookId });
    expect(response.status).toBe(200);
    // shop/redact deletes everything of the shop, its own event included.
    expect(await storedEvents(webhookId)).toBe(topic === "shop/redact" ? 0 : 1);
  });

  it("GIVEN a GET WHEN sent to a webhook route THEN 405", async () => {
    const response = await fetch(`${app.url}/webhooks/orders/create`);
    expect(response.status).toBe(405);
  });

  it("GIVEN a body accepted for shop A WHEN it is replayed under shop B's header with a fresh webhook id THEN 401 and nothing of B changes", async () => {
    const body = { id: 78, name: "#78", line_items: [] };
    expect((await postWebhook(app.url, { topic: "orders/create", shop: "shop-a.myshopify.com", body, webhookId: "original-78" })).status).toBe(200);
    const replay = await postWebhook(app.url, { topic: "orders/create", shop: "shop-b.myshopify.com", body, webhookId: "fresh-78" });
    expect(replay.status).toBe(401);
    expect(await db.query(`SELECT 1 FROM "WebhookEvent" WHERE "shopDomain" = 'shop-b.myshopify.com' AND "webhookId" = 'fresh-78'`)).toHaveLength(0);
  });

  it("GIVEN shop A's shop/redact WHEN replayed under shop B's header after A's data is gone THEN 401 and B keeps its data", async () => {
    const now = new Date();
    await db.execute(`INSERT INTO "Shop" ("domain", "createdAt", "updatedAt") VALUES ('shop-d.myshopify.com', ?, ?)`, [now, now]);
    const redact = { shop_id: 3, shop_domain: "shop-c.myshopify.com" };
    expect((await postWebhook(app.url, { topic: "shop/redact", shop: "shop-c.myshopify.com", body: redact, webhookId: "redact-c" })).status).toBe(200);
    expect((await postWebhook(app.url, { topic: "shop/redact", shop: "shop-d.myshopify.com", body: redact, webhookId: "redact-c" })).status).toBe(401);
    expect((await postWebhook(app.url, { topic: "shop/redact", shop: "shop-d.myshopify.com", body: redact, webhookId: "redact-fresh" })).status).toBe(401);
    expect(await db.query(`SELECT 1 FROM "Shop" WHERE "domain" = 'shop-d.myshopify.com'`)).toHaveLength(1);
  });

  it("GIVEN a validly signed delivery for shop A WHEN the same request is replayed with shop B's header THEN 401 and nothing stored for B", async () => {
    const webhook = { topic: "orders/create", body: { id: 77, name: "#77" }, webhookId: "replayed-1" };
    expect((await postWebhook(app.url, { ...webhook, shop: "shop-a.myshopify.com" })).status).toBe(200);
    expect((await postWebhook(app.url, { ...webhook, shop: "shop-b.myshopify.com" })).status).toBe(401);
    const rows = await db.query<{ shopDomain: string }>(`SELECT "shopDomain" FROM "WebhookEvent" WHERE "webhookId" = ?`, [
      "replayed-1",
    ]);
    expect(rows).toEqual([{ shopDomain: "shop-a.myshopify.com" }]);
  });
});
