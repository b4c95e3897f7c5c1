import { describe, expect, it } from "vitest";
import { fulfillmentEventPayload, fulfillmentPayload, LINE_A, ORDER_ID, orderPayload } from "./__fixtures__/lifecycle";
import { loadSample } from "./__fixtures__/shopify-samples";
import { applyOrderWebhook, readOrderWebhook } from "./webhook-event";

describe("readOrderWebhook", () => {
  it.each([
    ["orders/create", "order_created"],
    ["orders/cancelled", "order_cancelled"],
  ] as const)("GIVEN %s THEN it reads an order payload with trigger %s", (topic, trigger) => {
    const read = readOrderWebhook(topic, orderPayload());
    expect(read).toMatchObject({ ok: true, event: { topic, orderId: ORDER_ID, trigger } });
  });

  it.each(["fulfillments/create", "fulfillments/update"] as const)("GIVEN %s THEN it reads a fulfillment payload", (topic) => {
    const read = readOrderWebhook(topic, fulfillmentPayload({ id: "5001", status: "success", lines: [[LINE_A, 1]], created: 1 }));
    expect(read).toMatchObject({ ok: true, event: { topic, orderId: ORDER_ID, trigger: "fulfillment", payload: { id: "5001" } } });
  });

  it("GIVEN fulfillment_events/create THEN it reads an event payload", () => {
    const read = readOrderWebhook("fulfillment_events/create", fulfillmentEventPayload({ id: "9001", fulfillmentId: "5001", status: "delivered", happened: 5 }));
    expect(read).toMatchObject({ ok: true, event: { orderId: ORDER_ID, trigger: "fulfillment_event", payload: { status: "delivered" } } });
  });

  it("GIVEN a body of the wrong kind for the topic THEN the reason says what is missing", () => {
    expect(readOrderWebhook("fulfillments/create", loadSample("orders", "create"))).toEqual({
      ok: false,
      reason: "fulfillment payload has no order_id",
    });
  });
});

describe("orders/cancelled without cancelled_at (include_fields)", () => {
  it("GIVEN no cancelled_at WHEN read THEN updated_at stands in, so the order is still known as cancelled", () => {
    const read = readOrderWebhook("orders/cancelled", { id: ORDER_ID, updated_at: "2025-03-01T12:00:00Z" });
    expect(read).toMatchObject({ ok: true, event: { payload: { cancelled_at: "2025-03-01T12:00:00.000Z" } } });
    expect(readOrderWebhook("orders/cancelled", { id: ORDER_ID })).toEqual({
      ok: false,
      reason: "orders/cancelled payload has no cancelled_at or updated_at",
    });
  });

  it("GIVEN orders/create without cancelled_at THEN the order is not cancelled", () => {
    expect(readOrderWebhook("orders/create", { id: ORDER_ID, updated_at: "2025-03-01T12:00:00Z" })).toMatchObject({
      ok: true,
      event: { payload: { cancelled_at: null } },
    });
  });
});

describe("applyOrderWebhook", () => {
  it("GIVEN each kind of event THEN it lands in the same order's knowledge", () => {
    const events = [
      readOrderWebhook("fulfillment_events/create", fulfillmentEventPayload({ id: "9001", fulfillmentId: "5001", status: "delivered", happened: 50 })),
      readOrderWebhook("fulfillments/create", fulfillmentPayload({ id: "5001", status: "success", lines: [[LINE_A, 2]], created: 10 })),
      readOrderWebhook("orders/create", orderPayload()),
    ];
    let k;
    for (const read of events) {
      if (!read.ok) throw new Error(read.reason);
      k = applyOrderWebhook(k, read.event);
    }
    expect(k).toMatchObject({ orderId: ORDER_ID, lineItemsKnown: true, fulfillments: { "5001": { status: "success", delivered: true } } });
  });
});
