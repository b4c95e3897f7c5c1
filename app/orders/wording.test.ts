import { describe, expect, it } from "vitest";
import { fulfillmentEventPayload, fulfillmentPayload, LINE_A, LINE_B, orderPayload } from "./__fixtures__/lifecycle";
import type { JsonObject } from "./__fixtures__/shopify-samples";
import { applyFulfillment, applyFulfillmentEvent, applyOrder, type OrderKnowledge } from "./knowledge";
import { parseFulfillmentEventPayload, parseFulfillmentPayload, parseOrderPayload } from "./payloads";
import { wordingFor } from "./wording";

const ALL: Array<[string, number]> = [
  [LINE_A, 2],
  [LINE_B, 1],
];

function ok<T>(result: { ok: true; value: T } | { ok: false; reason: string }): T {
  if (!result.ok) throw new Error(result.reason);
  return result.value;
}

function orderWith(changes: JsonObject): OrderKnowledge {
  return applyOrder(undefined, ok(parseOrderPayload(orderPayload(changes))));
}

const shippingLine = (deliveryCategory: string | null) => {
  const lines = orderPayload().shipping_lines as JsonObject[];
  return [{ ...lines[0], delivery_category: deliveryCategory }];
};

describe("wordingFor a gift recipient", () => {
  it.each(["processing", "partially_shipped", "shipped", "completed", "cancelled"] as const)(
    "GIVEN an ordinary shipped order WHEN a %s message is for the gift recipient THEN it has the recipient's wording",
    (status) => {
      expect(wordingFor(orderWith({}), status, undefined, "gift_recipient")).toBe(`recipient_${status}`);
    },
  );

  it("GIVEN local delivery WHEN shipped to the gift recipient THEN it is worded as delivery to them", () => {
    expect(wordingFor(orderWith({ shipping_lines: shippingLine("local") }), "shipped", undefined, "gift_recipient")).toBe("recipient_local_delivery");
  });

  it("GIVEN the buyer WHEN the audience is left out THEN the buyer's wording is used", () => {
    expect(wordingFor(orderWith({}), "shipped", undefined)).toBe("standard");
    expect(wordingFor(orderWith({}), "shipped", undefined, "buyer")).toBe("standard");
  });
});

describe("wordingFor", () => {
  it("GIVEN an ordinary shipped order THEN the shop's own templates are used", () => {
    const k = orderWith({});
    expect(wordingFor(k, "shipped", undefined)).toBe("standard");
    expect(wordingFor(k, "completed", undefined)).toBe("standard");
  });

  it("GIVEN a counter sale THEN completed thanks for the purchase", () => {
    expect(wordingFor(orderWith({ source_name: "pos", shipping_address: null, shipping_lines: [] }), "completed", undefined)).toBe("in_person");
  });

  it("GIVEN a fulfillment that says ready_for_pickup THEN shipped says ready for pickup, and completed says picked up", () => {
    let k = orderWith({ shipping_address: null, shipping_lines: shippingLine(null) });
    k = applyFulfillment(k, ok(parseFulfillmentPayload(fulfillmentPayload({ id: "5001", status: "success", lines: ALL, created: 10, shipmentStatus: "ready_for_pickup", tracking: null }))));
    expect(wordingFor(k, "shipped", "5001")).toBe("ready_for_pickup");
    k = applyFulfillmentEvent(k, ok(parseFulfillmentEventPayload(fulfillmentEventPayload({ id: "9001", fulfillmentId: "5001", status: "picked_up", happened: 30 }))));
    expect(k.fulfillments["5001"]?.delivered).toBe(true);
    expect(wordingFor(k, "completed", "5001")).toBe("picked_up");
  });

  it.each([["pick-up"], ["pick_up"], ["pickup"]])("GIVEN a shipping line with delivery_category %s THEN shipped says ready for pickup", (category) => {
    expect(wordingFor(orderWith({ shipping_lines: shippingLine(category) }), "shipped", undefined)).toBe("ready_for_pickup");
  });

  it("GIVEN a local delivery shipping line THEN shipped is worded as a delivery", () => {
    expect(wordingFor(orderWith({ shipping_lines: shippingLine("local") }), "shipped", undefined)).toBe("local_delivery");
    expect(wordingFor(orderWith({ shipping_lines: shippingLine("local") }), "completed", undefined)).toBe("standard");
  });
});
