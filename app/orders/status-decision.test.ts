import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { STATUS_RANK } from "../kaleyra/statuses";
import {
  cancelledOrderPayload,
  fulfillmentEventPayload,
  fulfillmentPayload,
  giftChanges,
  LINE_A,
  LINE_B,
  lineItem,
  ORDER_ID,
  orderPayload,
  orderUpdatedPayload,
  refund,
  type FulfillmentSpec,
} from "./__fixtures__/lifecycle";
import { createPipeline, statusesOf, type Delivery } from "./__fixtures__/pipeline";
import type { JsonObject } from "./__fixtures__/shopify-samples";
import { applyFulfillment, applyFulfillmentEvent, applyOrder, emptyKnowledge } from "./knowledge";
import { parseFulfillmentEventPayload, parseFulfillmentPayload, parseOrderPayload } from "./payloads";
import { decideMessages, describeDecision, messageKey, orderStanding, type Decision, type PlannedMessage } from "./status-decision";

// Deliveries of the lifecycle order (line item A x2, line item B x1).
const created = (changes: JsonObject = {}): Delivery => ({ topic: "orders/create", body: orderPayload(changes) });
const updated = (minutes: number, changes: JsonObject = {}): Delivery => ({ topic: "orders/updated", body: orderUpdatedPayload(minutes, changes) });
const cancelled = (minutes: number): Delivery => ({ topic: "orders/cancelled", body: cancelledOrderPayload(minutes) });
const fCreate = (spec: FulfillmentSpec): Delivery => ({ topic: "fulfillments/create", body: fulfillmentPayload(spec) });
const fUpdate = (spec: FulfillmentSpec): Delivery => ({ topic: "fulfillments/update", body: fulfillmentPayload(spec) });
const fEvent = (id: string, fulfillmentId: string, status: string, happened: number): Delivery => ({
  topic: "fulfillment_events/create",
  body: fulfillmentEventPayload({ id, fulfillmentId, status, happened }),
});

const ALL: Array<[string, number]> = [
  [LINE_A, 2],
  [LINE_B, 1],
];

function expectSend(decision: Decision, status: string, fulfillmentId?: string): void {
  expect(decision.kind, describeDecision(decision)).toBe("send");
  if (decision.kind !== "send") return;
  expect(decision.messages).toHaveLength(1);
  expect(decision.messages[0]?.status).toBe(status);
  expect(decision.messages[0]?.fulfillmentId).toBe(fulfillmentId);
}

function expectNothing(decision: Decision, reason: RegExp): void {
  expect(decision.kind, describeDecision(decision)).toBe("nothing");
  if (decision.kind === "nothing") expect(decision.reason).toMatch(reason);
}

describe("processing", () => {
  it("GIVEN the shop sends processing on create WHEN orders/create arrives THEN processing is sent once", () => {
    const p = createPipeline({ sendProcessingOnCreate: true });
    const d = p.deliver(created());
    expectSend(d, "processing");
    expect(d.kind === "send" && d.messages[0]?.key).toBe(`${ORDER_ID}:processing`);
    expectNothing(p.deliver(created()), /processing already queued/);
    expect(statusesOf(p)).toEqual(["processing"]);
  });

  it("GIVEN the shop turned processing off WHEN orders/create arrives THEN nothing is sent, with the reason", () => {
    const p = createPipeline({ sendProcessingOnCreate: false });
    expectNothing(p.deliver(created()), /does not send “processing” when an order is created/);
    expect(p.queued).toEqual([]);
  });

  it("GIVEN processing is off WHEN a first fulfillment is created but open THEN processing is sent", () => {
    const p = createPipeline({ sendProcessingOnCreate: false });
    p.deliver(created());
    expectSend(p.deliver(fCreate({ id: "5001", status: "open", lines: ALL, created: 10 })), "processing");
    expectSend(p.deliver(fUpdate({ id: "5001", status: "success", lines: ALL, created: 10, updated: 20 })), "shipped", "5001");
    expect(statusesOf(p)).toEqual(["processing", "shipped"]);
  });

  it("GIVEN processing was sent WHEN a pending fulfillment arrives THEN nothing more is sent", () => {
    const p = createPipeline();
    p.deliver(created());
    expectNothing(p.deliver(fCreate({ id: "5001", status: "pending", lines: ALL, created: 10 })), /processing already queued/);
  });
});

describe("shipments", () => {
  it("GIVEN a single shipment of everything WHEN it succeeds THEN shipped is sent (no partial first)", () => {
    const p = createPipeline();
    p.deliver(created());
    const d = p.deliver(fCreate({ id: "5001", status: "success", lines: ALL, created: 10 }));
    expectSend(d, "shipped", "5001");
    expect(d.kind === "send" && d.messages[0]?.key).toBe(`${ORDER_ID}:shipped`);
  });

  it("GIVEN a split shipment in two parts THEN the first part is partially_shipped and the second shipped", () => {
    const p = createPipeline();
    p.deliver(created());
    const first = p.deliver(fCreate({ id: "5001", status: "success", lines: [[LINE_A, 2]], created: 10 }));
    expectSend(first, "partially_shipped", "5001");
    expect(first.kind === "send" && first.messages[0]?.key).toBe(`${ORDER_ID}:partially_shipped:5001`);
    expectSend(p.deliver(fCreate({ id: "5002", status: "success", lines: [[LINE_B, 1]], created: 20 })), "shipped", "5002");
    expect(statusesOf(p)).toEqual(["processing", "partially_shipped", "shipped"]);
  });

  it("GIVEN three parts THEN two partially_shipped messages keyed by fulfillment, then shipped", () => {
    const p = createPipeline();
    p.deliver(created());
    p.deliver(fCreate({ id: "5001", status: "success", lines: [[LINE_A, 1]], created: 10 }));
    p.deliver(fCreate({ id: "5002", status: "success", lines: [[LINE_A, 1]], created: 20 }));
    p.deliver(fCreate({ id: "5003", status: "success", lines: [[LINE_B, 1]], created: 30 }));
    expect(p.queued.map((m) => m.key)).toEqual([
      `${ORDER_ID}:processing`,
      `${ORDER_ID}:partially_shipped:5001`,
      `${ORDER_ID}:partially_shipped:5002`,
      `${ORDER_ID}:shipped`,
    ]);
  });

  it("GIVEN a pending fulfillment WHEN it later succeeds for part of the order THEN partially_shipped follows processing", () => {
    const p = createPipeline({ sendProcessingOnCreate: false });
    p.deliver(created());
    p.deliver(fCreate({ id: "5001", status: "pending", lines: [[LINE_B, 1]], created: 10 }));
    expectSend(p.deliver(fUpdate({ id: "5001", status: "success", lines: [[LINE_B, 1]], created: 10, updated: 15 })), "partially_shipped", "5001");
  });

  it("GIVEN two partial shipments known at once WHEN decided THEN only the newest is announced, and the older never later", () => {
    const p = createPipeline();
    const both = [
      fulfillmentPayload({ id: "5001", status: "success", lines: [[LINE_A, 1]], created: 10 }),
      fulfillmentPayload({ id: "5002", status: "success", lines: [[LINE_A, 1]], created: 20 }),
    ];
    expectSend(p.deliver(created({ fulfillments: both })), "partially_shipped", "5002");
    expectNothing(p.deliver(fCreate({ id: "5001", status: "success", lines: [[LINE_A, 1]], created: 10 })), /partial shipment 5002 already announced \(older ones are not announced after it\)/);
    expectNothing(p.deliver(fUpdate({ id: "5002", status: "success", lines: [[LINE_A, 1]], created: 20, updated: 25 })), /partial shipment 5002 already announced/);
  });

  it("GIVEN partial shipments arrive newest first THEN the older one is not announced after the newer", () => {
    const p = createPipeline();
    p.deliver(created());
    expectSend(p.deliver(fCreate({ id: "5002", status: "success", lines: [[LINE_A, 1]], created: 20 })), "partially_shipped", "5002");
    expectNothing(p.deliver(fCreate({ id: "5001", status: "success", lines: [[LINE_A, 1]], created: 10 })), /already announced/);
  });

  it("GIVEN items without shipping (a gift card) WHEN only they are fulfilled THEN nothing is announced; the physical item alone makes shipped", () => {
    const giftCard = lineItem("111", 1, { requires_shipping: false, gift_card: true });
    const p = createPipeline({ sendProcessingOnCreate: false });
    p.deliver(created({ line_items: [lineItem(LINE_A, 2), giftCard] }));
    expectNothing(p.deliver(fCreate({ id: "5001", status: "success", lines: [["111", 1]], created: 1, tracking: null })), /nothing has shipped yet/);
    expectSend(p.deliver(fCreate({ id: "5002", status: "success", lines: [[LINE_A, 2]], created: 10 })), "shipped", "5002");
  });

  it("GIVEN an order with nothing to ship (digital only) WHEN it is fulfilled THEN nothing is sent", () => {
    const p = createPipeline({ sendProcessingOnCreate: false });
    p.deliver(created({ line_items: [lineItem("111", 1, { requires_shipping: false })] }));
    expectNothing(p.deliver(fCreate({ id: "5001", status: "success", lines: [["111", 1]], created: 1 })), /nothing on the order needs shipping/);
  });
});

describe("refunded and removed items", () => {
  it("GIVEN line item B refunded (current_quantity 0) WHEN A ships THEN the order is shipped", () => {
    const p = createPipeline();
    p.deliver(created({ line_items: [lineItem(LINE_A, 2), lineItem(LINE_B, 1, { current_quantity: 0 })], refunds: [refund(LINE_B, 1)] }));
    expectSend(p.deliver(fCreate({ id: "5001", status: "success", lines: [[LINE_A, 2]], created: 10 })), "shipped", "5001");
  });

  it("GIVEN no current_quantity but a refund of one A WHEN one A and B ship THEN the order is shipped", () => {
    const p = createPipeline();
    const noCurrent = { current_quantity: undefined };
    p.deliver(created({ line_items: [lineItem(LINE_A, 2, noCurrent), lineItem(LINE_B, 1, noCurrent)], refunds: [refund(LINE_A, 1)] }));
    expectSend(p.deliver(fCreate({ id: "5001", status: "success", lines: [[LINE_A, 1], [LINE_B, 1]], created: 10 })), "shipped", "5001");
  });

  it("GIVEN B was removed by an order edit AFTER A shipped as partial WHEN the edited order arrives THEN shipped is sent", () => {
    const p = createPipeline();
    p.deliver(created());
    expectSend(p.deliver(fCreate({ id: "5001", status: "success", lines: [[LINE_A, 2]], created: 10 })), "partially_shipped", "5001");
    // orders/create is the only order topic besides cancelled; an Admin API read brings the edit.
    const k = applyOrder(p.knowledge, parsed(parseOrderPayload(orderPayload({ updated_at: "2025-03-01T12:00:00Z", line_items: [lineItem(LINE_A, 2), lineItem(LINE_B, 1, { current_quantity: 0 })] }))));
    expectSend(decideMessages({ knowledge: k, alreadyQueued: p.queued, trigger: "order_lookup", prefs: { sendProcessingOnCreate: true } }), "shipped", "5001");
  });

  it("GIVEN a shipment WHEN everything was refunded afterwards (first news of the order) THEN it is shipped, not partially shipped", () => {
    const p = createPipeline();
    const refunded = [lineItem(LINE_A, 2, { current_quantity: 0 }), lineItem(LINE_B, 1, { current_quantity: 0 })];
    const shippedA = fulfillmentPayload({ id: "5001", status: "success", lines: [[LINE_A, 2]], created: 10 });
    expectSend(p.deliver(created({ line_items: refunded, fulfillments: [shippedA] })), "shipped", "5001");
  });

  it("GIVEN items in a cancelled fulfillment WHEN the rest ships THEN they are not counted as shipped", () => {
    const p = createPipeline();
    p.deliver(created());
    p.deliver(fCreate({ id: "5001", status: "cancelled", lines: [[LINE_A, 2]], created: 5 }));
    expectSend(p.deliver(fCreate({ id: "5002", status: "success", lines: [[LINE_B, 1]], created: 10 })), "partially_shipped", "5002");
    p.deliver(fCreate({ id: "5003", status: "failure", lines: [[LINE_A, 2]], created: 15 }));
    expect(statusesOf(p)).toEqual(["processing", "partially_shipped"]);
  });
});


describe("order edits and refunds (orders/updated)", () => {
  const withoutB = (changes: JsonObject = {}) => ({ line_items: [lineItem(LINE_A, 2), lineItem(LINE_B, 1, { current_quantity: 0, fulfillable_quantity: 0 })], ...changes });

  it("GIVEN A shipped as a partial shipment WHEN an edit removes B THEN shipped is sent, and completed when A is delivered", () => {
    const p = createPipeline();
    p.deliver(created());
    expectSend(p.deliver(fCreate({ id: "5001", status: "success", lines: [[LINE_A, 2]], created: 10 })), "partially_shipped", "5001");
    expectSend(p.deliver(updated(20, withoutB())), "shipped", "5001");
    expectSend(p.deliver(fEvent("9001", "5001", "delivered", 30)), "completed", "5001");
    expect(statusesOf(p)).toEqual(["processing", "partially_shipped", "shipped", "completed"]);
  });

  it("GIVEN A shipped as a partial shipment WHEN the unshipped B is refunded THEN shipped is sent", () => {
    const p = createPipeline();
    p.deliver(created());
    p.deliver(fCreate({ id: "5001", status: "success", lines: [[LINE_A, 2]], created: 10 }));
    expectSend(p.deliver(updated(20, withoutB({ refunds: [refund(LINE_B, 1)], financial_status: "partially_refunded" }))), "shipped", "5001");
  });

  it("GIVEN A shipped and delivered as a partial shipment WHEN B is removed THEN completed is sent at once", () => {
    const p = createPipeline();
    p.deliver(created());
    p.deliver(fCreate({ id: "5001", status: "success", lines: [[LINE_A, 2]], created: 10, shipmentStatus: "delivered" }));
    expectSend(p.deliver(updated(20, withoutB())), "completed", "5001");
  });

  it("GIVEN an order WHEN orders/updated only changes its tags THEN nothing is sent", () => {
    const p = createPipeline();
    p.deliver(created());
    expectNothing(p.deliver(updated(5, { tags: "vip" })), /orders\/updated|processing already queued/);
    expect(statusesOf(p)).toEqual(["processing"]);
  });

  it("GIVEN orders/updated for an order never seen WHEN nothing has shipped THEN processing is not sent", () => {
    const p = createPipeline({ sendProcessingOnCreate: true });
    expectNothing(p.deliver(updated(5)), /nothing has shipped yet; orders\/updated/);
  });

  it("GIVEN the edit arrives late, after an older orders/updated WHEN applied in any order THEN the newer edit wins", () => {
    const p = createPipeline();
    p.deliver(created());
    p.deliver(fCreate({ id: "5001", status: "success", lines: [[LINE_A, 2]], created: 10 }));
    p.deliver(updated(20, withoutB()));
    expectNothing(p.deliver(updated(15)), /shipped already queued|order already shipped/);
    expect(p.knowledge?.lineItems[LINE_B]?.requiredQuantity).toBe(0);
  });

  it("GIVEN an exchange adds a new item after shipped WHEN it ships and everything is delivered THEN nothing goes back, then completed", () => {
    const p = createPipeline();
    p.deliver(created());
    p.deliver(fCreate({ id: "5001", status: "success", lines: ALL, created: 10 }));
    const exchanged = { line_items: [lineItem(LINE_A, 2), lineItem(LINE_B, 1, { current_quantity: 0 }), lineItem("111", 1)] };
    expectNothing(p.deliver(updated(40, exchanged)), /order already shipped|shipped already queued/);
    expectNothing(p.deliver(fCreate({ id: "5005", status: "success", lines: [["111", 1]], created: 50 })), /shipped already queued|order already shipped/);
    p.deliver(fEvent("9001", "5001", "delivered", 60));
    expectSend(p.deliver(fEvent("9002", "5005", "delivered", 70)), "completed", "5005");
    expect(statusesOf(p)).toEqual(["processing", "shipped", "completed"]);
  });

  it("GIVEN a return after completed WHEN the refund arrives THEN nothing is sent", () => {
    const p = createPipeline();
    p.deliver(created());
    p.deliver(fCreate({ id: "5001", status: "success", lines: ALL, created: 10, shipmentStatus: "delivered" }));
    expectNothing(p.deliver(updated(90, withoutB({ refunds: [refund(LINE_B, 1)] }))), /already completed/);
  });
});

describe("replacement fulfillments", () => {
  it("GIVEN shipped with a wrong tracking number WHEN the fulfillment is cancelled and a new one created THEN shipped is sent again, once, with the new one", () => {
    const p = createPipeline();
    p.deliver(created());
    expectSend(p.deliver(fCreate({ id: "5001", status: "success", lines: ALL, created: 10 })), "shipped", "5001");
    p.deliver(fUpdate({ id: "5001", status: "cancelled", lines: ALL, created: 10, updated: 20 }));
    const d = p.deliver(fCreate({ id: "5002", status: "success", lines: ALL, created: 21 }));
    expectSend(d, "shipped", "5002");
    expect(d.kind === "send" && d.messages[0]?.key).toBe(`${ORDER_ID}:shipped:5002`);
    expectNothing(p.deliver(fCreate({ id: "5002", status: "success", lines: ALL, created: 21 })), /shipped already queued/);
    expectSend(p.deliver(fEvent("9001", "5002", "delivered", 40)), "completed", "5002");
    expect(statusesOf(p)).toEqual(["processing", "shipped", "shipped", "completed"]);
  });

  it("GIVEN the replacement arrives before the cancellation WHEN both are known THEN the replacement is announced once", () => {
    const p = createPipeline();
    p.deliver(created());
    p.deliver(fCreate({ id: "5001", status: "success", lines: ALL, created: 10 }));
    expectNothing(p.deliver(fCreate({ id: "5002", status: "success", lines: ALL, created: 21 })), /shipped already queued/);
    expectSend(p.deliver(fUpdate({ id: "5001", status: "cancelled", lines: ALL, created: 10, updated: 20 })), "shipped", "5002");
  });

  it("GIVEN shipped WHEN a partial shipment's replacement covers only part THEN partially_shipped is sent for it", () => {
    const p = createPipeline();
    p.deliver(created());
    p.deliver(fCreate({ id: "5001", status: "success", lines: [[LINE_A, 2]], created: 10 }));
    expectSend(p.deliver(fCreate({ id: "5002", status: "success", lines: [[LINE_B, 1]], created: 12 })), "shipped", "5002");
    p.deliver(fUpdate({ id: "5002", status: "cancelled", lines: [[LINE_B, 1]], created: 12, updated: 20 }));
    expectSend(p.deliver(fCreate({ id: "5003", status: "success", lines: [[LINE_B, 1]], created: 21 })), "shipped", "5003");
  });

  it("GIVEN completed WHEN a fulfillment is cancelled and replaced THEN nothing is sent", () => {
    const p = createPipeline();
    p.deliver(created());
    p.deliver(fCreate({ id: "5001", status: "success", lines: ALL, created: 10, shipmentStatus: "delivered" }));
    p.deliver(fUpdate({ id: "5001", status: "cancelled", lines: ALL, created: 10, updated: 20 }));
    expectNothing(p.deliver(fCreate({ id: "5002", status: "success", lines: ALL, created: 21 })), /already completed/);
  });

  it("GIVEN a cancelled fulfillment the shopper never heard of WHEN another ships THEN it is an ordinary shipment", () => {
    const p = createPipeline();
    p.deliver(created());
    p.deliver(fCreate({ id: "5001", status: "cancelled", lines: ALL, created: 10 }));
    const d = p.deliver(fCreate({ id: "5002", status: "success", lines: ALL, created: 21 }));
    expect(d.kind === "send" && d.messages[0]?.key).toBe(`${ORDER_ID}:shipped`);
  });
});

describe("local pickup", () => {
  it("GIVEN a pickup order WHEN the fulfillment says ready_for_pickup, then picked_up THEN shipped, then completed", () => {
    const p = createPipeline();
    p.deliver(created({ shipping_address: null }));
    expectSend(p.deliver(fCreate({ id: "5001", status: "success", lines: ALL, created: 10, shipmentStatus: "ready_for_pickup", tracking: null })), "shipped", "5001");
    expectSend(p.deliver(fEvent("9001", "5001", "picked_up", 30)), "completed", "5001");
    expect(statusesOf(p)).toEqual(["processing", "shipped", "completed"]);
  });
});

describe("counter sales (POS)", () => {
  const pos = { source_name: "pos", shipping_address: null, shipping_lines: [] };
  const posCancelled: Delivery = { topic: "orders/cancelled", body: cancelledOrderPayload(30, pos) };
  const counterSale = (changes: JsonObject = {}): Delivery =>
    created({
      ...pos,
      fulfillment_status: "fulfilled",
      fulfillments: [fulfillmentPayload({ id: "5001", status: "success", lines: ALL, created: 0, tracking: null })],
      ...changes,
    });

  it("GIVEN the default WHEN a POS sale arrives already fulfilled THEN nothing is sent, ever", () => {
    const p = createPipeline();
    expectNothing(p.deliver(counterSale()), /sold in person \(POS\).*sends nothing/);
    expectNothing(p.deliver(fCreate({ id: "5001", status: "success", lines: ALL, created: 0 })), /sold in person/);
    expectNothing(p.deliver(posCancelled), /sold in person/);
    expect(p.queued).toEqual([]);
  });

  it("GIVEN the shop sends one completed for counter sales WHEN the sale and its fulfillment arrive THEN completed is sent once", () => {
    const p = createPipeline({ inPersonSales: "completed" });
    expectSend(p.deliver(counterSale()), "completed");
    expectNothing(p.deliver(fCreate({ id: "5001", status: "success", lines: ALL, created: 0 })), /already thanked/);
    expectNothing(p.deliver(updated(10, pos)), /already thanked/);
    expectNothing(p.deliver(posCancelled), /already thanked/);
    expect(statusesOf(p)).toEqual(["completed"]);
  });

  it("GIVEN a POS order shipped to the customer (a shipping address) WHEN fulfilled THEN the usual lifecycle applies", () => {
    const p = createPipeline();
    p.deliver(created({ source_name: "pos" }));
    expectSend(p.deliver(fCreate({ id: "5001", status: "success", lines: ALL, created: 10 })), "shipped", "5001");
  });
});

describe("gift orders: who is told (the shop's choice)", () => {
  const gift = giftChanges();
  const lifecycle = (giftRecipients: "buyer" | "also" | "instead", recipientPhone?: string | null) => {
    const p = createPipeline({ giftRecipients });
    const changes = recipientPhone === undefined ? gift : giftChanges(recipientPhone);
    const decisions = [
      p.deliver(created(changes)),
      p.deliver(fCreate({ id: "5001", status: "success", lines: ALL, created: 10 })),
      p.deliver(fEvent("9001", "5001", "delivered", 30)),
    ];
    return { p, decisions };
  };
  const keysOf = (p: ReturnType<typeof createPipeline>) => p.queued.map((m) => m.key);

  it("GIVEN a gift order and the default (the buyer only) WHEN it is created, shipped and delivered THEN only the buyer's keys are queued", () => {
    const { p } = lifecycle("buyer");
    expect(keysOf(p)).toEqual([`${ORDER_ID}:processing`, `${ORDER_ID}:shipped`, `${ORDER_ID}:completed`]);
    expect(p.queued.every((m) => m.audience === undefined)).toBe(true);
  });

  it("GIVEN a gift order and \"also\" WHEN it is created, shipped and delivered THEN each status goes to the buyer, then the recipient, under their own keys", () => {
    const { p, decisions } = lifecycle("also");
    expect(keysOf(p)).toEqual([
      `${ORDER_ID}:processing`,
      `${ORDER_ID}:processing:gift_recipient`,
      `${ORDER_ID}:shipped`,
      `${ORDER_ID}:shipped:gift_recipient`,
      `${ORDER_ID}:completed`,
      `${ORDER_ID}:completed:gift_recipient`,
    ]);
    expect(p.queued.map((m) => m.audience ?? "buyer")).toEqual(["buyer", "gift_recipient", "buyer", "gift_recipient", "buyer", "gift_recipient"]);
    expect(p.queued[3]?.fulfillmentId).toBe("5001");
    expect(decisions.map((d) => d.kind === "send" && d.reason)).toEqual([
      expect.stringMatching(/told to the buyer and the gift recipient$/),
      expect.stringMatching(/told to the buyer and the gift recipient$/),
      expect.stringMatching(/told to the buyer and the gift recipient$/),
    ]);
  });

  it("GIVEN a gift order and \"also\" WHEN every webhook arrives again THEN nothing is queued twice, for either person", () => {
    const { p } = lifecycle("also");
    expectNothing(p.deliver(created(gift)), /already completed/);
    expectNothing(p.deliver(fCreate({ id: "5001", status: "success", lines: ALL, created: 10 })), /already completed/);
    expect(p.emitted).toHaveLength(6);
  });

  it("GIVEN a gift order and \"instead\" WHEN it is created, shipped and delivered THEN only the recipient's keys are queued", () => {
    const { p } = lifecycle("instead");
    expect(keysOf(p)).toEqual([
      `${ORDER_ID}:processing:gift_recipient`,
      `${ORDER_ID}:shipped:gift_recipient`,
      `${ORDER_ID}:completed:gift_recipient`,
    ]);
  });

  it("GIVEN \"instead\" but no phone on the shipping address WHEN the gift order goes through THEN the buyer is told rather than no one", () => {
    const { p } = lifecycle("instead", null);
    expect(keysOf(p)).toEqual([`${ORDER_ID}:processing`, `${ORDER_ID}:shipped`, `${ORDER_ID}:completed`]);
  });

  it("GIVEN \"also\" but no phone on the shipping address WHEN shipped THEN the recipient's message is still planned (the log keeps it as skipped, saying why)", () => {
    const { p } = lifecycle("also", null);
    expect(p.queued.filter((m) => m.audience === "gift_recipient").map((m) => m.status)).toEqual(["processing", "shipped", "completed"]);
  });

  it.each(["also", "instead"] as const)("GIVEN an order shipped to the buyer (not a gift) and %s WHEN it ships THEN only the buyer is told", (choice) => {
    const p = createPipeline({ giftRecipients: choice });
    p.deliver(created());
    p.deliver(fCreate({ id: "5001", status: "success", lines: ALL, created: 10 }));
    expect(keysOf(p)).toEqual([`${ORDER_ID}:processing`, `${ORDER_ID}:shipped`]);
  });

  it("GIVEN a gift order and \"also\" WHEN it is cancelled after shipping THEN both are told it is cancelled, once", () => {
    const p = createPipeline({ giftRecipients: "also" });
    p.deliver(created(gift));
    p.deliver(fCreate({ id: "5001", status: "success", lines: ALL, created: 10 }));
    const d = p.deliver({ topic: "orders/cancelled", body: cancelledOrderPayload(30, gift) });
    expect(d.kind === "send" && d.messages.map((m) => m.key)).toEqual([`${ORDER_ID}:cancelled`, `${ORDER_ID}:cancelled:gift_recipient`]);
    expectNothing(p.deliver({ topic: "orders/cancelled", body: cancelledOrderPayload(30, gift) }), /already cancelled/);
  });
});

describe("delivery and completed", () => {
  it("GIVEN everything shipped WHEN shipment_status becomes delivered THEN completed is sent", () => {
    const p = createPipeline();
    p.deliver(created());
    p.deliver(fCreate({ id: "5001", status: "success", lines: ALL, created: 10 }));
    expectSend(p.deliver(fUpdate({ id: "5001", status: "success", lines: ALL, created: 10, updated: 90, shipmentStatus: "delivered" })), "completed", "5001");
    expect(statusesOf(p)).toEqual(["processing", "shipped", "completed"]);
  });

  it("GIVEN everything shipped WHEN a delivered fulfillment event arrives THEN completed is sent; in_transit before it sends nothing", () => {
    const p = createPipeline();
    p.deliver(created());
    p.deliver(fCreate({ id: "5001", status: "success", lines: ALL, created: 10 }));
    expectNothing(p.deliver(fEvent("9001", "5001", "in_transit", 30)), /shipped already queued/);
    expectSend(p.deliver(fEvent("9002", "5001", "delivered", 90)), "completed", "5001");
  });

  it("GIVEN a partial shipment delivered WHEN nothing else shipped THEN it is not completed", () => {
    const p = createPipeline();
    p.deliver(created());
    p.deliver(fCreate({ id: "5001", status: "success", lines: [[LINE_A, 2]], created: 10 }));
    expectNothing(p.deliver(fEvent("9001", "5001", "delivered", 60)), /partial shipment 5001 already announced/);
    expectSend(p.deliver(fCreate({ id: "5002", status: "success", lines: [[LINE_B, 1]], created: 70 })), "shipped", "5002");
    expectSend(p.deliver(fEvent("9002", "5002", "delivered", 120)), "completed", "5002");
  });

  it("GIVEN everything shipped in two parcels WHEN only one is delivered THEN it is not completed yet", () => {
    const p = createPipeline();
    p.deliver(created());
    p.deliver(fCreate({ id: "5001", status: "success", lines: [[LINE_A, 2]], created: 10 }));
    p.deliver(fCreate({ id: "5002", status: "success", lines: [[LINE_B, 1]], created: 20 }));
    expectNothing(p.deliver(fEvent("9002", "5002", "delivered", 60)), /shipped already queued/);
    expectSend(p.deliver(fEvent("9001", "5001", "delivered", 80)), "completed", "5002");
  });

  it("GIVEN the first thing known is a delivered full shipment WHEN decided THEN only completed is sent", () => {
    const p = createPipeline();
    const delivered = fulfillmentPayload({ id: "5001", status: "success", lines: ALL, created: 10, shipmentStatus: "delivered" });
    expectSend(p.deliver(created({ fulfillments: [delivered] })), "completed", "5001");
    expect(statusesOf(p)).toEqual(["completed"]);
  });

  it("GIVEN completed WHEN a late in_transit event arrives THEN nothing, saying why", () => {
    const p = createPipeline();
    p.deliver(created({ fulfillments: [fulfillmentPayload({ id: "5001", status: "success", lines: ALL, created: 10, shipmentStatus: "delivered" })] }));
    expectNothing(p.deliver(fEvent("9001", "5001", "in_transit", 30)), /^order already completed; late fulfillment event ignored$/);
    expectNothing(p.deliver(fCreate({ id: "5001", status: "pending", lines: ALL, created: 10 })), /order already completed/);
  });
});

describe("cancellation", () => {
  it("GIVEN processing sent WHEN the order is cancelled before shipping THEN cancelled is sent, then nothing ever again", () => {
    const p = createPipeline();
    p.deliver(created());
    const d = p.deliver(cancelled(30));
    expectSend(d, "cancelled");
    expect(d.kind === "send" && d.messages[0]?.key).toBe(`${ORDER_ID}:cancelled`);
    expectNothing(p.deliver(fCreate({ id: "5001", status: "success", lines: ALL, created: 40 })), /^order already cancelled; fulfillment update ignored$/);
    expectNothing(p.deliver(fEvent("9001", "5001", "delivered", 90)), /^order already cancelled; fulfillment event ignored$/);
    expectNothing(p.deliver(cancelled(30)), /already cancelled/);
    expect(statusesOf(p)).toEqual(["processing", "cancelled"]);
  });

  it("GIVEN the order shipped WHEN it is cancelled THEN cancelled is still sent", () => {
    const p = createPipeline();
    p.deliver(created());
    p.deliver(fCreate({ id: "5001", status: "success", lines: ALL, created: 10 }));
    expectSend(p.deliver(cancelled(60)), "cancelled");
    expect(statusesOf(p)).toEqual(["processing", "shipped", "cancelled"]);
  });

  it("GIVEN the first thing known is a cancelled order with shipments WHEN decided THEN only cancelled is sent", () => {
    const p = createPipeline();
    const body = cancelledOrderPayload(60, { fulfillments: [fulfillmentPayload({ id: "5001", status: "success", lines: ALL, created: 10 })] });
    expectSend(p.deliver({ topic: "orders/cancelled", body }), "cancelled");
    expect(statusesOf(p)).toEqual(["cancelled"]);
  });

  it("GIVEN a cancelled fulfillment WHEN it is the only news THEN it sends nothing by itself", () => {
    const p = createPipeline({ sendProcessingOnCreate: false });
    p.deliver(created());
    expectNothing(p.deliver(fCreate({ id: "5001", status: "cancelled", lines: ALL, created: 10 })), /cancelled or failed fulfillment sends nothing by itself/);
  });

  it("GIVEN a pending fulfillment cancelled before it arrives WHEN the late create arrives THEN no processing is sent", () => {
    const p = createPipeline({ sendProcessingOnCreate: false });
    p.deliver(created());
    p.deliver(fUpdate({ id: "5001", status: "cancelled", lines: ALL, created: 10, updated: 20 }));
    expectNothing(p.deliver(fCreate({ id: "5001", status: "pending", lines: ALL, created: 10 })), /sends nothing by itself/);
    expect(p.queued).toEqual([]);
  });

  it("GIVEN a shipped fulfillment WHEN it is cancelled THEN nothing is sent (no step back)", () => {
    const p = createPipeline();
    p.deliver(created());
    p.deliver(fCreate({ id: "5001", status: "success", lines: ALL, created: 10 }));
    expectNothing(p.deliver(fUpdate({ id: "5001", status: "cancelled", lines: ALL, created: 10, updated: 20 })), /cancelled or failed fulfillment sends nothing by itself \(order already shipped\)$/);
  });
});

describe("duplicates and reordering", () => {
  it("GIVEN the same fulfillment webhook twice WHEN delivered THEN the second sends nothing", () => {
    const p = createPipeline();
    p.deliver(created());
    const f = fCreate({ id: "5001", status: "success", lines: [[LINE_A, 2]], created: 10 });
    expectSend(p.deliver(f), "partially_shipped", "5001");
    expectNothing(p.deliver(f), /already announced/);
    expect(p.emitted.map((m) => m.key)).toEqual([`${ORDER_ID}:processing`, `${ORDER_ID}:partially_shipped:5001`]);
  });

  it("GIVEN delivered arrives before the fulfillment and the order WHEN decided THEN the app asks for the order, then sends completed only", () => {
    const finalOrder = () => orderPayload({ fulfillments: [fulfillmentPayload({ id: "5001", status: "success", lines: ALL, created: 10 })] });
    const p = createPipeline({ currentOrder: finalOrder });
    expectSend(p.deliver(fEvent("9001", "5001", "delivered", 90)), "completed", "5001");
    expect(p.lookups).toBe(1);
    expectNothing(p.deliver(fCreate({ id: "5001", status: "pending", lines: ALL, created: 10 })), /already completed/);
    expectNothing(p.deliver(created()), /already completed/);
    expect(statusesOf(p)).toEqual(["completed"]);
  });

  it("GIVEN a tracking event for a fulfillment the app has never seen WHEN decided THEN it needs the order", () => {
    const p = createPipeline();
    p.deliver(created());
    const d = p.deliver(fEvent("9001", "5001", "in_transit", 30));
    expect(d).toEqual({ kind: "needs_order", reason: "fulfillment 5001 is known only from a tracking event" });
  });

  it("GIVEN the fulfillment arrives before orders/create WHEN decided THEN it needs the order; after the lookup it is shipped; the late create sends nothing", () => {
    const p = createPipeline({ currentOrder: () => orderPayload() });
    const d = p.deliver(fCreate({ id: "5001", status: "success", lines: ALL, created: 10 }));
    expectSend(d, "shipped", "5001");
    expect(p.lookups).toBe(1);
    expectNothing(p.deliver(created()), /^shipped already queued for this order; orders\/create changes nothing$/);
  });

  it("GIVEN no line items are known WHEN a fulfillment succeeds THEN the decision says it needs the order", () => {
    const k = applyFulfillment(undefined, parsed(parseFulfillmentPayload(fulfillmentPayload({ id: "5001", status: "success", lines: [[LINE_A, 1]], created: 10 }))));
    expect(decideMessages({ knowledge: k, alreadyQueued: [], trigger: "fulfillment", prefs: { sendProcessingOnCreate: true } })).toEqual({
      kind: "needs_order",
      reason: "the app does not know the order's line items yet",
    });
  });

  it("GIVEN no line items are known WHEN the fulfillment is only open THEN processing is decided without the order", () => {
    const k = applyFulfillment(undefined, parsed(parseFulfillmentPayload(fulfillmentPayload({ id: "5001", status: "open", lines: [[LINE_A, 1]], created: 10 }))));
    expectSend(decideMessages({ knowledge: k, alreadyQueued: [], trigger: "fulfillment", prefs: { sendProcessingOnCreate: false } }), "processing");
  });

  it("GIVEN a fulfillment that ships a line item the app does not know WHEN decided THEN it needs the (edited) order", () => {
    const p = createPipeline();
    p.deliver(created());
    const d = p.deliver(fCreate({ id: "5001", status: "success", lines: [["999", 1]], created: 10 }));
    expect(d).toEqual({ kind: "needs_order", reason: "fulfillment 5001 ships line item 999, unknown to the app (order edited?)" });
  });

  it("GIVEN a fulfillment payload without line items WHEN decided THEN it needs the order", () => {
    const k0 = applyOrder(undefined, parsed(parseOrderPayload(orderPayload())));
    const k = applyFulfillment(k0, parsed(parseFulfillmentPayload({ id: 5001, order_id: ORDER_ID, status: "success" })));
    expect(decideMessages({ knowledge: k, alreadyQueued: [], trigger: "fulfillment", prefs: { sendProcessingOnCreate: true } })).toMatchObject({
      kind: "needs_order",
      reason: "fulfillment 5001 arrived without its line items",
    });
  });

  it("GIVEN the trigger order_lookup WHEN facts are still missing THEN it never asks for the order again", () => {
    const stubOnly = applyFulfillmentEvent(undefined, parsed(parseFulfillmentEventPayload(fulfillmentEventPayload({ id: "9001", fulfillmentId: "5001", status: "delivered", happened: 90 }))));
    const prefs = { sendProcessingOnCreate: true };
    expectNothing(decideMessages({ knowledge: stubOnly, alreadyQueued: [], trigger: "order_lookup", prefs }), /nothing has shipped yet/);
    const noLines = applyFulfillment(emptyKnowledge(ORDER_ID), parsed(parseFulfillmentPayload(fulfillmentPayload({ id: "5001", status: "success", lines: ALL, created: 10 }))));
    expectNothing(decideMessages({ knowledge: noLines, alreadyQueued: [], trigger: "order_lookup", prefs }), /line items are still unknown after reading the order/);
  });

  it("GIVEN shipped already queued WHEN knowledge only shows a partial shipment THEN nothing (never a lower rank)", () => {
    const k0 = applyOrder(undefined, parsed(parseOrderPayload(orderPayload())));
    const k = applyFulfillment(k0, parsed(parseFulfillmentPayload(fulfillmentPayload({ id: "5001", status: "success", lines: [[LINE_A, 1]], created: 10 }))));
    expectNothing(
      decideMessages({ knowledge: k, alreadyQueued: [{ status: "shipped" }], trigger: "fulfillment", prefs: { sendProcessingOnCreate: true } }),
      /^order already shipped; late fulfillment update ignored$/,
    );
  });
});

describe("messageKey and describeDecision", () => {
  it("builds one key per status and one per fulfillment for partial shipments", () => {
    expect(messageKey("42", "shipped")).toBe("42:shipped");
    expect(messageKey("42", "partially_shipped", "7")).toBe("42:partially_shipped:7");
    expect(messageKey("42", "completed", "7")).toBe("42:completed");
  });

  it("describes each kind of decision in one readable line", () => {
    expect(describeDecision({ kind: "send", messages: [{ status: "shipped", key: "42:shipped" }], reason: "everything has shipped" })).toBe(
      "send shipped (42:shipped): everything has shipped",
    );
    expect(describeDecision({ kind: "nothing", reason: "order already completed; late fulfillment event ignored" })).toBe(
      "nothing to send: order already completed; late fulfillment event ignored",
    );
    expect(describeDecision({ kind: "needs_order", reason: "x" })).toBe("read the order from Shopify first: x");
  });
});

// ---------------------------------------------------------------------------------------
// Property: any order of arrival, with duplicates, keeps the lifecycle sane.

// Labelled, so that a failing run prints a readable counterexample.
const THREE_PARTS: Record<string, Delivery> = {
  "orders/create": created(),
  "5001 pending": fCreate({ id: "5001", status: "pending", lines: [[LINE_A, 1]], created: 10 }),
  "5001 success": fUpdate({ id: "5001", status: "success", lines: [[LINE_A, 1]], created: 10, updated: 12 }),
  "5001 in_transit": fEvent("9001", "5001", "in_transit", 20),
  "5002 success": fCreate({ id: "5002", status: "success", lines: [[LINE_A, 1]], created: 30 }),
  "5009 cancelled": fCreate({ id: "5009", status: "cancelled", lines: [[LINE_B, 1]], created: 35 }),
  "5003 open": fCreate({ id: "5003", status: "open", lines: [[LINE_B, 1]], created: 40 }),
  "5003 success": fUpdate({ id: "5003", status: "success", lines: [[LINE_B, 1]], created: 40, updated: 45 }),
  "5001 delivered": fEvent("9002", "5001", "delivered", 60),
  "5002 delivered": fEvent("9003", "5002", "delivered", 70),
  "5003 delivered": fUpdate({ id: "5003", status: "success", lines: [[LINE_B, 1]], created: 40, updated: 80, shipmentStatus: "delivered" }),
  // 5003 is then cancelled (parcel lost) and B goes out again as 5004.
  "5003 cancelled": fUpdate({ id: "5003", status: "cancelled", lines: [[LINE_B, 1]], created: 40, updated: 85 }),
  "5004 success": fCreate({ id: "5004", status: "success", lines: [[LINE_B, 1]], created: 88 }),
  "5004 delivered": fEvent("9004", "5004", "delivered", 95),
};
const WITH_CANCELLATION: Record<string, Delivery> = { ...THREE_PARTS, "orders/cancelled": cancelled(100) };

// A shipped with 5001; B is removed by an edit, then refunded; tags change in between (a no-op
// orders/updated); 5001 is cancelled for a wrong tracking number and replaced by 5002.
const withoutB = { line_items: [lineItem(LINE_A, 2), lineItem(LINE_B, 1, { current_quantity: 0, fulfillable_quantity: 0 })] };
const EDITED_AND_REPLACED: Record<string, Delivery> = {
  "orders/create": created(),
  "5001 success A2": fCreate({ id: "5001", status: "success", lines: [[LINE_A, 2]], created: 10 }),
  "orders/updated tags": updated(15, { tags: "vip" }),
  "orders/updated B removed": updated(20, withoutB),
  "orders/updated B refunded": updated(25, { ...withoutB, refunds: [refund(LINE_B, 1)], financial_status: "partially_refunded" }),
  "5001 cancelled": fUpdate({ id: "5001", status: "cancelled", lines: [[LINE_A, 2]], created: 10, updated: 30 }),
  "5002 success A2": fCreate({ id: "5002", status: "success", lines: [[LINE_A, 2]], created: 31 }),
  "5002 in_transit": fEvent("9001", "5002", "in_transit", 40),
  "5002 delivered": fEvent("9002", "5002", "delivered", 50),
};
const EDITED_THEN_CANCELLED: Record<string, Delivery> = { ...EDITED_AND_REPLACED, "orders/cancelled": cancelled(100) };

const LOOKUPS = {
  "the order as created": () => orderPayload(),
  "the order as it finally is": () =>
    orderPayload({
      updated_at: "2025-03-01T12:00:00Z",
      fulfillments: [
        fulfillmentPayload({ id: "5001", status: "success", lines: [[LINE_A, 1]], created: 10, updated: 12 }),
        fulfillmentPayload({ id: "5002", status: "success", lines: [[LINE_A, 1]], created: 30 }),
      ],
    }),
};

/** A permutation of all deliveries (by label), with some delivered again at random places. */
function arrivals(labels: string[]) {
  return fc
    .tuple(
      fc.shuffledSubarray(labels, { minLength: labels.length, maxLength: labels.length }),
      fc.array(fc.tuple(fc.constantFrom(...labels), fc.nat()), { maxLength: 6 }),
    )
    .map(([order, repeats]) => {
      const out = [...order];
      for (const [label, where] of repeats) out.splice(where % (out.length + 1), 0, label);
      return out;
    });
}

describe.each(Object.entries(LOOKUPS))("PROPERTY with an Admin API read returning %s", (_name, currentOrder) => {
  it.each([
    { label: "a three-part lifecycle", pool: THREE_PARTS, last: "completed" },
    { label: "a lifecycle ending in cancellation", pool: WITH_CANCELLATION, last: "cancelled" },
  ] as const)("any permutation with duplicates of $label: unique keys, the lifecycle moves forward, and it ends $last", ({ pool, last }) => {
    fc.assert(
      fc.property(arrivals(Object.keys(pool)), fc.boolean(), (labels, sendProcessingOnCreate) => {
        const p = createPipeline({ sendProcessingOnCreate, currentOrder });
        for (const label of labels) p.deliver(pool[label]!);
        expectForwardMoving(p.emitted);
        // Once everything has arrived, the order has reached its final status.
        expect(p.emitted.at(-1)?.status).toBe(last);
      }),
      { numRuns: 150 },
    );
  });
});

const LOOKUPS_EDITED = {
  "the order as created": () => orderPayload(),
  "the order as it finally is": () =>
    orderUpdatedPayload(60, {
      ...withoutB,
      refunds: [refund(LINE_B, 1)],
      fulfillments: [
        fulfillmentPayload({ id: "5001", status: "cancelled", lines: [[LINE_A, 2]], created: 10, updated: 30 }),
        fulfillmentPayload({ id: "5002", status: "success", lines: [[LINE_A, 2]], created: 31 }),
      ],
    }),
};

describe.each(Object.entries(LOOKUPS_EDITED))("PROPERTY (edits, refunds, replacement) with an Admin API read returning %s", (_name, currentOrder) => {
  it.each([
    { label: "an order edited, refunded and re-shipped", pool: EDITED_AND_REPLACED, last: "completed" },
    { label: "an edited order ending in cancellation", pool: EDITED_THEN_CANCELLED, last: "cancelled" },
  ] as const)("any permutation with duplicates of $label: unique keys, the lifecycle moves forward, and it ends $last", ({ pool, last }) => {
    fc.assert(
      fc.property(arrivals(Object.keys(pool)), fc.boolean(), (labels, sendProcessingOnCreate) => {
        const p = createPipeline({ sendProcessingOnCreate, currentOrder });
        for (const label of labels) p.deliver(pool[label]!);
        expectForwardMoving(p.emitted);
        expect(p.emitted.at(-1)?.status).toBe(last);
      }),
      { numRuns: 150 },
    );
  });
});

describe("PROPERTY: counter sales", () => {
  const pos = { source_name: "pos", shipping_address: null, shipping_lines: [] };
  const POOL: Record<string, Delivery> = {
    "orders/create": created({ ...pos, fulfillments: [fulfillmentPayload({ id: "5001", status: "success", lines: ALL, created: 0, tracking: null })] }),
    "5001 success": fCreate({ id: "5001", status: "success", lines: ALL, created: 0, tracking: null }),
    "orders/updated": updated(5, pos),
    "orders/cancelled": { topic: "orders/cancelled", body: cancelledOrderPayload(30, pos) },
  };
  it.each(["nothing", "completed"] as const)("any permutation with duplicates, the shop choosing %s: at most one completed and nothing else", (inPersonSales) => {
    fc.assert(
      fc.property(arrivals(Object.keys(POOL)), (labels) => {
        const p = createPipeline({ inPersonSales });
        for (const label of labels) p.deliver(POOL[label]!);
        expectForwardMoving(p.emitted);
        if (inPersonSales === "nothing") expect(p.emitted).toEqual([]);
        else expect(p.emitted.map((m) => m.status)).toEqual(p.emitted.length === 0 ? [] : ["completed"]);
      }),
      { numRuns: 100 },
    );
  });
});

describe("PROPERTY: gift orders told to the buyer and the recipient (\"also\")", () => {
  const gift = giftChanges();
  const POOL: Record<string, Delivery> = {
    ...THREE_PARTS,
    "orders/create": created(gift),
    "orders/updated tags": updated(50, { ...gift, tags: "gift" }),
  };
  // A message decided before the app has read the order's addresses (a pending fulfillment
  // first) cannot know it is a gift: from the first one that does, both hear the same.
  it("any permutation with duplicates: each key queued at most once, each person's messages move forward, and the recipient hears what the buyer hears once the gift is known", () => {
    fc.assert(
      fc.property(arrivals(Object.keys(POOL)), fc.boolean(), (labels, sendProcessingOnCreate) => {
        const p = createPipeline({ giftRecipients: "also", sendProcessingOnCreate, currentOrder: () => orderPayload(gift) });
        for (const label of labels) p.deliver(POOL[label]!);
        const keys = p.emitted.map((m) => m.key);
        expect(new Set(keys).size).toBe(keys.length);
        const buyer = p.emitted.filter((m) => m.audience === undefined);
        const recipient = p.emitted.filter((m) => m.audience === "gift_recipient");
        expectForwardMoving(buyer);
        expectForwardMoving(recipient.map((m) => ({ ...m, key: m.key.replace(/:gift_recipient$/, "") })));
        const pairs = (ms: PlannedMessage[]) => ms.map((m) => [m.status, m.fulfillmentId]);
        expect(pairs(recipient)).toEqual(pairs(buyer.slice(buyer.length - recipient.length)));
        expect(buyer.at(-1)?.status).toBe("completed");
        expect(recipient.at(-1)?.status).toBe("completed");
      }),
      { numRuns: 150 },
    );
  });
  it("any permutation with duplicates, the recipient told instead: one forward-moving lifecycle, each key once, ending with the recipient's completed", () => {
    fc.assert(
      fc.property(arrivals(Object.keys(POOL)), (labels) => {
        const p = createPipeline({ giftRecipients: "instead", currentOrder: () => orderPayload(gift) });
        for (const label of labels) p.deliver(POOL[label]!);
        const keys = p.emitted.map((m) => m.key);
        expect(new Set(keys).size).toBe(keys.length);
        expectForwardMoving(p.emitted.map((m) => ({ ...m, key: m.key.replace(/:gift_recipient$/, "") })));
        expect(p.emitted.at(-1)).toMatchObject({ status: "completed", audience: "gift_recipient" });
      }),
      { numRuns: 100 },
    );
  });
});

/**
 * Forward-moving: every key once; ranks never go down, except that a replacement (a message
 * keyed by a fulfillment) may repeat or follow `shipped`; nothing after completed or cancelled.
 */
function expectForwardMoving(emitted: readonly PlannedMessage[]): void {
  const keys = emitted.map((m) => m.key);
  expect(new Set(keys).size).toBe(keys.length);
  let highest = -1;
  for (const m of emitted) {
    const rank = STATUS_RANK[m.status];
    expect(highest, `${m.key} after cancelled`).toBeLessThan(STATUS_RANK.cancelled);
    if (highest === STATUS_RANK.completed) expect(m.status, `${m.key} after completed`).toBe("cancelled");
    const perFulfillment = m.key.split(":").length === 3;
    if (perFulfillment) expect(rank, m.key).toBeLessThanOrEqual(STATUS_RANK.shipped);
    else expect(rank, m.key).toBeGreaterThan(highest);
    highest = Math.max(highest, rank);
  }
}

function parsed<T>(result: { ok: true; value: T } | { ok: false; reason: string }): T {
  if (!result.ok) throw new Error(result.reason);
  return result.value;
}

describe("where an order stands (Shopify Flow's current status)", () => {
  const order = (changes: JsonObject = {}) => applyOrder(undefined, parsed(parseOrderPayload(orderPayload(changes))));
  const ship = (k: ReturnType<typeof order>, spec: FulfillmentSpec) => applyFulfillment(k, parsed(parseFulfillmentPayload(fulfillmentPayload(spec))));

  it("GIVEN an order with nothing shipped WHEN asked THEN it is processing", () => {
    expect(orderStanding(order())).toEqual({ status: "processing" });
  });

  it("GIVEN part of the order shipped WHEN asked THEN it is partially shipped, with that shipment", () => {
    expect(orderStanding(ship(order(), { id: "71", status: "success", lines: [[LINE_A, 2]], created: 5 }))).toEqual({ status: "partially_shipped", shipmentId: "71" });
  });

  it("GIVEN everything shipped, then delivered WHEN asked THEN it is shipped, then completed, with the newest shipment", () => {
    const shipped = ship(ship(order(), { id: "71", status: "success", lines: [[LINE_A, 2]], created: 5 }), { id: "72", status: "success", lines: [[LINE_B, 1]], created: 9 });
    expect(orderStanding(shipped)).toEqual({ status: "shipped", shipmentId: "72" });
    const delivered = ship(ship(shipped, { id: "71", status: "success", lines: [[LINE_A, 2]], created: 5, updated: 20, shipmentStatus: "delivered" }), { id: "72", status: "success", lines: [[LINE_B, 1]], created: 9, updated: 20, shipmentStatus: "delivered" });
    expect(orderStanding(delivered)).toEqual({ status: "completed", shipmentId: "72" });
  });

  it("GIVEN a cancelled order WHEN asked THEN it is cancelled, even after shipping", () => {
    const shipped = ship(order(), { id: "71", status: "success", lines: ALL, created: 5 });
    expect(orderStanding(applyOrder(shipped, parsed(parseOrderPayload(cancelledOrderPayload(30)))))).toEqual({ status: "cancelled" });
  });

  it("GIVEN a shipment of an order whose line items the app never read WHEN asked THEN the standing is unknown", () => {
    const k = applyFulfillment(undefined, parsed(parseFulfillmentPayload(fulfillmentPayload({ id: "71", status: "success", lines: ALL, created: 5 }))));
    expect(orderStanding(k)).toBeUndefined();
  });
});
