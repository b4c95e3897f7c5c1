import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LINE_A, LINE_B, lineItem, orderPayload, refund, SHIPPING_PHONE_E164 } from "../app/orders/__fixtures__/lifecycle";
import { storeOfflineSession } from "./browser/support/shopify-session";
import { AdminClient, jsonOf } from "./forms/support/http";
import { ALL_LINES, orderSequence, SHOP, startPipeline, type Pipeline } from "./helpers/pipeline";

/**
 * Order shapes a real store produces, end to end: signed webhooks over HTTP into the
 * production build, a real database, the delivery worker and the Kaleyra sandbox. Each case
 * has its own order id and asserts exactly what the sandbox received for it, in order.
 */
let pipeline: Pipeline;
const newOrder = orderSequence(7000);

beforeAll(async () => {
  pipeline = await startPipeline();
  await storeOfflineSession(SHOP);
});

afterAll(async () => {
  await pipeline?.stop();
});

const BUYER_PHONE = "+91 98765 43210";
const BUYER_E164 = "+919876543210";
const RECIPIENT_PHONE = "07400 123456"; // the gift recipient's, GB
const RECIPIENT_E164 = "+447400123456";

/** [status, to, body text] of every message the sandbox accepted for the order, in order. */
function receivedFor(orderId: string): Array<[string, string, string]> {
  return pipeline.sandbox.received
    .map((m) => m.body as { messaging_object: { to: string; interactive: { body: { text: string }; action: { parameters: { reference_id: string; order: { status: string } } } } } })
    .filter((b) => b.messaging_object.interactive.action.parameters.reference_id === orderId)
    .map((b) => [b.messaging_object.interactive.action.parameters.order.status, b.messaging_object.to, b.messaging_object.interactive.body.text]);
}

async function messagesOf(orderId: string) {
  return pipeline.db.query<{ id: string; orderStatus: string; state: string; skipReason: string | null }>(
    `SELECT "id", "orderStatus", "state", "skipReason" FROM "Message" WHERE "orderId" = ? ORDER BY "createdAt"`,
    [orderId],
  );
}

async function setInPersonSales(value: "nothing" | "completed"): Promise<void> {
  await pipeline.db.execute(`UPDATE "Shop" SET "inPersonSales" = ? WHERE "domain" = ?`, [value, SHOP]);
}

const withoutB = { line_items: [lineItem(LINE_A, 2), lineItem(LINE_B, 1, { current_quantity: 0, fulfillable_quantity: 0 })] };

async function setGiftRecipients(value: "buyer" | "also" | "instead"): Promise<void> {
  await pipeline.db.execute(`UPDATE "Shop" SET "giftRecipients" = ? WHERE "domain" = ?`, [value, SHOP]);
}

describe("gift orders", () => {
  function giftOrder() {
    const sample = orderPayload();
    return newOrder({
      phone: null,
      customer: { ...(sample.customer as object), first_name: "Asha", last_name: "Rao", phone: null, default_address: null },
      billing_address: { ...(sample.billing_address as object), first_name: "Asha", last_name: "Rao", name: "Asha Rao", phone: BUYER_PHONE, country_code: "IN", country: "India" },
      shipping_address: { ...(sample.shipping_address as object), first_name: "Priya", last_name: "Shah", name: "Priya Shah", phone: RECIPIENT_PHONE, country_code: "GB", country: "United Kingdom" },
    });
  }

  /** Placed, shipped in one parcel, each webhook delivered twice (Shopify retries). */
  async function placeAndShip(order: ReturnType<typeof giftOrder>): Promise<void> {
    const shipment = order.fulfillment({ id: `${order.id}1`, status: "success", lines: ALL_LINES, created: 10 });
    for (const [topic, body] of [["orders/create", order.created()], ["fulfillments/create", shipment]] as const) {
      await pipeline.accept(topic, body);
      await pipeline.accept(topic, body);
    }
    await pipeline.settle();
  }

  async function audiencesOf(orderId: string) {
    return pipeline.db.query<{ orderStatus: string; audience: string; state: string }>(
      `SELECT "orderStatus", "audience", "state" FROM "Message" WHERE "orderId" = ? ORDER BY "createdAt"`,
      [orderId],
    );
  }

  it("GIVEN a gift (buyer Asha's phone on the billing address, recipient Priya's on the shipping address) THEN only Asha is told, by her name", async () => {
    const order = giftOrder();
    await pipeline.accept("orders/create", order.created());
    await pipeline.accept("fulfillments/create", order.fulfillment({ id: `${order.id}1`, status: "success", lines: ALL_LINES, created: 10 }));
    await pipeline.settle();

    const received = receivedFor(order.id);
    expect(received.map(([status, to]) => [status, to])).toEqual([
      ["processing", BUYER_E164],
      ["shipped", BUYER_E164],
    ]);
    expect(received.every(([, , text]) => text.startsWith("Hi Asha,"))).toBe(true);
    expect(pipeline.sandbox.received.some((m) => JSON.stringify(m.body).includes(RECIPIENT_E164))).toBe(false);
  });

  it("GIVEN the shop tells the recipient as well WHEN the gift is placed and shipped, each webhook twice THEN Asha and Priya each get each message once, Priya's worded for her", async () => {
    await setGiftRecipients("also");
    try {
      const order = giftOrder();
      await placeAndShip(order);

      const received = receivedFor(order.id);
      expect(received.map(([status, to]) => [status, to])).toEqual([
        ["processing", BUYER_E164],
        ["processing", RECIPIENT_E164],
        ["shipped", BUYER_E164],
        ["shipped", RECIPIENT_E164],
      ]);
      const [buyerProcessing, recipientProcessing, , recipientShipped] = received.map(([, , text]) => text);
      expect(buyerProcessing).toMatch(/^Hi Asha,\nThank you for your order/);
      expect(recipientProcessing).toBe(
        "Hello,\nAn order from Test Shop is being prepared for you. We'll let you know as soon as it's on its way.",
      );
      expect(recipientShipped).toMatch(/^Hello,\nGood news: an order from Test Shop is on its way to you\.\nCarrier: /);
      for (const text of [recipientProcessing, recipientShipped]) {
        expect(text).not.toMatch(/your order|Asha|https:\/\/.*\/orders\//);
      }
      expect(await audiencesOf(order.id)).toEqual([
        { orderStatus: "processing", audience: "buyer", state: "sent" },
        { orderStatus: "processing", audience: "gift_recipient", state: "sent" },
        { orderStatus: "shipped", audience: "buyer", state: "sent" },
        { orderStatus: "shipped", audience: "gift_recipient", state: "sent" },
      ]);
    } finally {
      await setGiftRecipients("buyer");
    }
  });

  it("GIVEN the shop tells the recipient instead WHEN the gift is placed and shipped, each webhook twice THEN only Priya is told, once each, worded for her", async () => {
    await setGiftRecipients("instead");
    try {
      const order = giftOrder();
      await placeAndShip(order);

      const received = receivedFor(order.id);
      expect(received.map(([status, to]) => [status, to])).toEqual([
        ["processing", RECIPIENT_E164],
        ["shipped", RECIPIENT_E164],
      ]);
      expect(received.every(([, , text]) => text.startsWith("Hello,\n") && !/your order/i.test(text))).toBe(true);
      expect(JSON.stringify(pipeline.sandbox.received.filter((m) => JSON.stringify(m.body).includes(`"reference_id":"${order.id}"`)))).not.toContain(BUYER_E164);
      expect((await audiencesOf(order.id)).map((m) => m.audience)).toEqual(["gift_recipient", "gift_recipient"]);
    } finally {
      await setGiftRecipients("buyer");
    }
  });
});

describe("counter sales (Shopify POS)", () => {
  const pos = { source_name: "pos", shipping_address: null, shipping_lines: [], fulfillment_status: "fulfilled" };

  function counterSale() {
    const order = newOrder({ ...pos, phone: BUYER_PHONE, billing_address: null });
    const fulfilled = order.fulfillment({ id: `${order.id}1`, status: "success", lines: ALL_LINES, created: 0, tracking: null });
    return { order, fulfilled };
  }

  it("GIVEN the default WHEN a POS sale arrives already fulfilled THEN nothing is sent and the reason is kept", async () => {
    const { order, fulfilled } = counterSale();
    await pipeline.accept("orders/create", order.created({ fulfillments: [fulfilled] }));
    await pipeline.accept("fulfillments/create", fulfilled);
    await pipeline.accept("orders/updated", order.updated(1, { fulfillments: [fulfilled] }));
    await pipeline.settle();

    expect(receivedFor(order.id)).toEqual([]);
    expect(await messagesOf(order.id)).toEqual([]);
    const events = await pipeline.db.query<{ reason: string }>(`SELECT "reason" FROM "WebhookEvent" WHERE "orderId" = ? AND "topic" IN ('orders/create', 'ORDERS_CREATE')`, [order.id]);
    expect(events[0]?.reason).toMatch(/sold in person \(POS\)/);
  });

  it("GIVEN the shop sends one completed for counter sales WHEN a POS sale arrives THEN one thank-you is sent", async () => {
    await setInPersonSales("completed");
    try {
      const { order, fulfilled } = counterSale();
      await pipeline.accept("orders/create", order.created({ fulfillments: [fulfilled] }));
      await pipeline.accept("fulfillments/create", fulfilled);
      await pipeline.accept("orders/updated", order.updated(1, { fulfillments: [fulfilled] }));
      await pipeline.settle();

      const received = receivedFor(order.id);
      expect(received.map(([status, to]) => [status, to])).toEqual([["completed", BUYER_E164]]);
      expect(received[0]?.[2]).toContain("Thank you for your purchase");
      expect(received[0]?.[2]).not.toMatch(/deliver|on its way/);
    } finally {
      await setInPersonSales("nothing");
    }
  });
});

describe("local pickup", () => {
  it("GIVEN a pickup order WHEN the fulfillment is ready for pickup, then picked up THEN ready for pickup, then picked up, never on its way", async () => {
    const sample = orderPayload();
    const pickupLine = { ...(sample.shipping_lines as Array<Record<string, unknown>>)[0], title: "Pickup at Main Street", code: "Main Street", delivery_category: "pick-up" };
    const order = newOrder({ shipping_address: null, shipping_lines: [pickupLine], phone: BUYER_PHONE });
    const id = `${order.id}1`;
    await pipeline.accept("orders/create", order.created());
    await pipeline.accept("fulfillments/create", order.fulfillment({ id, status: "success", lines: ALL_LINES, created: 10, shipmentStatus: "ready_for_pickup", tracking: null }));
    await pipeline.settle();
    await pipeline.accept("fulfillment_events/create", order.event({ id: `${order.id}9`, fulfillmentId: id, status: "picked_up", happened: 60 }));
    await pipeline.settle();

    const received = receivedFor(order.id);
    expect(received.map(([status, to]) => [status, to])).toEqual([
      ["processing", BUYER_E164],
      ["shipped", BUYER_E164],
      ["completed", BUYER_E164],
    ]);
    expect(received[1]?.[2]).toContain("is ready for pickup");
    expect(received[2]?.[2]).toContain("has been picked up");
    expect(received.some(([, , text]) => /on its way|delivered/.test(text))).toBe(false);
  });
});

describe("order edits and refunds", () => {
  it("GIVEN A shipped as a partial shipment WHEN an edit removes B, a no-op update comes, and A is delivered THEN shipped then completed", async () => {
    const order = newOrder();
    await pipeline.accept("orders/create", order.created());
    await pipeline.accept("fulfillments/create", order.fulfillment({ id: `${order.id}1`, status: "success", lines: [[LINE_A, 2]], created: 10 }));
    await pipeline.settle();
    await pipeline.accept("orders/updated", order.updated(20, withoutB));
    await pipeline.accept("orders/updated", order.updated(25, { ...withoutB, tags: "vip" }));
    await pipeline.settle();
    await pipeline.accept("fulfillment_events/create", order.event({ id: `${order.id}9`, fulfillmentId: `${order.id}1`, status: "delivered", happened: 40 }));
    await pipeline.settle();

    expect(receivedFor(order.id).map(([status, to]) => [status, to])).toEqual([
      ["processing", SHIPPING_PHONE_E164],
      ["partially_shipped", SHIPPING_PHONE_E164],
      ["shipped", SHIPPING_PHONE_E164],
      ["completed", SHIPPING_PHONE_E164],
    ]);
    const events = await pipeline.db.query<{ reason: string }>(
      `SELECT "reason" FROM "WebhookEvent" WHERE "orderId" = ? AND "topic" IN ('orders/updated', 'ORDERS_UPDATED') ORDER BY "receivedAt"`,
      [order.id],
    );
    expect(events.map((e) => e.reason)).toEqual(["everything has shipped", "orders/updated changed nothing the app uses"]);
  });

  it("GIVEN A shipped as a partial shipment WHEN the unshipped B is refunded THEN shipped is sent", async () => {
    const order = newOrder();
    await pipeline.accept("orders/create", order.created());
    await pipeline.accept("fulfillments/create", order.fulfillment({ id: `${order.id}1`, status: "success", lines: [[LINE_A, 2]], created: 10 }));
    await pipeline.settle();
    await pipeline.accept("orders/updated", order.updated(20, { ...withoutB, refunds: [refund(LINE_B, 1)], financial_status: "partially_refunded" }));
    await pipeline.settle();

    expect(pipeline.statusesFor(order.id)).toEqual(["processing", "partially_shipped", "shipped"]);
  });
});

describe("replacement fulfillments", () => {
  it("GIVEN shipped with a wrong tracking number WHEN it is cancelled and replaced THEN shipped again with the new tracking, once", async () => {
    const order = newOrder();
    const first = `${order.id}1`;
    const second = `${order.id}2`;
    await pipeline.accept("orders/create", order.created());
    await pipeline.accept("fulfillments/create", order.fulfillment({ id: first, status: "success", lines: ALL_LINES, created: 10 }));
    await pipeline.settle();
    await pipeline.accept("fulfillments/update", order.fulfillment({ id: first, status: "cancelled", lines: ALL_LINES, created: 10, updated: 20 }));
    await pipeline.accept("fulfillments/create", order.fulfillment({ id: second, status: "success", lines: ALL_LINES, created: 21 }));
    await pipeline.accept("fulfillments/update", order.fulfillment({ id: second, status: "success", lines: ALL_LINES, created: 21, updated: 22 }));
    await pipeline.settle();

    const received = receivedFor(order.id);
    expect(received.map(([status]) => status)).toEqual(["processing", "shipped", "shipped"]);
    expect(received[1]?.[2]).toContain(`1Z${first}`);
    expect(received[2]?.[2]).toContain(`1Z${second}`);
    expect(received[2]?.[2]).not.toContain(`1Z${first}`);
  });
});

describe("contact changes", () => {
  it("GIVEN processing skipped for want of a phone WHEN the phone is added to the order and the message retried THEN it is sent", async () => {
    const sample = orderPayload();
    const noPhones = {
      phone: null,
      customer: { ...(sample.customer as object), phone: null, default_address: null },
      billing_address: { ...(sample.billing_address as object), phone: null },
      shipping_address: { ...(sample.shipping_address as object), phone: null },
    };
    const order = newOrder(noPhones);
    await pipeline.accept("orders/create", order.created());
    await pipeline.settle();
    const [skipped] = await messagesOf(order.id);
    expect(skipped).toMatchObject({ orderStatus: "processing", state: "skipped" });
    expect(skipped?.skipReason).toMatch(/^no WhatsApp number for the buyer: there is no phone on the order, the customer/);

    await pipeline.accept("orders/updated", order.updated(5, { phone: BUYER_PHONE }));
    const admin = new AdminClient(pipeline.app.url, SHOP);
    const detail = jsonOf<{ message: { help: { explanation: string; action: string } } }>(
      await admin.load(`/app/messages/${skipped?.id}`, "routes/app.messages.$id"),
    );
    expect(detail.message.help.explanation).toMatch(/The phone number was updated on \d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC\.$/);
    expect(detail.message.help.action).toBe("Retry to send it to the updated number.");

    const retried = await admin.submit(`/app/messages/${skipped?.id}`, "routes/app.messages.$id", [["intent", "retry"]]);
    expect(jsonOf(retried)).toMatchObject({ ok: true, state: "queued" });
    await pipeline.settle();
    expect(receivedFor(order.id).map(([status, to]) => [status, to])).toEqual([["processing", BUYER_E164]]);
  });
});
