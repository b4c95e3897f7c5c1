import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LINE_A, LINE_B, SHIPPING_PHONE_E164 } from "../app/orders/__fixtures__/lifecycle";
import { atLimit } from "../app/kaleyra/__fixtures__/scripts";
import { LIMITS } from "../app/kaleyra/limits";
import { resumeShop } from "../app/outbox/pause.server";
import { SHOP_CACHE_MS } from "../app/outbox/worker.server";
import { encryptSecret } from "../app/crypto/secrets.server";
import { ACCOUNT } from "./factories";
import { ALL_LINES, orderSequence, SHOP, startPipeline, type Pipeline } from "./helpers/pipeline";
import { waitFor } from "./helpers/process";

/**
 * The order-status pipeline end to end: signed webhooks over HTTP into the production build,
 * a real database, the delivery worker, and the Kaleyra sandbox over HTTP. Each case uses its
 * own order id and asserts exactly which messages the sandbox received, in order.
 */
let pipeline: Pipeline;
const newOrder = orderSequence(5000);

beforeAll(async () => {
  pipeline = await startPipeline();
});

afterAll(async () => {
  await pipeline?.stop();
});

describe("order-status pipeline", () => {
  it("GIVEN an order shipped in one fulfillment THEN processing then shipped", async () => {
    const order = newOrder();
    await pipeline.accept("orders/create", order.created());
    await pipeline.accept("fulfillments/create", order.fulfillment({ id: `${order.id}1`, status: "success", lines: ALL_LINES, created: 10 }));
    await pipeline.settle();
    expect(pipeline.statusesFor(order.id)).toEqual(["processing", "shipped"]);
    const sent = pipeline.sandbox.received.filter((m) => JSON.stringify(m.body).includes(`"reference_id":"${order.id}"`));
    expect(sent.map((m) => (m.body as { messaging_object: { to: string } }).messaging_object.to)).toEqual([
      SHIPPING_PHONE_E164,
      SHIPPING_PHONE_E164,
    ]);
    expect(sent.every((m) => m.waSource === "shopify" && !m.refTruncated)).toBe(true);
  });

  it("GIVEN a split shipment in two parts THEN processing, partially_shipped, shipped", async () => {
    const order = newOrder();
    await pipeline.accept("orders/create", order.created());
    await pipeline.accept("fulfillments/create", order.fulfillment({ id: `${order.id}1`, status: "success", lines: [[LINE_A, 2]], created: 10 }));
    await pipeline.accept("fulfillments/create", order.fulfillment({ id: `${order.id}2`, status: "success", lines: [[LINE_B, 1]], created: 20 }));
    await pipeline.settle();
    expect(pipeline.statusesFor(order.id)).toEqual(["processing", "partially_shipped", "shipped"]);
  });

  it("GIVEN a shipped order WHEN it is delivered (shipment_status, then an event) THEN completed once", async () => {
    const order = newOrder();
    const shipped = { id: `${order.id}1`, status: "success", lines: ALL_LINES, created: 10 };
    await pipeline.accept("orders/create", order.created());
    await pipeline.accept("fulfillments/create", order.fulfillment(shipped));
    await pipeline.accept("fulfillments/update", order.fulfillment({ ...shipped, updated: 60, shipmentStatus: "delivered" }));
    await pipeline.accept("fulfillment_events/create", order.event({ id: `${order.id}9`, fulfillmentId: shipped.id, status: "delivered", happened: 61 }));
    await pipeline.settle();
    expect(pipeline.statusesFor(order.id)).toEqual(["processing", "shipped", "completed"]);
  });

  it("GIVEN a cancellation before shipping THEN processing then cancelled, and nothing after", async () => {
    const order = newOrder();
    await pipeline.accept("orders/create", order.created());
    await pipeline.accept("orders/cancelled", order.cancelled(5));
    await pipeline.accept("fulfillments/create", order.fulfillment({ id: `${order.id}1`, status: "success", lines: ALL_LINES, created: 10 }));
    await pipeline.settle();
    expect(pipeline.statusesFor(order.id)).toEqual(["processing", "cancelled"]);
  });

  it("GIVEN a cancellation after shipping THEN processing, shipped, cancelled", async () => {
    const order = newOrder();
    await pipeline.accept("orders/create", order.created());
    await pipeline.accept("fulfillments/create", order.fulfillment({ id: `${order.id}1`, status: "success", lines: ALL_LINES, created: 10 }));
    await pipeline.accept("orders/cancelled", order.cancelled(30));
    await pipeline.settle();
    expect(pipeline.statusesFor(order.id)).toEqual(["processing", "shipped", "cancelled"]);
  });

  it("GIVEN a cancelled fulfillment THEN it sends nothing by itself", async () => {
    const order = newOrder();
    await pipeline.accept("orders/create", order.created());
    await pipeline.accept("fulfillments/create", order.fulfillment({ id: `${order.id}1`, status: "cancelled", lines: ALL_LINES, created: 10 }));
    await pipeline.settle();
    expect(pipeline.statusesFor(order.id)).toEqual(["processing"]);
  });

  it("GIVEN the same event delivered twice THEN one message", async () => {
    const order = newOrder();
    const body = order.created();
    await pipeline.accept("orders/create", body, { eventId: `evt-${order.id}` });
    await pipeline.accept("orders/create", body, { eventId: `evt-${order.id}` });
    await pipeline.settle();
    expect(pipeline.statusesFor(order.id)).toEqual(["processing"]);
    const events = await pipeline.db.query(`SELECT "id" FROM "WebhookEvent" WHERE "eventKey" = ?`, [`event:evt-${order.id}`]);
    expect(events).toHaveLength(1);
  });

  it("GIVEN 20 concurrent deliveries of one event THEN one message", async () => {
    const order = newOrder();
    await pipeline.accept("orders/create", order.created(), { eventId: `evt-${order.id}-create` });
    await pipeline.settle();
    const body = order.fulfillment({ id: `${order.id}1`, status: "success", lines: ALL_LINES, created: 10 });
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => pipeline.post("fulfillments/create", body, { eventId: `evt-${order.id}-ship` })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    await pipeline.settle();
    expect(pipeline.statusesFor(order.id)).toEqual(["processing", "shipped"]);
  });

  it("GIVEN different events that mean the same message, concurrently THEN one message", async () => {
    const order = newOrder();
    await pipeline.accept("orders/create", order.created({ }), { eventId: `evt-${order.id}-c` });
    const delivered = { id: `${order.id}1`, status: "success", lines: ALL_LINES, created: 10, updated: 50, shipmentStatus: "delivered" };
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => pipeline.post("fulfillments/update", order.fulfillment(delivered), { eventId: `evt-${order.id}-${i}` })),
    );
    await pipeline.settle();
    expect(pipeline.statusesFor(order.id)).toEqual(["processing", "completed"]);
  });

  it("GIVEN events in reversed order THEN only forward moves are sent", async () => {
    const order = newOrder();
    const f1 = { id: `${order.id}1`, status: "success", lines: ALL_LINES, created: 10 };
    await pipeline.accept("fulfillments/update", order.fulfillment({ ...f1, updated: 60, shipmentStatus: "delivered" }));
    await pipeline.accept("fulfillments/create", order.fulfillment(f1));
    await pipeline.accept("orders/create", order.created());
    await pipeline.settle();
    // The first event alone lacks the order's line items: it is deferred until the order is
    // known (here: orders/create arrives), then the highest status is sent, once.
    expect(pipeline.statusesFor(order.id)).toEqual(["completed"]);
  });

  it("GIVEN a late in_transit event after completed THEN nothing more", async () => {
    const order = newOrder();
    const f1 = { id: `${order.id}1`, status: "success", lines: ALL_LINES, created: 10 };
    await pipeline.accept("orders/create", order.created());
    await pipeline.accept("fulfillments/update", order.fulfillment({ ...f1, updated: 60, shipmentStatus: "delivered" }));
    await pipeline.settle();
    await pipeline.accept("fulfillments/update", order.fulfillment({ ...f1, updated: 30, shipmentStatus: "in_transit" }));
    await pipeline.accept("fulfillment_events/create", order.event({ id: `${order.id}8`, fulfillmentId: f1.id, status: "in_transit", happened: 30 }));
    await pipeline.settle();
    expect(pipeline.statusesFor(order.id)).toEqual(["processing", "completed"]);
  });

  it("GIVEN an order without any valid phone THEN the message is skipped with the reason and nothing is sent", async () => {
    const order = newOrder();
    await pipeline.accept(
      "orders/create",
      order.created({ phone: null, customer: null, billing_address: null, shipping_address: { phone: "555-555-SHIP", country_code: "US" } }),
    );
    await pipeline.settle();
    expect(pipeline.statusesFor(order.id)).toEqual([]);
    const rows = await pipeline.db.query<{ state: string; skipReason: string }>(
      `SELECT "state", "skipReason" FROM "Message" WHERE "orderId" = ?`,
      [order.id],
    );
    expect(rows).toEqual([{ state: "skipped", skipReason: expect.stringMatching(/^no WhatsApp number for the buyer: the shipping address phone is not a valid phone number for US; there is no phone on the order/) }]);
  });

  it("GIVEN an emoji-heavy name and a tracking link too long for the body WHEN shipped THEN the text sent fits every count, the link's line is dropped whole and the link is in the log", async () => {
    const order = newOrder();
    const url = `https://carrier.example/track/${"z".repeat(1_100)}`;
    const firstName = atLimit("emoji", LIMITS.bodyText);
    const sample = order.created();
    const customer = { ...(sample.customer as Record<string, unknown>), first_name: firstName };
    const requestsBefore = pipeline.sandbox.stats().requests;
    const acceptedBefore = pipeline.sandbox.stats().accepted;
    await pipeline.accept("orders/create", order.created({ customer }));
    await pipeline.accept(
      "fulfillments/create",
      order.fulfillment({ id: `${order.id}1`, status: "success", lines: ALL_LINES, created: 10, tracking: { company: "Blue Dart", number: "BD1", url } }),
    );
    await pipeline.settle();
    expect(pipeline.statusesFor(order.id)).toEqual(["processing", "shipped"]);
    // Every request reached the sandbox's strict check and was accepted: none was refused with WA400.
    expect(pipeline.sandbox.stats().requests - requestsBefore).toBe(2);
    expect(pipeline.sandbox.stats().accepted - acceptedBefore).toBe(2);
    const shipped = pipeline.sandbox.received.find(
      (m) => JSON.stringify(m.body).includes(`"reference_id":"${order.id}"`) && JSON.stringify(m.body).includes('"status":"shipped"'),
    );
    const text = (shipped!.body as { messaging_object: { interactive: { body: { text: string } } } }).messaging_object.interactive.body.text;
    expect(Math.max([...new Intl.Segmenter("en", { granularity: "grapheme" }).segment(text)].length, [...text].length, text.length)).toBeLessThanOrEqual(LIMITS.bodyText);
    expect(text).not.toContain("carrier.example");
    expect(text).toContain("Tracking number: BD1");
    const rows = await pipeline.db.query<{ omittedLinks: string | null }>(
      `SELECT "omittedLinks" FROM "Message" WHERE "orderId" = ? AND "orderStatus" = 'shipped'`,
      [order.id],
    );
    expect(rows).toEqual([{ omittedLinks: url }]);
  });

  it("GIVEN Kaleyra failing with WA500 WHEN it recovers THEN the message is delivered once", async () => {
    const order = newOrder();
    pipeline.sandbox.setFaults({ failNext: 2 });
    await pipeline.accept("orders/create", order.created());
    await pipeline.settle();
    expect(pipeline.statusesFor(order.id)).toEqual(["processing"]);
    const rows = await pipeline.db.query<{ attempts: number; state: string }>(
      `SELECT "attempts", "state" FROM "Message" WHERE "orderId" = ?`,
      [order.id],
    );
    expect(rows.map((r) => [Number(r.attempts), r.state])).toEqual([[3, "sent"]]);
  });

  it("GIVEN wrong credentials WHEN the merchant fixes them THEN the paused message is sent, attempts unburnt", async () => {
    const order = newOrder();
    const key = process.env.ENCRYPTION_KEY ?? "";
    await pipeline.db.execute(`UPDATE "Shop" SET "apiKeyCipher" = ? WHERE "domain" = ?`, [encryptSecret("wrong-key", key), SHOP]);
    // The worker reads a shop's settings at most this long after they change.
    await new Promise((resolve) => setTimeout(resolve, SHOP_CACHE_MS + 100));
    await pipeline.accept("orders/create", order.created());
    await waitFor(async () => {
      const rows = await pipeline.db.query<{ pausedReason: string | null; pausedCode: string | null }>(
        `SELECT "pausedReason", "pausedCode" FROM "Shop" WHERE "domain" = ?`,
        [SHOP],
      );
      return rows[0]?.pausedReason === "config_error" ? rows[0] : undefined;
    });
    const paused = await pipeline.db.query<{ state: string; attempts: number; lastCode: string }>(
      `SELECT "state", "attempts", "lastCode" FROM "Message" WHERE "orderId" = ?`,
      [order.id],
    );
    expect(paused.map((r) => [r.state, Number(r.attempts), r.lastCode])).toEqual([["paused", 0, "RBC001"]]);
    expect(pipeline.statusesFor(order.id)).toEqual([]);

    await pipeline.db.execute(`UPDATE "Shop" SET "apiKeyCipher" = ? WHERE "domain" = ?`, [encryptSecret(ACCOUNT.apiKey, key), SHOP]);
    await pipeline.db.transaction((tx) => resumeShop(tx, SHOP, new Date()));
    await pipeline.settle();
    expect(pipeline.statusesFor(order.id)).toEqual(["processing"]);
  });

  it("GIVEN the app uninstalled WHEN a late webhook arrives THEN 200, kept as ignored, nothing queued", async () => {
    const order = newOrder();
    await pipeline.accept("app/uninstalled", { id: 1, domain: SHOP });
    const response = await pipeline.post("orders/create", order.created(), { eventId: `evt-${order.id}-late` });
    expect(response.status).toBe(200);
    const events = await pipeline.db.query<{ outcome: string; reason: string }>(
      `SELECT "outcome", "reason" FROM "WebhookEvent" WHERE "eventKey" = ?`,
      [`event:evt-${order.id}-late`],
    );
    expect(events).toEqual([{ outcome: "ignored", reason: "the shop has uninstalled the app" }]);
    const messages = await pipeline.db.query(`SELECT "id" FROM "Message" WHERE "orderId" = ?`, [order.id]);
    expect(messages).toHaveLength(0);
  });
});
