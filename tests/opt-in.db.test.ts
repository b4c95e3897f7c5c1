/**
 * The WhatsApp opt-in block's endpoints over HTTP on either engine, with session tokens signed
 * as Shopify signs them: what a valid token records, what a bad one or another shop's or
 * customer's order cannot, a choice made before the order arrives, and an opted-in shopper of
 * an opt-in-only shop reached by the next update through the Kaleyra sandbox.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fulfillmentPayload, LINE_A, LINE_B, orderPayload } from "../app/orders/__fixtures__/lifecycle";
import { OPT_IN_PHONE_HEADER } from "../app/consent/opt-in-http.server";
import { PENDING_OPT_IN_MS } from "../app/consent/opt-in";
import { pruneStaleOptIns } from "../app/consent/opt-in.server";
import { makeShop } from "./factories";
import { customerAccountToken, EXTENSION_BROWSER_HEADERS, extensionToken, postOptIn } from "./helpers/extension-requests";
import { startPipeline, type Pipeline } from "./helpers/pipeline";

let pipeline: Pipeline;
let shopCount = 0;
let orderCount = 0;

beforeAll(async () => {
  pipeline = await startPipeline();
}, 60_000);

afterAll(async () => {
  await pipeline?.stop();
});

const WORDING = "Get order updates from Test Shop on WhatsApp at +91 98123 45601. You can turn this off here or by replying STOP.";
const THANK_YOU = "/api/opt-in/thank-you";
const ORDER_STATUS = "/api/opt-in/order-status";

/** A fresh opt-in-only shop, sending the interactive message (no template needed). */
async function newShop(overrides: Parameters<typeof makeShop>[2] = {}): Promise<string> {
  const domain = `opt-in-${++shopCount}.myshopify.com`;
  await makeShop(pipeline.db, domain, { consentPolicy: "opted_in", ...overrides });
  return domain;
}

const phone = () => `+9198123457${String(10 + orderCount).padStart(2, "0")}`;

/** An order to `to` (its contact phone, as checkout keeps it) of customer `customerId`. */
function newOrder(to: string, customerId = "4400") {
  const id = String(940_000_000 + ++orderCount);
  const base = orderPayload();
  const body = orderPayload({
    id,
    name: `#${id.slice(-4)}`,
    phone: to,
    customer: { ...(base.customer as Record<string, unknown>), id: customerId, phone: null, default_address: null },
  });
  return { id, body };
}

async function placeOrder(shop: string, body: unknown): Promise<void> {
  await pipeline.accept("orders/create", body, { shop });
  await pipeline.app.inboxSettled();
  await pipeline.settle();
}

const token = extensionToken;
const customerToken = customerAccountToken;

async function getState(path: string, bearer: string, order: string, shown: string): Promise<Response> {
  return fetch(`${pipeline.app.url}${path}?order=${encodeURIComponent(order)}`, {
    headers: { ...EXTENSION_BROWSER_HEADERS, authorization: `Bearer ${bearer}`, [OPT_IN_PHONE_HEADER]: shown },
  });
}

const postChoice = (path: string, bearer: string | null, body: Record<string, unknown>) => postOptIn(pipeline.app.url, path, bearer, { wording: WORDING, ...body });

interface ShopperRow {
  consent: string | null;
  consentSource: string | null;
  consentWording: string | null;
  consentAt: Date | string | null;
}

async function shopper(shop: string, number: string): Promise<ShopperRow | undefined> {
  const [row] = await pipeline.db.query<ShopperRow>(`SELECT "consent", "consentSource", "consentWording", "consentAt" FROM "Shopper" WHERE "shopDomain" = ? AND "phone" = ?`, [shop, number]);
  return row;
}

async function recordsOf(number: string): Promise<number> {
  const [shoppers] = await pipeline.db.query<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "Shopper" WHERE "phone" = ?`, [number]);
  const [pending] = await pipeline.db.query<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "OrderOptIn" WHERE "phone" = ?`, [number]);
  return Number(shoppers?.n) + Number(pending?.n);
}

async function messagesOf(shop: string, orderId: string) {
  return pipeline.db.query<{ orderStatus: string; state: string; skipReason: string | null }>(
    `SELECT "orderStatus", "state", "skipReason" FROM "Message" WHERE "shopDomain" = ? AND "orderId" = ? ORDER BY "createdAt"`,
    [shop, orderId],
  );
}

describe("the thank-you page", () => {
  it("GIVEN an opt-in-only shop and a placed order WHEN the shopper ticks the box THEN the consent is recorded with its source, wording and time, and the next update reaches them", async () => {
    const shop = await newShop();
    const to = phone();
    const order = newOrder(to);
    await placeOrder(shop, order.body);
    expect(await messagesOf(shop, order.id)).toMatchObject([{ orderStatus: "processing", state: "skipped" }]);
    const bearer = await token(shop);

    const before = await getState(THANK_YOU, bearer, `gid://shopify/OrderIdentity/${order.id}`, to);
    expect(before.status).toBe(200);
    expect(before.headers.get("access-control-allow-origin")).toBe("*");
    expect(await before.json()).toEqual({ on: false, consent: null, pending: false });

    const startedAt = Date.now();
    const posted = await postChoice(THANK_YOU, bearer, { order: `gid://shopify/OrderIdentity/${order.id}`, phone: to, choice: "opted_in" });
    expect(posted.status).toBe(200);
    expect(await posted.json()).toEqual({ on: true, consent: "opted_in", pending: false });
    const row = await shopper(shop, to);
    expect(row).toMatchObject({ consent: "opted_in", consentSource: "thank_you_page", consentWording: WORDING });
    expect(new Date(row!.consentAt!).getTime()).toBeGreaterThanOrEqual(startedAt - 1_000);

    await pipeline.accept("fulfillments/create", { ...fulfillmentPayload({ id: "5501", status: "success", created: 5, lines: [[LINE_A, 2], [LINE_B, 1]] }), order_id: order.id }, { shop });
    await pipeline.app.inboxSettled();
    await pipeline.settle();
    expect((await messagesOf(shop, order.id)).find((m) => m.orderStatus === "shipped")).toMatchObject({ state: "sent" });
    expect(pipeline.received().filter(([, number]) => number === to).map(([status]) => status)).toEqual(["shipped"]);
  });

  it("GIVEN a shopper who opted in WHEN they untick the box THEN the opt-out is recorded from the same page and shown", async () => {
    const shop = await newShop();
    const to = phone();
    const order = newOrder(to);
    await placeOrder(shop, order.body);
    const bearer = await token(shop);
    expect((await postChoice(THANK_YOU, bearer, { order: order.id, phone: to, choice: "opted_in" })).status).toBe(200);
    const undone = await postChoice(THANK_YOU, bearer, { order: order.id, phone: to, choice: "opted_out" });
    expect(await undone.json()).toEqual({ on: false, consent: "opted_out", pending: false });
    expect(await shopper(shop, to)).toMatchObject({ consent: "opted_out", consentSource: "thank_you_page", consentWording: WORDING });
    expect(await (await getState(THANK_YOU, bearer, order.id, to)).json()).toEqual({ on: false, consent: "opted_out", pending: false });
  });

  it("GIVEN the page loads before the order's webhook WHEN the shopper opts in THEN the choice waits for the order and its first message is sent", async () => {
    const shop = await newShop();
    const to = phone();
    const order = newOrder(to);
    const bearer = await token(shop);
    const posted = await postChoice(THANK_YOU, bearer, { order: `gid://shopify/OrderIdentity/${order.id}`, phone: to, choice: "opted_in" });
    expect(await posted.json()).toEqual({ on: true, consent: "opted_in", pending: true });
    expect(await shopper(shop, to)).toBeUndefined();
    // Waiting on the order's row (PostgreSQL) leaves no row behind.
    expect(await pipeline.db.query(`SELECT 1 FROM "OrderState" WHERE "shopDomain" = ?`, [shop])).toHaveLength(0);
    expect(await (await getState(THANK_YOU, bearer, order.id, to)).json()).toEqual({ on: true, consent: "opted_in", pending: true });

    await placeOrder(shop, order.body);
    expect(await shopper(shop, to)).toMatchObject({ consent: "opted_in", consentSource: "thank_you_page", consentWording: WORDING });
    expect(await messagesOf(shop, order.id)).toMatchObject([{ orderStatus: "processing", state: "sent" }]);
    expect(await pipeline.db.query(`SELECT 1 FROM "OrderOptIn" WHERE "shopDomain" = ?`, [shop])).toHaveLength(0);
  });

  it("GIVEN a choice made before the order WHEN the order arrives with another number THEN no number's consent changes", async () => {
    const shop = await newShop();
    const to = phone();
    const order = newOrder(to);
    const typed = "+919812345999";
    expect((await postChoice(THANK_YOU, await token(shop), { order: order.id, phone: typed, choice: "opted_in" })).status).toBe(200);
    await placeOrder(shop, order.body);
    expect(await shopper(shop, typed)).toBeUndefined();
    expect(await shopper(shop, to)).toBeUndefined();
    expect(await messagesOf(shop, order.id)).toMatchObject([{ orderStatus: "processing", state: "skipped" }]);
  });

  it("GIVEN a known order WHEN the page sends a number that is not the order's THEN 403 and nothing is recorded", async () => {
    const shop = await newShop();
    const to = phone();
    const order = newOrder(to);
    await placeOrder(shop, order.body);
    const response = await postChoice(THANK_YOU, await token(shop), { order: order.id, phone: "+919812345998", choice: "opted_out" });
    expect(response.status).toBe(403);
    expect(await recordsOf("+919812345998")).toBe(0);
    expect(await recordsOf(to)).toBe(0);
  });

  it("GIVEN an order of another shop WHEN a token of this shop asks for it THEN that shop's shopper is untouched", async () => {
    const owner = await newShop();
    const other = await newShop();
    const to = phone();
    const order = newOrder(to);
    await placeOrder(owner, order.body);
    const response = await postChoice(THANK_YOU, await token(other), { order: order.id, phone: to, choice: "opted_out" });
    // The other shop never receives this order, so its choice can never apply; the owner's shopper is untouched.
    expect(response.status).toBe(200);
    expect(await shopper(owner, to)).toBeUndefined();
    expect(await shopper(other, to)).toBeUndefined();
    const refused = await postChoice(ORDER_STATUS, await customerToken(other, "4400"), { order: order.id, phone: to, choice: "opted_out" });
    expect(refused.status).toBe(404);
    expect(await shopper(owner, to)).toBeUndefined();
  });
});

describe("choices whose order never came", () => {
  it("GIVEN waiting choices older and younger than an hour WHEN the worker's housekeeping prunes THEN only the stale one goes", async () => {
    const shop = await newShop();
    const now = new Date();
    for (const [orderId, age] of [["6601", PENDING_OPT_IN_MS + 60_000], ["6602", 60_000]] as const) {
      await pipeline.db.execute(
        `INSERT INTO "OrderOptIn" ("shopDomain", "orderId", "phone", "consent", "consentAt", "source", "wording") VALUES (?, ?, '+919812345900', 'opted_in', ?, 'thank_you_page', ?)`,
        [shop, orderId, new Date(now.getTime() - age), WORDING],
      );
    }
    expect(await pruneStaleOptIns(pipeline.db, now)).toBeGreaterThanOrEqual(1);
    const left = await pipeline.db.query<{ orderId: string }>(`SELECT "orderId" FROM "OrderOptIn" WHERE "shopDomain" = ?`, [shop]);
    expect(left.map((row) => row.orderId)).toEqual(["6602"]);
  });
});

describe("the order-status page", () => {
  it("GIVEN the signed-in customer's own order WHEN they opt in THEN it is recorded from the order-status page", async () => {
    const shop = await newShop();
    const to = phone();
    const order = newOrder(to, "4401");
    await placeOrder(shop, order.body);
    const bearer = await customerToken(shop, "4401");
    expect(await (await getState(ORDER_STATUS, bearer, `gid://shopify/Order/${order.id}`, to)).json()).toEqual({ on: false, consent: null, pending: false });
    const posted = await postChoice(ORDER_STATUS, bearer, { order: `gid://shopify/Order/${order.id}`, phone: to, choice: "opted_in" });
    expect(posted.status).toBe(200);
    expect(await shopper(shop, to)).toMatchObject({ consent: "opted_in", consentSource: "order_status_page", consentWording: WORDING });
  });

  it("GIVEN another customer's order or a token without a customer WHEN a choice is posted THEN 403 and nothing is recorded", async () => {
    const shop = await newShop();
    const to = phone();
    const order = newOrder(to, "4402");
    await placeOrder(shop, order.body);
    for (const bearer of [await customerToken(shop, "4499"), await token(shop)]) {
      const response = await postChoice(ORDER_STATUS, bearer, { order: order.id, phone: to, choice: "opted_out" });
      expect(response.status).toBe(403);
      expect((await getState(ORDER_STATUS, bearer, order.id, to)).status).toBe(403);
    }
    expect(await recordsOf(to)).toBe(0);
  });
});

describe("authentication", () => {
  it("GIVEN no token, another app's secret, an expired token or another app's audience WHEN a choice is posted THEN 401 and nothing is recorded", async () => {
    const shop = await newShop();
    const to = phone();
    const order = newOrder(to);
    await placeOrder(shop, order.body);
    const now = Math.floor(Date.now() / 1000);
    const bearers = [
      null,
      await token(shop, {}, "another-apps-secret"),
      await token(shop, { exp: now - 120, nbf: now - 600, iat: now - 600 }),
      await token(shop, { aud: "another-apps-client-id" }),
      "not.a.jwt",
    ];
    for (const bearer of bearers) {
      const response = await postChoice(THANK_YOU, bearer, { order: order.id, phone: to, choice: "opted_in" });
      expect(response.status).toBe(401);
    }
    expect(await recordsOf(to)).toBe(0);
  });

  it("GIVEN the browser's preflight WHEN it asks THEN the route allows the token and phone headers from any origin", async () => {
    const response = await fetch(`${pipeline.app.url}${THANK_YOU}`, {
      method: "OPTIONS",
      headers: { ...EXTENSION_BROWSER_HEADERS, "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-headers")).toMatch(/Authorization.*Content-Type.*X-Opt-In-Phone/);
  });

  it("GIVEN a body that is not a choice or wording that does not name WhatsApp WHEN posted THEN 400 and nothing is recorded", async () => {
    const shop = await newShop();
    const to = phone();
    const bearer = await token(shop);
    for (const body of [{ order: "1 OR 1=1", phone: to, choice: "opted_in" }, { order: "123", phone: to, choice: "maybe" }, { order: "123", phone: to, choice: "opted_in", wording: "Get order updates" }]) {
      expect((await postChoice(THANK_YOU, bearer, body)).status).toBe(400);
    }
    expect(await recordsOf(to)).toBe(0);
  });
});
