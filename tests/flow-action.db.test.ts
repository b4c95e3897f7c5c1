/**
 * Shopify Flow's action "Send WhatsApp order update" over real HTTP on either engine: Flow's
 * signed request to the production build, the message queued through the pipeline's planner
 * and sent by the worker to the Kaleyra sandbox. Shopify's servers cannot run here, so only
 * the Admin API edge is mocked (undici's MockAgent behind fetch), for orders the app never saw.
 */
import { randomUUID } from "node:crypto";
import { getHmac } from "@shopify/shopify-api/test-helpers";
import { MockAgent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from "undici";
import { adminApiOrder } from "../app/orders/__fixtures__/admin-api-order";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveConsent } from "../app/db/repositories/shoppers.server";
import { ORDER_NAME, orderPayload, SHIPPING_PHONE_E164 } from "../app/orders/__fixtures__/lifecycle";
import { makeOfflineSession, makeWhatsAppTemplate } from "./factories";
import { ALL_LINES, orderSequence, SHOP, startPipeline, type Pipeline } from "./helpers/pipeline";

let pipeline: Pipeline;
let previous: Dispatcher;
const mock = new MockAgent();
const newOrder = orderSequence(5_100_000_000);
const ACCESS_TOKEN = "shpat_flow_token";

/** What the mocked Admin API was asked: the GraphQL body and the access token of each request. */
const adminRequests: Array<{ body: string; token: string }> = [];
/** Orders the mocked Admin API knows, by id; any other id is answered `order: null` as Shopify does. */
const shopifyOrders = new Map<string, unknown>();
/** Order ids whose next read Shopify fails (503), once each. */
const failNextRead = new Set<string>();

function graphqlOrder(orderId: string) {
  return adminApiOrder(orderId, { name: `#${orderId.slice(-4)}`, unfulfilled: true });
}

beforeAll(async () => {
  previous = getGlobalDispatcher();
  mock.disableNetConnect();
  // The app itself and the sandbox stay on real loopback HTTP.
  mock.enableNetConnect(/127\.0\.0\.1/);
  mock
    .get(`https://${SHOP}`)
    .intercept({ path: /\/admin\/api\/2026-07\/graphql\.json/, method: "POST" })
    .reply((options) => {
      const headers = options.headers as Record<string, string>;
      adminRequests.push({ body: String(options.body), token: headers["X-Shopify-Access-Token"] ?? headers["x-shopify-access-token"] ?? "" });
      const { variables } = JSON.parse(String(options.body)) as { variables: { id: string } };
      const orderId = variables.id.split("/").pop() ?? "";
      const failing = failNextRead.delete(orderId);
      const data: Record<string, unknown> = failing ? { errors: "Service unavailable" } : { data: { order: shopifyOrders.get(orderId) ?? null } };
      return { statusCode: failing ? 503 : 200, data, responseOptions: { headers: { "content-type": "application/json" } } };
    })
    .persist();
  setGlobalDispatcher(mock);
  pipeline = await startPipeline();
  // authenticate.flow finds the shop's offline session, as after an install.
  await makeOfflineSession(pipeline.db, SHOP, ACCESS_TOKEN);
}, 60_000);

afterAll(async () => {
  await pipeline?.stop();
  setGlobalDispatcher(previous);
  // Not awaited: close waits for the pass-through keep-alive sockets to idle out (seconds).
  void mock.close().catch(() => {});
});

interface FlowAnswer {
  status: number;
  body: { outcome: string; message: string; status?: string; messageId?: string };
}

/** Flow's request for one run of the action, signed as Flow signs it (HMAC-SHA256 of the body, base64). */
async function runAction(properties: Record<string, unknown>, options: { runId?: string; hmac?: string | null; shop?: string } = {}): Promise<FlowAnswer> {
  const body = JSON.stringify({
    shop_id: 1,
    shopify_domain: options.shop ?? SHOP,
    action_run_id: options.runId ?? randomUUID(),
    action_definition_id: "send-whatsapp-update",
    handle: "send-whatsapp-update",
    properties,
  });
  const hmac = options.hmac === undefined ? getHmac(body, process.env.SHOPIFY_API_SECRET ?? "") : options.hmac;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (hmac !== null) headers["x-shopify-hmac-sha256"] = hmac;
  const response = await fetch(`${pipeline.app.url}/flow/actions/send-order-update`, { method: "POST", headers, body });
  return { status: response.status, body: (await response.json()) as FlowAnswer["body"] };
}

async function messagesOf(orderId: string) {
  return pipeline.db.query<{ id: string; orderStatus: string; state: string; dedupeKey: string; skipReason: string | null; templateName: string | null; formReason: string | null }>(
    `SELECT "id", "orderStatus", "state", "dedupeKey", "skipReason", "templateName", "formReason" FROM "Message" WHERE "orderId" = ? ORDER BY "createdAt", "id"`,
    [orderId],
  );
}

async function runsOf(orderId: string) {
  return pipeline.db.query<{ actionRunId: string; outcome: string }>(`SELECT "actionRunId", "outcome" FROM "FlowActionRun" WHERE "orderId" = ?`, [orderId]);
}

/** A new order placed (processing sent by the lifecycle) and, when asked, shipped in one parcel. */
async function placeOrder(options: { shipped?: boolean; changes?: Record<string, unknown> } = {}) {
  const order = newOrder(options.changes ?? {});
  await pipeline.accept("orders/create", order.created());
  if (options.shipped) await pipeline.accept("fulfillments/create", order.fulfillment({ id: `${order.id}1`, status: "success", lines: ALL_LINES, created: 10 }));
  await pipeline.settle();
  return order;
}

describe("a signed run of the action", () => {
  it("GIVEN a shipped order WHEN Flow asks for 'shipped' THEN 200, and 'shipped' is sent again to the shopper, under the run's own key", async () => {
    const order = await placeOrder({ shipped: true });
    const runId = randomUUID();
    const answer = await runAction({ order_id: `gid://shopify/Order/${order.id}`, status: "shipped", template_name: "" }, { runId });
    expect(answer).toMatchObject({ status: 200, body: { outcome: "queued", status: "shipped", messageId: expect.any(String) } });
    await pipeline.settle();
    expect(pipeline.statusesFor(order.id)).toEqual(["processing", "shipped", "shipped"]);
    const flowMessage = (await messagesOf(order.id)).find((message) => message.id === answer.body.messageId);
    expect(flowMessage).toMatchObject({ orderStatus: "shipped", state: "sent", dedupeKey: `${order.id}:shipped:flow:${runId}` });
    expect(pipeline.received().filter(([, , reference]) => reference === order.id).map(([, to]) => to)).toEqual([SHIPPING_PHONE_E164, SHIPPING_PHONE_E164, SHIPPING_PHONE_E164]);
  });

  it("GIVEN an order placed, nothing shipped WHEN Flow asks for the current status THEN 'processing' is told again", async () => {
    const order = await placeOrder();
    expect(await runAction({ order_id: order.id, status: "current" })).toMatchObject({ status: 200, body: { outcome: "queued", status: "processing" } });
    const empty = await runAction({ order_id: Number(order.id) });
    expect(empty).toMatchObject({ status: 200, body: { status: "processing" } });
    await pipeline.settle();
    expect(pipeline.statusesFor(order.id)).toEqual(["processing", "processing", "processing"]);
  });

  it("GIVEN a status ahead of what the app knows WHEN Flow asks for it THEN it is sent, and the lifecycle counts it: the shipment later sends nothing lower", async () => {
    const order = await placeOrder();
    expect(await runAction({ order_id: order.id, status: "Delivered" })).toMatchObject({ status: 200, body: { status: "completed" } });
    await pipeline.accept("fulfillments/create", order.fulfillment({ id: `${order.id}1`, status: "success", lines: ALL_LINES, created: 10 }));
    await pipeline.settle();
    expect(pipeline.statusesFor(order.id)).toEqual(["processing", "completed"]);
  });
});

describe("the signature", () => {
  it("GIVEN a wrong or missing signature WHEN Flow's request comes THEN 401 and nothing is recorded or queued", async () => {
    const order = await placeOrder();
    const before = await messagesOf(order.id);
    const forged = await runAction({ order_id: order.id, status: "processing" }, { hmac: getHmac("another body", process.env.SHOPIFY_API_SECRET ?? "") });
    expect(forged.status).toBe(401);
    expect((await runAction({ order_id: order.id }, { hmac: null })).status).toBe(401);
    expect((await runAction({ order_id: order.id }, { hmac: getHmac("x", "not-the-app-secret") })).status).toBe(401);
    await pipeline.settle();
    expect(await messagesOf(order.id)).toEqual(before);
    expect(await runsOf(order.id)).toEqual([]);
  });
});

describe("the shop", () => {
  it("GIVEN a shop with no session (the app not installed there) WHEN a signed run comes for it THEN 422 saying so, nothing recorded", async () => {
    const answer = await runAction({ order_id: "5100000999" }, { shop: "not-installed.myshopify.com" });
    expect(answer).toMatchObject({ status: 422, body: { outcome: "refused", message: expect.stringContaining("the app has no access to this shop") } });
    expect(await pipeline.db.query(`SELECT 1 FROM "FlowActionRun" WHERE "shopDomain" = 'not-installed.myshopify.com'`)).toEqual([]);
  });

  it("GIVEN a body that is not this action's (no order) WHEN signed and sent THEN 400 naming what is missing", async () => {
    expect(await runAction({ status: "shipped" })).toMatchObject({ status: 400, body: { outcome: "refused", message: expect.stringContaining("properties.order_id") } });
  });
});

describe("idempotency on action_run_id", () => {
  it("GIVEN a run answered WHEN Flow sends the same action_run_id again THEN the same answer, and one message", async () => {
    const order = await placeOrder();
    const runId = randomUUID();
    const first = await runAction({ order_id: order.id, status: "processing" }, { runId });
    const again = await runAction({ order_id: order.id, status: "processing" }, { runId });
    expect(first.status).toBe(200);
    expect(again).toEqual(first);
    await pipeline.settle();
    expect((await messagesOf(order.id)).filter((message) => message.dedupeKey.includes(runId))).toHaveLength(1);
    expect(pipeline.statusesFor(order.id)).toEqual(["processing", "processing"]);
  });

  it("GIVEN one action_run_id WHEN Flow's copies of the run arrive at once THEN exactly one message, and every copy gets its answer", async () => {
    const order = await placeOrder({ shipped: true });
    const runId = randomUUID();
    const answers = await Promise.all(Array.from({ length: 6 }, () => runAction({ order_id: order.id, status: "shipped" }, { runId })));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(answers.map((answer) => answer.body.messageId)).size).toBe(1);
    await pipeline.settle();
    expect((await messagesOf(order.id)).filter((message) => message.dedupeKey.includes(runId))).toHaveLength(1);
    expect(await runsOf(order.id)).toEqual([{ actionRunId: runId, outcome: "queued" }]);
    expect(pipeline.statusesFor(order.id)).toEqual(["processing", "shipped", "shipped"]);
  });
});

describe("refusals, answered 4xx with the reason Flow shows", () => {
  it("GIVEN an unknown status or one below the order's WHEN Flow asks THEN 422 with the reason, nothing queued, and a retry gets the same", async () => {
    const order = await placeOrder({ shipped: true });
    const before = await messagesOf(order.id);
    const unknown = await runAction({ order_id: order.id, status: "lost" });
    expect(unknown).toMatchObject({ status: 422, body: { outcome: "refused", message: expect.stringContaining('unknown status "lost"') } });
    const runId = randomUUID();
    const backwards = await runAction({ order_id: order.id, status: "processing" }, { runId });
    expect(backwards).toMatchObject({ status: 422, body: { message: 'not sent: the order is already "Shipped": an update never moves an order back to "Processing"' } });
    expect(await runAction({ order_id: order.id, status: "processing" }, { runId })).toEqual(backwards);
    expect(await runAction({ order_id: order.id, status: "cancelled" })).toMatchObject({ status: 422, body: { message: expect.stringContaining("not cancelled") } });
    await pipeline.settle();
    expect(await messagesOf(order.id)).toEqual(before);
  });

  it("GIVEN an order without a phone WHEN Flow asks THEN 422 with the reason, and the message is in the log as skipped, like the pipeline's", async () => {
    const sample = orderPayload();
    const order = await placeOrder({
      changes: { phone: null, customer: { ...(sample.customer as object), phone: null, default_address: null }, billing_address: null, shipping_address: { ...(sample.shipping_address as object), phone: null } },
    });
    const answer = await runAction({ order_id: order.id, status: "processing" });
    expect(answer).toMatchObject({ status: 422, body: { outcome: "skipped", message: expect.stringContaining("is not sent: no") } });
    const skipped = (await messagesOf(order.id)).find((message) => message.id === answer.body.messageId);
    expect(skipped).toMatchObject({ state: "skipped", skipReason: expect.any(String) });
    expect(answer.body.message).toContain(skipped?.skipReason);
  });

  it("GIVEN a shopper who wrote STOP WHEN Flow asks THEN 422: the shopper opted out, and nothing reaches them", async () => {
    const sample = orderPayload();
    const order = await placeOrder({ changes: { shipping_address: { ...(sample.shipping_address as object), phone: "(502) 555-0199" } } });
    await saveConsent(pipeline.db, SHOP, "+15025550199", { consent: "opted_out", at: new Date(), source: "inbound", wording: "STOP" }, new Date());
    const answer = await runAction({ order_id: order.id });
    expect(answer).toMatchObject({ status: 422, body: { outcome: "skipped", message: expect.stringContaining("the shopper opted out of WhatsApp updates") } });
    await pipeline.settle();
    expect(pipeline.statusesFor(order.id)).toEqual(["processing"]);
  });
});

describe("the template override", () => {
  it("GIVEN one of the shop's approved templates by name WHEN Flow asks for it THEN that template is sent, even where the shop sends the interactive message", async () => {
    await makeWhatsAppTemplate(pipeline.db, SHOP, { status: "shipped", name: "flow_delay_notice", body: "Hi {{1}}, order {{2}} is delayed.", bodyParams: JSON.stringify(["customer_first_name", "order_name"]) });
    const order = await placeOrder({ shipped: true });
    const answer = await runAction({ order_id: order.id, status: "shipped", template_name: "flow_delay_notice" });
    expect(answer).toMatchObject({ status: 200, body: { outcome: "queued" } });
    await pipeline.settle();
    const message = (await messagesOf(order.id)).find((row) => row.id === answer.body.messageId);
    expect(message).toMatchObject({ state: "sent", templateName: "flow_delay_notice", formReason: 'Shopify Flow asked for the template "flow_delay_notice"' });
    const sent = pipeline.sandbox.received.filter((received) => received.summary.template?.name === "flow_delay_notice");
    expect(sent.map((received) => [received.summary.form, received.summary.to, received.summary.template?.body[1]])).toEqual([["template", SHIPPING_PHONE_E164, ORDER_NAME]]);
  });

  it("GIVEN a template name the shop has not added WHEN Flow asks for it THEN 422 naming it, nothing queued", async () => {
    const order = await placeOrder();
    const before = await messagesOf(order.id);
    const answer = await runAction({ order_id: order.id, template_name: "no_such_template" });
    expect(answer).toMatchObject({ status: 422, body: { outcome: "refused", message: expect.stringContaining('no approved WhatsApp template named "no_such_template"') } });
    expect(await messagesOf(order.id)).toEqual(before);
  });
});

describe("an order the app never saw", () => {
  it("GIVEN an order placed before the app was installed WHEN Flow asks THEN the app reads it from the Admin API and sends its current status", async () => {
    const orderId = "5199000001";
    shopifyOrders.set(orderId, graphqlOrder(orderId));
    const asked = adminRequests.length;
    const answer = await runAction({ order_id: `gid://shopify/Order/${orderId}` });
    expect(answer).toMatchObject({ status: 200, body: { outcome: "queued", status: "processing" } });
    await pipeline.settle();
    expect(pipeline.statusesFor(orderId)).toEqual(["processing"]);
    const requests = adminRequests.slice(asked);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.token).toBe(ACCESS_TOKEN);
    const graphql = JSON.parse(requests[0]?.body ?? "{}") as { query: string; variables: { id: string } };
    expect(graphql.query).toContain("query OrderForStatusMessage");
    expect(graphql.variables).toEqual({ id: `gid://shopify/Order/${orderId}` });
    const [state] = await pipeline.db.query<{ lookupDueAt: Date | null }>(`SELECT "lookupDueAt" FROM "OrderState" WHERE "orderId" = ?`, [orderId]);
    expect(state).toEqual({ lookupDueAt: null });
  });

  it("GIVEN an order id Shopify does not know WHEN Flow asks THEN 422 saying so, nothing stored", async () => {
    const answer = await runAction({ order_id: "5199000999" });
    expect(answer).toMatchObject({ status: 422, body: { outcome: "refused", message: "not sent: Shopify has no order 5199000999 in this shop" } });
    expect(await messagesOf("5199000999")).toEqual([]);
  });

  it("GIVEN Shopify failing to answer WHEN Flow asks THEN 503 and nothing recorded; WHEN Flow retries the run THEN the order is read and told once", async () => {
    const orderId = "5199000002";
    shopifyOrders.set(orderId, graphqlOrder(orderId));
    failNextRead.add(orderId);
    const runId = randomUUID();
    const failed = await runAction({ order_id: orderId }, { runId });
    expect(failed).toMatchObject({ status: 503, body: { outcome: "retry" } });
    expect(await runsOf(orderId)).toEqual([]);
    expect(await messagesOf(orderId)).toEqual([]);
    expect(await runAction({ order_id: orderId }, { runId })).toMatchObject({ status: 200, body: { outcome: "queued", status: "processing" } });
    await pipeline.settle();
    expect(pipeline.statusesFor(orderId)).toEqual(["processing"]);
  });
});

describe("a shop whose sending is paused", () => {
  it("GIVEN the shop's queue paused (low balance) WHEN Flow asks THEN 200: the message waits as paused and goes when sending resumes", async () => {
    const order = await placeOrder();
    await pipeline.db.execute(`UPDATE "Shop" SET "pausedReason" = 'low_balance' WHERE "domain" = ?`, [SHOP]);
    try {
      const answer = await runAction({ order_id: order.id });
      expect(answer).toMatchObject({ status: 200, body: { outcome: "paused", message: expect.stringContaining("sending is paused for this shop (low_balance)") } });
      expect((await messagesOf(order.id)).find((message) => message.id === answer.body.messageId)).toMatchObject({ state: "paused" });
    } finally {
      await pipeline.db.execute(`UPDATE "Shop" SET "pausedReason" = NULL WHERE "domain" = ?`, [SHOP]);
    }
  });
});
