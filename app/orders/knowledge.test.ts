import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cancelledOrderPayload,
  fulfillmentEventPayload,
  fulfillmentPayload,
  LINE_A,
  LINE_B,
  lineItem,
  ORDER_ID,
  orderPayload,
  orderUpdatedPayload,
  refund,
  utc,
  type FulfillmentSpec,
} from "./__fixtures__/lifecycle";
import type { JsonObject } from "./__fixtures__/shopify-samples";
import {
  applyFulfillment,
  applyFulfillmentEvent,
  applyOrder,
  latestSuccessfulFulfillment,
  type OrderKnowledge,
} from "./knowledge";
import { parseFulfillmentEventPayload, parseFulfillmentPayload, parseOrderPayload } from "./payloads";
import { parseShopifyJson } from "./shopify-json";

function order(body: JsonObject) {
  const r = parseOrderPayload(parseShopifyJson(JSON.stringify(body)));
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}
function fulfillment(spec: FulfillmentSpec) {
  const r = parseFulfillmentPayload(fulfillmentPayload(spec));
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}
function event(spec: { id: string; fulfillmentId: string; status: string; happened: number }) {
  const r = parseFulfillmentEventPayload(fulfillmentEventPayload(spec));
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

describe("applyOrder", () => {
  it("GIVEN orders/create WHEN applied to nothing THEN line items, contact facts and name are known", () => {
    const k = applyOrder(undefined, order(orderPayload({ note_attributes: [{ name: "wa_ref", value: "WA-77" }] })));
    expect(k).toMatchObject({
      orderId: ORDER_ID,
      orderName: "#1001",
      cancelledAt: null,
      lineItemsKnown: true,
      lineItems: {
        [LINE_A]: { requiredQuantity: 2, requiresShipping: true },
        [LINE_B]: { requiredQuantity: 1, requiresShipping: true },
      },
      noteAttributes: [{ name: "wa_ref", value: "WA-77" }],
    });
    expect(k.contact).toEqual({
      customerFirstName: "John",
      shippingAddress: { phone: "(502) 555-0147", countryCode: "US", name: "steve shipper" },
      customerPhone: null,
      customerDefaultAddress: { phone: "123-123-1234", countryCode: "CA", name: "john smith" },
      billingAddress: { phone: "555-555-SHIP", countryCode: "US", name: "steve shipper" },
      orderPhone: null,
      phoneChangedAt: null,
    });
    expect(k.sale).toEqual({ sourceName: "web", shipsToCustomer: true, deliveryMethod: "shipping", customerLocale: "en" });
    // Plain JSON: survives a round trip unchanged.
    expect(JSON.parse(JSON.stringify(k))).toEqual(k);
  });

  it("GIVEN current_quantity WHEN applied THEN it is the required quantity (refunds and edits already out)", () => {
    const k = applyOrder(undefined, order(orderPayload({ line_items: [lineItem(LINE_A, 2, { current_quantity: 1 }), lineItem(LINE_B, 1, { current_quantity: 0 })] })));
    expect(k.lineItems[LINE_A]?.requiredQuantity).toBe(1);
    expect(k.lineItems[LINE_B]?.requiredQuantity).toBe(0);
  });

  it("GIVEN no current_quantity WHEN applied THEN quantity minus refunded quantities is required", () => {
    const body = orderPayload({
      line_items: [lineItem(LINE_A, 2, { current_quantity: undefined }), lineItem(LINE_B, 1, { current_quantity: undefined })],
      refunds: [refund(LINE_A, 1), refund(LINE_B, 1), refund(LINE_B, 1)],
    });
    const k = applyOrder(undefined, order(body));
    expect(k.lineItems[LINE_A]?.requiredQuantity).toBe(1);
    expect(k.lineItems[LINE_B]?.requiredQuantity).toBe(0); // never negative
  });

  it("GIVEN a newer order WHEN an older one arrives late THEN the older one overwrites nothing", () => {
    const newer = order(orderPayload({ updated_at: "2025-03-01T12:00:00Z", name: "#1001-B", line_items: [lineItem(LINE_A, 2, { current_quantity: 1 })] }));
    const older = order(orderPayload({ updated_at: "2025-03-01T11:00:00Z" }));
    const k = applyOrder(applyOrder(undefined, newer), older);
    expect(k.orderName).toBe("#1001-B");
    expect(k.lineItems).toEqual({ [LINE_A]: { requiredQuantity: 1, requiresShipping: true } });
    expect(k.orderUpdatedAt).toBe("2025-03-01T12:00:00.000Z");
  });

  it("GIVEN a cancelled order WHEN an older uncancelled payload arrives THEN it stays cancelled", () => {
    const k = applyOrder(applyOrder(undefined, order(cancelledOrderPayload(30))), order(orderPayload({ updated_at: "2025-03-01T15:00:00Z" })));
    expect(k.cancelledAt).toBe(utc(30));
  });

  it("GIVEN a newer payload without a phone (include_fields) WHEN applied THEN the known phone is kept", () => {
    const k = applyOrder(applyOrder(undefined, order(orderPayload())), order({ id: ORDER_ID, updated_at: "2025-03-02T00:00:00Z" }));
    expect(k.contact.shippingAddress?.phone).toBe("(502) 555-0147");
    expect(k.lineItemsKnown).toBe(true);
  });

  it("GIVEN an order with fulfillments[] WHEN applied THEN they are merged as fulfillments", () => {
    const f = fulfillmentPayload({ id: "5001", status: "success", lines: [[LINE_A, 2]], created: 10, shipmentStatus: "delivered" });
    const k = applyOrder(undefined, order(orderPayload({ fulfillments: [f] })));
    expect(k.fulfillments["5001"]).toMatchObject({ status: "success", delivered: true, lineItems: { [LINE_A]: 2 }, trackingCompany: "UPS" });
  });

  it("GIVEN knowledge of another order WHEN applied THEN it throws (a caller bug, not a payload problem)", () => {
    const k = applyOrder(undefined, order(orderPayload()));
    expect(() => applyOrder(k, order(orderPayload({ id: 1 })))).toThrow(/applied to knowledge of order/);
  });
});

describe("contact changes and the sale", () => {
  it("GIVEN an order created without a phone WHEN orders/updated adds one THEN the change is dated; an older payload changes nothing", () => {
    const created = applyOrder(undefined, order(orderPayload({ phone: null })));
    expect(created.contact.phoneChangedAt).toBeNull();
    const corrected = applyOrder(created, order(orderUpdatedPayload(5, { phone: "+919876543210" })));
    expect(corrected.contact).toMatchObject({ orderPhone: "+919876543210", phoneChangedAt: utc(5) });
    const tagged = applyOrder(corrected, order(orderUpdatedPayload(9, { phone: "+919876543210", tags: "vip" })));
    expect(tagged.contact.phoneChangedAt).toBe(utc(5));
    expect(applyOrder(tagged, order(orderUpdatedPayload(3, { phone: null })))).toEqual(tagged);
  });

  it("GIVEN a POS sale without a shipping address or lines WHEN applied THEN it does not ship to the customer", () => {
    const k = applyOrder(undefined, order(orderPayload({ source_name: "pos", shipping_address: null, shipping_lines: [] })));
    expect(k.sale).toEqual({ sourceName: "pos", shipsToCustomer: false, deliveryMethod: null, customerLocale: "en" });
  });

  it("GIVEN a payload trimmed of source_name and shipping lines WHEN applied THEN what was known stays", () => {
    const k = applyOrder(undefined, order(orderPayload({ source_name: "pos", shipping_address: null, shipping_lines: [] })));
    const trimmed = orderUpdatedPayload(5, { shipping_address: null });
    delete trimmed.source_name;
    delete trimmed.shipping_lines;
    expect(applyOrder(k, order(trimmed)).sale).toEqual({ sourceName: "pos", shipsToCustomer: false, deliveryMethod: null, customerLocale: "en" });
  });
});

describe("applyFulfillment", () => {
  it("GIVEN a fulfillment before its order WHEN applied THEN the order is known by id only, line items unknown", () => {
    const k = applyFulfillment(undefined, fulfillment({ id: "5001", status: "success", lines: [[LINE_A, 1]], created: 5 }));
    expect(k).toMatchObject({ orderId: ORDER_ID, lineItemsKnown: false, lineItems: {} });
    expect(k.fulfillments["5001"]).toMatchObject({ status: "success", lineItems: { [LINE_A]: 1 }, trackingNumber: "1Z5001" });
  });

  it("GIVEN success WHEN an older pending update arrives THEN the status stays success", () => {
    const success = fulfillment({ id: "5001", status: "success", lines: [[LINE_A, 1]], created: 5, updated: 20 });
    const pending = fulfillment({ id: "5001", status: "pending", lines: [[LINE_A, 1]], created: 5, updated: 5 });
    expect(applyFulfillment(applyFulfillment(undefined, success), pending).fulfillments["5001"]?.status).toBe("success");
    expect(applyFulfillment(applyFulfillment(undefined, pending), success).fulfillments["5001"]?.status).toBe("success");
  });

  it("GIVEN a cancelled fulfillment WHEN a newer success arrives THEN it stays cancelled", () => {
    const cancelled = fulfillment({ id: "5001", status: "cancelled", lines: [[LINE_A, 1]], created: 5, updated: 10 });
    const success = fulfillment({ id: "5001", status: "success", lines: [[LINE_A, 1]], created: 5, updated: 50 });
    expect(applyFulfillment(applyFulfillment(undefined, cancelled), success).fulfillments["5001"]?.status).toBe("cancelled");
  });

  it("GIVEN delivered WHEN an older in_transit update arrives THEN it stays delivered", () => {
    const delivered = fulfillment({ id: "5001", status: "success", lines: [[LINE_A, 1]], created: 5, updated: 90, shipmentStatus: "delivered" });
    const inTransit = fulfillment({ id: "5001", status: "success", lines: [[LINE_A, 1]], created: 5, updated: 30, shipmentStatus: "in_transit" });
    const k = applyFulfillment(applyFulfillment(undefined, delivered), inTransit);
    expect(k.fulfillments["5001"]).toMatchObject({ delivered: true, shipmentStatus: "delivered" });
  });

  it("GIVEN tracking added by a later update WHEN merged THEN the newest tracking wins and older data fills gaps", () => {
    const first = fulfillment({ id: "5001", status: "success", lines: [[LINE_A, 1]], created: 5, tracking: { company: "DHL", number: null, url: null } });
    const later = fulfillment({ id: "5001", status: "success", lines: [[LINE_A, 1]], created: 5, updated: 15, tracking: { company: null, number: "JD0001", url: "https://dhl.example/JD0001" } });
    expect(applyFulfillment(applyFulfillment(undefined, first), later).fulfillments["5001"]).toMatchObject({
      trackingCompany: "DHL",
      trackingNumber: "JD0001",
      trackingUrl: "https://dhl.example/JD0001",
      createdAt: utc(5),
      updatedAt: utc(15),
    });
  });
});

describe("applyFulfillmentEvent", () => {
  it("GIVEN a delivered event before its fulfillment WHEN both applied THEN the fulfillment is delivered and complete", () => {
    const k0 = applyFulfillmentEvent(undefined, event({ id: "9001", fulfillmentId: "5001", status: "delivered", happened: 90 }));
    expect(k0.fulfillments["5001"]).toMatchObject({ status: null, lineItems: null, delivered: true, lastEventStatus: "delivered" });
    const k1 = applyFulfillment(k0, fulfillment({ id: "5001", status: "success", lines: [[LINE_A, 2]], created: 10 }));
    expect(k1.fulfillments["5001"]).toMatchObject({ status: "success", delivered: true, lineItems: { [LINE_A]: 2 }, lastEventAt: utc(90) });
  });

  it("GIVEN a newer event WHEN an older one arrives THEN the last event status stays the newer one", () => {
    let k = applyFulfillmentEvent(undefined, event({ id: "9002", fulfillmentId: "5001", status: "out_for_delivery", happened: 60 }));
    k = applyFulfillmentEvent(k, event({ id: "9001", fulfillmentId: "5001", status: "in_transit", happened: 30 }));
    expect(k.fulfillments["5001"]).toMatchObject({ lastEventStatus: "out_for_delivery", lastEventAt: utc(60), delivered: false });
  });
});

describe("latestSuccessfulFulfillment", () => {
  it("GIVEN several fulfillments WHEN asked THEN the newest successful one is returned", () => {
    let k = applyFulfillment(undefined, fulfillment({ id: "5001", status: "success", lines: [[LINE_A, 1]], created: 5 }));
    k = applyFulfillment(k, fulfillment({ id: "5002", status: "success", lines: [[LINE_A, 1]], created: 8 }));
    k = applyFulfillment(k, fulfillment({ id: "5003", status: "cancelled", lines: [[LINE_B, 1]], created: 9 }));
    expect(latestSuccessfulFulfillment(k)?.id).toBe("5002");
  });
});

// ---------------------------------------------------------------------------------------

type Step = (k: OrderKnowledge | undefined) => OrderKnowledge;

const STEPS: Step[] = [
  (k) => applyOrder(k, order(orderPayload())),
  (k) => applyOrder(k, order(orderPayload({ updated_at: "2025-03-01T11:00:00Z", refunds: [refund(LINE_B, 1)], line_items: [lineItem(LINE_A, 2), lineItem(LINE_B, 1, { current_quantity: 0 })] }))),
  (k) => applyOrder(k, order(cancelledOrderPayload(200))),
  (k) => applyOrder(k, order({ id: ORDER_ID })),
  (k) => applyOrder(k, order(orderPayload({ updated_at: "2025-03-01T10:30:00Z", fulfillments: [fulfillmentPayload({ id: "5001", status: "success", lines: [[LINE_A, 2]], created: 20, shipmentStatus: "in_transit" })] }))),
  (k) => applyFulfillment(k, fulfillment({ id: "5001", status: "pending", lines: [[LINE_A, 2]], created: 20 })),
  (k) => applyFulfillment(k, fulfillment({ id: "5001", status: "success", lines: [[LINE_A, 2]], created: 20, updated: 25 })),
  (k) => applyFulfillment(k, fulfillment({ id: "5001", status: "cancelled", lines: [[LINE_A, 2]], created: 20, updated: 27 })),
  (k) => applyFulfillment(k, fulfillment({ id: "5002", status: "success", lines: [[LINE_B, 1]], created: 40, shipmentStatus: "delivered", tracking: null })),
  (k) => applyFulfillmentEvent(k, event({ id: "9001", fulfillmentId: "5001", status: "in_transit", happened: 30 })),
  (k) => applyFulfillmentEvent(k, event({ id: "9002", fulfillmentId: "5001", status: "delivered", happened: 90 })),
  (k) => applyFulfillmentEvent(k, event({ id: "9003", fulfillmentId: "5003", status: "delivered", happened: 95 })),
];

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

describe("reducer properties", () => {
  it("PROPERTY: after any history, applying the same payload twice equals applying it once", () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: STEPS.length - 1 }), { maxLength: 8 }), fc.nat({ max: STEPS.length - 1 }), (history, again) => {
        const k = history.reduce<OrderKnowledge | undefined>((acc, i) => STEPS[i]!(acc), undefined);
        const once = STEPS[again]!(k);
        expect(STEPS[again]!(once)).toEqual(once);
      }),
      { numRuns: 300 },
    );
  });

  it("PROPERTY: reducers never mutate the knowledge they are given", () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: STEPS.length - 1 }), { minLength: 1, maxLength: 8 }), (history) => {
        let k: OrderKnowledge | undefined;
        for (const i of history) {
          const before = k === undefined ? undefined : structuredClone(k);
          const next = STEPS[i]!(k === undefined ? undefined : deepFreeze(k)); // frozen: a mutation throws
          expect(k).toEqual(before);
          k = next;
        }
      }),
      { numRuns: 200 },
    );
  });

  it("PROPERTY: cancelled and delivered stay set whatever arrives afterwards", () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: STEPS.length - 1 }), { maxLength: 8 }), (history) => {
        let k = STEPS[2]!(STEPS[10]!(undefined)); // cancelled order, fulfillment 5001 delivered
        for (const i of history) k = STEPS[i]!(k);
        expect(k.cancelledAt).toBe(utc(200));
        expect(k.fulfillments["5001"]?.delivered).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
