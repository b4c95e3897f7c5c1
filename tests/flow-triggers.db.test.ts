/**
 * The Shopify Flow triggers "WhatsApp message failed" and "WhatsApp message read", end to end:
 * webhooks and Kaleyra's callbacks (the sandbox's, or posted like them) through the inbox onto
 * the messages, the firing queued in the same transaction, and the worker's call to
 * flowTriggerReceive with the shop's offline session. Shopify's Admin API cannot run here, so
 * only that HTTP edge is replaced (undici's MockAgent behind fetch); it keeps every request.
 */
import { randomUUID } from "node:crypto";
import { MockAgent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { firingsOfMessage, type FlowTriggerFiringRecord } from "../app/db/repositories/flow-trigger-firings.server";
import { adminApiFlowTrigger } from "../app/flow-triggers/admin-call.server";
import { LAPSED_REASON } from "../app/flow-triggers/firing-policy";
import type { FireFlowTrigger } from "../app/flow-triggers/runner.server";
import { FLOW_TRIGGERS } from "../app/flow-triggers/triggers";
import { explainOutcome } from "../app/kaleyra/outcome";
import { startDeliveryWorker, type DeliveryWorker } from "../app/outbox/worker.server";
import { orderPayload } from "../app/orders/__fixtures__/lifecycle";
import { kaleyraStatusCallback } from "../app/receipts/__fixtures__/callbacks";
import { DELIVERY_ERRORS } from "../app/receipts/delivery-errors";
import { refFor } from "../app/receipts/kaleyra-callback";
import { CALLBACK_SECRET_HEADER, issueCallbackCredentials } from "../app/receipts/receive.server";
import { ACCOUNT, makeMessage, makeOfflineSession, makeShop, makeWhatsAppTemplate } from "./factories";
import { SHOP, startPipeline, type Pipeline } from "./helpers/pipeline";
import { waitFor } from "./helpers/process";
import { postWebhook } from "./helpers/webhooks";

const NO_SESSION_SHOP = "flow-no-session.myshopify.com";
const UNINSTALLED_SHOP = "flow-uninstalled.myshopify.com";
const TOKEN = "shpat_flow_token";
/** Its Admin API refuses the first two connections; then answers. */
const REFUSING_SHOP = "flow-refusing.myshopify.com";
/** Its Admin API cuts the connection during the first call. */
const CUTTING_SHOP = "flow-cutting.myshopify.com";

interface FlowRequest {
  shop: string;
  query: string;
  handle: string;
  /** The payload as sent (JSON text: the order id keeps every digit). */
  payloadText: string;
  payload: Record<string, unknown>;
  accessToken: string;
}

/** What the stand-in answers next, for one order id; by default 200 with no userErrors. */
type Answer = { statusCode: number; data: unknown };
const OK: Answer = { statusCode: 200, data: { data: { flowTriggerReceive: { userErrors: [] } } } };

let pipeline: Pipeline;
let previous: Dispatcher;
const mock = new MockAgent();
const requests: FlowRequest[] = [];
const planned = new Map<string, Answer[]>();
let orderCount = 0;
let callbackAuth: { token: string; secret: string };
const workers: DeliveryWorker[] = [];

// The Shopify library reads DATABASE_URL as it loads, so it loads once the pipeline set it.
const realFire = adminApiFlowTrigger(async (shop) => (await import("../app/shopify.server")).unauthenticated.admin(shop), 5000);

/** The socket error fetch reports as the cause of "fetch failed". */
const socketError = (code: string) => Object.assign(new Error(code), { code });

function standIn(shop: string, first?: { error: string; times: number }): void {
  const origin = mock.get(`https://${shop}`);
  const path = /\/admin\/api\/2026-07\/graphql\.json/;
  if (first) {
    origin
      .intercept({ path, method: "POST" })
      .replyWithError(socketError(first.error))
      .times(first.times);
  }
  origin
    .intercept({ path: /\/admin\/api\/2026-07\/graphql\.json/, method: "POST" })
    .reply((options) => {
      const text = String(options.body);
      const parsed = JSON.parse(text) as { query: string; variables: { handle: string; payload: Record<string, unknown> } };
      const headers = options.headers as Record<string, string>;
      const payloadText = /"payload":(\{.*\})\}\}$/.exec(text)?.[1] ?? "";
      requests.push({
        shop,
        query: parsed.query,
        handle: parsed.variables.handle,
        payloadText,
        payload: parsed.variables.payload,
        accessToken: headers["x-shopify-access-token"] ?? headers["X-Shopify-Access-Token"] ?? "",
      });
      const order = /"order_id":(\d+)/.exec(payloadText)?.[1] ?? "";
      const answer = planned.get(order)?.shift() ?? OK;
      return { statusCode: answer.statusCode, data: answer.data as object, responseOptions: { headers: { "content-type": "application/json" } } };
    })
    .persist();
}

async function addOfflineSession(shop: string): Promise<void> {
  await makeOfflineSession(pipeline.db, shop, TOKEN);
}

/** A worker that fires Flow triggers (the pipeline's own does not), with short retries and lease. */
function startFlowWorker(fire: FireFlowTrigger = realFire, leaseMs = 10_000): DeliveryWorker {
  const worker = startDeliveryWorker({
    db: pipeline.db,
    idlePollMs: 100,
    recipientSpacingMs: 50,
    fetchOrder: async () => Promise.reject(new Error("no order lookups in this test")),
    retryDelay: () => 100,
    fireFlowTrigger: fire,
    flowTriggerTiming: { leaseMs, retryDelay: () => 100 },
  });
  workers.push(worker);
  return worker;
}

beforeAll(async () => {
  previous = getGlobalDispatcher();
  mock.disableNetConnect();
  // The app and the sandbox stay on real loopback HTTP.
  mock.enableNetConnect(/127\.0\.0\.1/);
  for (const shop of [SHOP, NO_SESSION_SHOP, UNINSTALLED_SHOP]) standIn(shop);
  standIn(REFUSING_SHOP, { error: "ECONNREFUSED", times: 2 });
  standIn(CUTTING_SHOP, { error: "ECONNRESET", times: 1 });
  setGlobalDispatcher(mock);
  pipeline = await startPipeline();
  await addOfflineSession(SHOP);
  await addOfflineSession(UNINSTALLED_SHOP);
  for (const shop of [REFUSING_SHOP, CUTTING_SHOP]) {
    await makeShop(pipeline.db, shop);
    await addOfflineSession(shop);
  }
  await makeShop(pipeline.db, NO_SESSION_SHOP);
  await makeShop(pipeline.db, UNINSTALLED_SHOP, { installed: false });
  callbackAuth = await issueCallbackCredentials(pipeline.db, SHOP, new Date());
  pipeline.sandbox.setCallbackProfile(ACCOUNT.sid, {
    url: `${pipeline.app.url}/kaleyra/callbacks/${callbackAuth.token}`,
    headers: { [CALLBACK_SECRET_HEADER]: callbackAuth.secret },
    delaysMs: { sent: 10, delivered: 20, read: 40 },
  });
}, 60_000);

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  pipeline.sandbox.setFaults({});
});

afterAll(async () => {
  await pipeline?.stop();
  setGlobalDispatcher(previous);
  // Not awaited: close waits for the pass-through keep-alive sockets to idle out (seconds).
  void mock.close().catch(() => {});
});

/** A new order (its own id and shopper) created on Shopify: the app sends "processing". */
async function newOrder(): Promise<{ orderId: string }> {
  orderCount += 1;
  const orderId = String(7_100_000_000 + orderCount);
  const base = orderPayload();
  const shipping = { ...(base.shipping_address as Record<string, unknown>), phone: `+9198765${String(10_000 + orderCount)}` };
  await pipeline.accept("orders/create", orderPayload({ id: orderId, name: `#${orderId.slice(-4)}`, shipping_address: shipping }));
  return { orderId };
}

async function messageOf(orderId: string, shop = SHOP): Promise<{ id: string; state: string; deliveryState: string | null }> {
  return waitFor(
    async () =>
      (await pipeline.db.query<{ id: string; state: string; deliveryState: string | null }>(
        `SELECT "id", "state", "deliveryState" FROM "Message" WHERE "shopDomain" = ? AND "orderId" = ?`,
        [shop, orderId],
      ))[0],
    30_000,
    `order ${orderId}'s message`,
  );
}

/** Waits until the message's firing of `trigger` is no longer pending or in flight. */
async function settledFiring(messageId: string, trigger: string): Promise<FlowTriggerFiringRecord> {
  return waitFor(
    async () => {
      const firing = (await firingsOfMessage(pipeline.db, messageId)).find((row) => row.trigger === trigger);
      return firing && !["pending", "firing"].includes(firing.state) ? firing : undefined;
    },
    60_000,
    `the ${trigger} firing of ${messageId} to settle`,
  );
}

const requestsFor = (orderId: string) => requests.filter((request) => request.payloadText.includes(`"order_id":${orderId},`));

/** A message the worker already sent, and a status callback for it posted as Kaleyra does. */
async function sentMessage(shop = SHOP): Promise<{ id: string; orderId: string }> {
  orderCount += 1;
  const orderId = String(7_200_000_000 + orderCount);
  const id = randomUUID();
  await makeMessage(pipeline.db, shop, { id, orderId, orderStatus: "shipped", kaleyraMessageId: `k-${id}`, sentAt: new Date() });
  return { id, orderId };
}

async function postCallback(body: unknown, auth = callbackAuth): Promise<void> {
  const response = await fetch(`${pipeline.app.url}/kaleyra/callbacks/${auth.token}`, {
    method: "POST",
    headers: { "content-type": "application/json", [CALLBACK_SECRET_HEADER]: auth.secret },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

const failedCallback = (id: string, code = 131026) => kaleyraStatusCallback({ status: "failed", ref: refFor(id), errors: [{ code, title: "Message undeliverable" }] });

describe("WhatsApp message failed", () => {
  it("GIVEN Meta fails a message (the sandbox's 131026) WHEN its callback comes THEN 'WhatsApp message failed' fires exactly once, with the order, status, code and the table's explanation", async () => {
    startFlowWorker();
    pipeline.sandbox.setFaults({ callbacks: { failNext: { code: 131026, count: 1 } } });
    const { orderId } = await newOrder();
    const message = await waitFor(async () => ((await messageOf(orderId)).state === "failed" ? messageOf(orderId) : undefined), 30_000, "the message to fail");

    const firing = await settledFiring(message.id, FLOW_TRIGGERS.failed);
    expect(firing).toMatchObject({ state: "fired", attempts: 1, lastError: null });
    const sent = requestsFor(orderId);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ shop: SHOP, handle: "whatsapp-message-failed", accessToken: TOKEN });
    expect(sent[0]?.query).toContain("flowTriggerReceive(handle: $handle, payload: $payload)");
    expect(sent[0]?.query).toContain("userErrors { field message }");
    expect(sent[0]?.payload).toEqual({
      order_id: Number(orderId),
      "Order status": "processing",
      "Error code": "131026",
      "Error explanation": DELIVERY_ERRORS["131026"]!.explanation,
    });
  });

  it("GIVEN WhatsApp refuses an interactive message outside the window (131047) WHEN the update goes out again as the approved template THEN the first does not fire 'failed'; the template, read, fires 'read'", async () => {
    startFlowWorker();
    await makeWhatsAppTemplate(pipeline.db, SHOP, { status: "processing", name: "order_confirmed" });
    pipeline.sandbox.setFaults({ callbacks: { failNext: { code: 131047, count: 1 } } });
    const { orderId } = await newOrder();
    const rows = await waitFor(
      async () => {
        const all = await pipeline.db.query<{ id: string; form: string; state: string; fallbackOf: string | null }>(
          `SELECT "id", "form", "state", "fallbackOf" FROM "Message" WHERE "shopDomain" = ? AND "orderId" = ? ORDER BY "createdAt", "id"`,
          [SHOP, orderId],
        );
        return all.length === 2 && all[1]?.state === "sent" ? all : undefined;
      },
      30_000,
      "the template fallback to be sent",
    );
    expect(rows[0]).toMatchObject({ form: "interactive", state: "failed" });
    expect(rows[1]).toMatchObject({ form: "template", fallbackOf: rows[0]!.id });
    expect(await settledFiring(rows[1]!.id, FLOW_TRIGGERS.read)).toMatchObject({ state: "fired" });
    expect(await firingsOfMessage(pipeline.db, rows[0]!.id)).toEqual([]);
    expect(requestsFor(orderId).map((request) => request.handle)).toEqual(["whatsapp-message-read"]);
  });

  it("GIVEN Kaleyra refuses a message when it is sent (WA400) THEN 'failed' fires once, with Kaleyra's code and the app's explanation of it", async () => {
    startFlowWorker();
    pipeline.sandbox.setFaults({ forceCode: "WA400" });
    const { orderId } = await newOrder();
    const message = await waitFor(async () => ((await messageOf(orderId)).state === "failed" ? messageOf(orderId) : undefined), 30_000, "the message to fail");
    pipeline.sandbox.setFaults({});
    expect(await settledFiring(message.id, FLOW_TRIGGERS.failed)).toMatchObject({ state: "fired" });
    const sent = requestsFor(orderId);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.payload).toMatchObject({
      "Error code": "WA400",
      "Error explanation": explainOutcome({ kind: "rejected", code: "WA400", httpStatus: 400, reason: "payload", detail: "" }).explanation,
    });
  });

  it("GIVEN three failure callbacks for one message, each with its own time THEN each is applied, and one firing, one call", async () => {
    startFlowWorker();
    const message = await sentMessage();
    // Different bodies (the inbox keeps an identical one once): the earliest failure is kept.
    for (const timestamp of ["1764669609", "1764669605", "1764669612"]) {
      await postCallback(kaleyraStatusCallback({ status: "failed", timestamp, ref: refFor(message.id), errors: [{ code: 131049 }] }));
    }
    await pipeline.app.inboxSettled();
    const applied = await pipeline.db.query<{ reason: string }>(`SELECT "reason" FROM "WebhookEvent" WHERE "source" = 'kaleyra' AND "lane" = ? ORDER BY "receivedAt"`, [`receipt:${message.id}`]);
    expect(applied.map((row) => row.reason)).toEqual(["failed 131049: failed", "failed: recorded", "failed: already known"]);
    expect(await settledFiring(message.id, FLOW_TRIGGERS.failed)).toMatchObject({ state: "fired" });
    expect(await firingsOfMessage(pipeline.db, message.id)).toHaveLength(1);
    expect(requestsFor(message.orderId)).toHaveLength(1);
  });
});

describe("WhatsApp message read", () => {
  it("GIVEN the sandbox posts every callback twice WHEN the shopper reads the message THEN 'WhatsApp message read' fires exactly once", async () => {
    startFlowWorker();
    pipeline.sandbox.setFaults({ callbacks: { duplicate: true } });
    const { orderId } = await newOrder();
    const message = await waitFor(async () => ((await messageOf(orderId)).deliveryState === "read" ? messageOf(orderId) : undefined), 30_000, "the message to be read");
    const firing = await settledFiring(message.id, FLOW_TRIGGERS.read);
    expect(firing).toMatchObject({ state: "fired", attempts: 1 });
    // Every duplicate has been posted (and answered) by now.
    await waitFor(async () => (pipeline.sandbox.callbacks().pending === 0 ? true : undefined), 30_000, "the sandbox's callbacks");
    await pipeline.app.inboxSettled();
    const kaleyraId = (await pipeline.db.query<{ kaleyraMessageId: string }>(`SELECT "kaleyraMessageId" FROM "Message" WHERE "id" = ?`, [message.id]))[0]?.kaleyraMessageId;
    const reads = pipeline.sandbox.callbacks().posted.filter((posted) => posted.messageId === kaleyraId && posted.status === "read");
    expect(reads.map((posted) => posted.httpStatus)).toEqual([200, 200]);

    expect((await firingsOfMessage(pipeline.db, message.id)).map((row) => row.trigger)).toEqual([FLOW_TRIGGERS.read]);
    const sent = requestsFor(orderId);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ handle: "whatsapp-message-read", accessToken: TOKEN, payload: { order_id: Number(orderId), "Order status": "processing" } });
  });

  it("GIVEN a second read receipt with an earlier time (it changes the message) THEN still one firing", async () => {
    startFlowWorker();
    const message = await sentMessage();
    await postCallback(kaleyraStatusCallback({ status: "read", timestamp: "1764669630", ref: refFor(message.id) }));
    await postCallback(kaleyraStatusCallback({ status: "read", timestamp: "1764669620", ref: refFor(message.id) }));
    await pipeline.app.inboxSettled();
    const [row] = await pipeline.db.query<{ readAt: Date | string }>(`SELECT "readAt" FROM "Message" WHERE "id" = ?`, [message.id]);
    expect(new Date(row!.readAt).toISOString()).toBe(new Date(1_764_669_620_000).toISOString());
    expect(await settledFiring(message.id, FLOW_TRIGGERS.read)).toMatchObject({ state: "fired" });
    expect(await firingsOfMessage(pipeline.db, message.id)).toHaveLength(1);
    expect(requestsFor(message.orderId)).toHaveLength(1);
  });
});

describe("Shopify's errors", () => {
  it("GIVEN Shopify answers 503, then THROTTLED WHEN the trigger fires THEN it is retried and fires once", async () => {
    const message = await sentMessage();
    planned.set(message.orderId, [
      { statusCode: 503, data: { errors: "Service Unavailable" } },
      { statusCode: 200, data: { errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }] } },
    ]);
    startFlowWorker();
    await postCallback(kaleyraStatusCallback({ status: "read", ref: refFor(message.id) }));
    const firing = await settledFiring(message.id, FLOW_TRIGGERS.read);
    expect(firing).toMatchObject({ state: "fired", attempts: 3, lastError: null });
    expect(firing.firedAt).not.toBeNull();
    expect(requestsFor(message.orderId)).toHaveLength(3);
  });

  it("GIVEN userErrors Shopify will not change its mind about THEN not fired, with Shopify's words, and not retried", async () => {
    const message = await sentMessage();
    planned.set(message.orderId, [{ statusCode: 200, data: { data: { flowTriggerReceive: { userErrors: [{ field: ["handle"], message: "Invalid handle" }] } } } }]);
    startFlowWorker();
    await postCallback(kaleyraStatusCallback({ status: "read", ref: refFor(message.id) }));
    expect(await settledFiring(message.id, FLOW_TRIGGERS.read)).toMatchObject({ state: "not_fired", attempts: 1, lastError: "Shopify refused the trigger: Invalid handle" });
    expect(requestsFor(message.orderId)).toHaveLength(1);
  });
});

describe("the connection to Shopify", () => {
  it("GIVEN Shopify refuses the connection twice THEN the trigger is retried (nothing was sent) and fires on the third call", async () => {
    startFlowWorker();
    const message = await sentMessage(REFUSING_SHOP);
    await postCallback(kaleyraStatusCallback({ status: "read", ref: refFor(message.id) }), await issueCallbackCredentials(pipeline.db, REFUSING_SHOP, new Date()));
    expect(await settledFiring(message.id, FLOW_TRIGGERS.read)).toMatchObject({ state: "fired", attempts: 3 });
    expect(requestsFor(message.orderId)).toHaveLength(1);
  });

  it("GIVEN the connection breaks during the call THEN Shopify may have taken it: unknown, with the reason, and never called again", async () => {
    startFlowWorker();
    const message = await sentMessage(CUTTING_SHOP);
    await postCallback(kaleyraStatusCallback({ status: "read", ref: refFor(message.id) }), await issueCallbackCredentials(pipeline.db, CUTTING_SHOP, new Date()));
    expect(await settledFiring(message.id, FLOW_TRIGGERS.read)).toMatchObject({
      state: "unknown",
      attempts: 1,
      lastError: "the connection to Shopify failed during the call (ECONNRESET); Shopify may have run the workflows, so it is not fired again",
    });
    // A later firing of the same shop goes out: the first one was not called again meanwhile.
    const later = await sentMessage(CUTTING_SHOP);
    await postCallback(kaleyraStatusCallback({ status: "read", ref: refFor(later.id) }), await issueCallbackCredentials(pipeline.db, CUTTING_SHOP, new Date()));
    expect(await settledFiring(later.id, FLOW_TRIGGERS.read)).toMatchObject({ state: "fired", attempts: 1 });
    expect(requestsFor(message.orderId)).toHaveLength(0);
  });
});

describe("a worker that stops mid-call", () => {
  it("GIVEN the call reached Shopify WHEN the worker stops before recording it THEN after a restart it is not fired again, and says why", async () => {
    const message = await sentMessage();
    let release: (error: Error) => void = () => undefined;
    const stopped = new Promise<never>((_resolve, reject) => (release = reject));
    stopped.catch(() => undefined);
    // The call goes out and is answered; the process "dies" before it records anything.
    const dying: FireFlowTrigger = async (shop, handle, payload) => {
      await realFire(shop, handle, payload);
      return stopped;
    };
    // The crashed worker: a lease of 1 s, so that the restarted one meets the firing it left.
    startFlowWorker(dying, 1000);
    try {
      await postCallback(kaleyraStatusCallback({ status: "read", ref: refFor(message.id) }));
      await waitFor(async () => (requestsFor(message.orderId).length > 0 ? true : undefined), 30_000, "the call to reach Shopify");

      startFlowWorker();
      const firing = await settledFiring(message.id, FLOW_TRIGGERS.read);
      expect(firing).toMatchObject({ state: "unknown", attempts: 1, lastError: LAPSED_REASON });
      // The restarted worker keeps firing others, and never this one again.
      const other = await sentMessage();
      await postCallback(kaleyraStatusCallback({ status: "read", ref: refFor(other.id) }));
      expect(await settledFiring(other.id, FLOW_TRIGGERS.read)).toMatchObject({ state: "fired" });
      expect(requestsFor(message.orderId)).toHaveLength(1);
    } finally {
      // Lets the dead worker's pass end (it records nothing) so that it can be stopped.
      release(new Error("the process was gone"));
    }
  });
});

describe("shops Flow cannot be told about", () => {
  it("GIVEN a shop without an offline session, and one that uninstalled the app THEN nothing is fired and each firing says why", async () => {
    startFlowWorker();
    const noSession = await sentMessage(NO_SESSION_SHOP);
    const uninstalled = await sentMessage(UNINSTALLED_SHOP);
    for (const [shop, message] of [[NO_SESSION_SHOP, noSession], [UNINSTALLED_SHOP, uninstalled]] as const) {
      const auth = await issueCallbackCredentials(pipeline.db, shop, new Date());
      await postCallback(failedCallback(message.id, 131049), auth);
    }
    expect(await settledFiring(noSession.id, FLOW_TRIGGERS.failed)).toMatchObject({
      state: "not_fired",
      lastError: "the shop has no offline session (the app must be installed again)",
    });
    expect(await settledFiring(uninstalled.id, FLOW_TRIGGERS.failed)).toMatchObject({ state: "not_fired", lastError: "the app is not installed on the shop" });
    expect(requests.filter((request) => [NO_SESSION_SHOP, UNINSTALLED_SHOP].includes(request.shop))).toEqual([]);
  });
});

describe("redaction", () => {
  it("GIVEN firings WHEN customers/redact names an order, and shop/redact a shop THEN their firings are deleted, the others kept", async () => {
    const redacted = await sentMessage();
    const kept = await sentMessage();
    const gone = await sentMessage(NO_SESSION_SHOP);
    const goneAuth = await issueCallbackCredentials(pipeline.db, NO_SESSION_SHOP, new Date());
    for (const message of [redacted, kept]) await postCallback(failedCallback(message.id, 131049));
    await postCallback(failedCallback(gone.id, 131049), goneAuth);
    await pipeline.app.inboxSettled();
    for (const message of [redacted, kept, gone]) expect(await firingsOfMessage(pipeline.db, message.id)).toHaveLength(1);

    await pipeline.accept("customers/redact", { shop_id: 1, shop_domain: SHOP, customer: { id: 5 }, orders_to_redact: [redacted.orderId] });
    const shopRedact = await postWebhook(pipeline.app.url, { topic: "shop/redact", shop: NO_SESSION_SHOP, body: { shop_id: 2, shop_domain: NO_SESSION_SHOP } });
    expect(shopRedact.status).toBe(200);
    await pipeline.app.inboxSettled();
    expect(await firingsOfMessage(pipeline.db, redacted.id)).toEqual([]);
    expect(await firingsOfMessage(pipeline.db, gone.id)).toEqual([]);
    expect(await firingsOfMessage(pipeline.db, kept.id)).toHaveLength(1);
  });
});
