/**
 * A realistic order lifecycle derived from Shopify's 2025-10 samples (the samples
 * themselves are one frozen snapshot: the orders/create sample is already cancelled and has
 * three line items). Every builder returns a webhook body as Shopify would send it.
 *
 * The order: line item A (quantity 2) and line item B (quantity 1), shipping to a valid US
 * number, times counted in minutes after ORDER_CREATED_AT.
 */
import { isObject, loadSample, type JsonObject } from "./shopify-samples";

export const ORDER_ID = "820982911946154500";
export const ORDER_NAME = "#1001";
export const LINE_A = "487817672276298560";
export const LINE_B = "976318377106520300";
export const SHIPPING_PHONE = "(502) 555-0147";
export const SHIPPING_PHONE_E164 = "+15025550147";

const START = Date.parse("2025-03-01T10:00:00Z");

/** An ISO timestamp `minutes` after the order was created, with a -05:00 offset like Shopify's. */
export function at(minutes: number): string {
  const local = new Date(START + minutes * 60_000 - 5 * 3_600_000).toISOString().slice(0, 19);
  return `${local}-05:00`;
}

/** The same instant as at(minutes), normalised to UTC the way the payload readers store it. */
export function utc(minutes: number): string {
  return new Date(START + minutes * 60_000).toISOString();
}

function sampleLineItem(index: number): JsonObject {
  const items = loadSample("orders", "create").line_items;
  const item = Array.isArray(items) ? items[index] : undefined;
  if (!isObject(item)) throw new Error("orders/create sample has no line items");
  return item;
}

export function lineItem(id: string, quantity: number, changes: JsonObject = {}): JsonObject {
  const template = sampleLineItem(id === LINE_B ? 1 : 0);
  return { ...template, id, quantity, current_quantity: quantity, fulfillable_quantity: quantity, ...changes };
}

/** orders/create body of the lifecycle order; `changes` replace top-level fields. */
export function orderPayload(changes: JsonObject = {}): JsonObject {
  const sample = loadSample("orders", "create");
  const shipping = isObject(sample.shipping_address) ? sample.shipping_address : {};
  return {
    ...sample,
    id: ORDER_ID,
    name: ORDER_NAME,
    created_at: at(0),
    updated_at: at(0),
    cancelled_at: null,
    cancel_reason: null,
    fulfillment_status: null,
    fulfillments: [],
    refunds: [],
    line_items: [lineItem(LINE_A, 2), lineItem(LINE_B, 1)],
    shipping_address: { ...shipping, phone: SHIPPING_PHONE },
    ...changes,
  };
}

/**
 * orders/updated body of the lifecycle order as it stands at `minutes`: Shopify's
 * orders/updated sample carrying the order's identity, items and addresses, with `changes`
 * (an edit's current_quantity, a refund, a corrected phone) on top.
 */
export function orderUpdatedPayload(minutes: number, changes: JsonObject = {}): JsonObject {
  const sample = loadSample("orders", "updated");
  const order = orderPayload();
  const identity = Object.fromEntries(
    ["id", "name", "created_at", "line_items", "shipping_address", "billing_address", "customer", "phone", "order_status_url"].map(
      (field) => [field, order[field]],
    ),
  );
  return {
    ...sample,
    ...identity,
    cancelled_at: null,
    cancel_reason: null,
    fulfillments: [],
    refunds: [],
    updated_at: at(minutes),
    ...changes,
  };
}

/** orders/cancelled body: the same order, cancelled at `minutes`. */
export function cancelledOrderPayload(minutes: number, changes: JsonObject = {}): JsonObject {
  return orderPayload({ cancelled_at: at(minutes), cancel_reason: "customer", updated_at: at(minutes), ...changes });
}

/** A refund of `quantity` of a line item, shaped like the refunds/create sample. */
export function refund(lineItemId: string, quantity: number): JsonObject {
  const sample = loadSample("refunds", "create");
  const lines = Array.isArray(sample.refund_line_items) ? sample.refund_line_items : [];
  const line = isObject(lines[0]) ? lines[0] : {};
  return {
    ...sample,
    order_id: ORDER_ID,
    refund_line_items: [{ ...line, line_item_id: lineItemId, quantity, line_item: { id: lineItemId, quantity } }],
  };
}

export interface FulfillmentSpec {
  id: string;
  status: string;
  lines: Array<[lineItemId: string, quantity: number]>;
  /** Minutes after the order was created. */
  created: number;
  /** Minutes; defaults to `created`. */
  updated?: number;
  shipmentStatus?: string | null;
  tracking?: { company: string | null; number: string | null; url: string | null } | null;
}

/** fulfillments/create or fulfillments/update body. */
export function fulfillmentPayload(spec: FulfillmentSpec): JsonObject {
  const sample = loadSample("fulfillments", "create");
  const items = Array.isArray(sample.line_items) ? sample.line_items : [];
  const template = isObject(items[0]) ? items[0] : {};
  const tracking =
    spec.tracking === undefined
      ? { company: "UPS", number: `1Z${spec.id}`, url: `https://www.ups.com/track?tracknum=1Z${spec.id}` }
      : spec.tracking;
  return {
    ...sample,
    id: spec.id,
    order_id: ORDER_ID,
    name: `${ORDER_NAME}.${spec.id.slice(-1)}`,
    status: spec.status,
    shipment_status: spec.shipmentStatus ?? null,
    created_at: at(spec.created),
    updated_at: at(spec.updated ?? spec.created),
    tracking_company: tracking?.company ?? null,
    tracking_number: tracking?.number ?? null,
    tracking_numbers: tracking?.number ? [tracking.number] : [],
    tracking_url: tracking?.url ?? null,
    tracking_urls: tracking?.url ? [tracking.url] : [],
    line_items: spec.lines.map(([id, quantity]) => ({ ...template, id, quantity, fulfillable_quantity: 0 })),
  };
}

/** fulfillment_events/create body. */
export function fulfillmentEventPayload(spec: {
  id: string;
  fulfillmentId: string;
  status: string;
  happened: number;
}): JsonObject {
  const sample = loadSample("fulfillment_events", "create");
  return {
    ...sample,
    id: spec.id,
    fulfillment_id: spec.fulfillmentId,
    order_id: ORDER_ID,
    status: spec.status,
    happened_at: at(spec.happened),
    created_at: at(spec.happened),
    updated_at: at(spec.happened),
  };
}

/** The gift recipient's phone, on the shipping address of a gift order (GB national form). */
export const GIFT_RECIPIENT_PHONE_E164 = "+447400123456";
/** The buyer's phone, on the billing address of a gift order. */
export const GIFT_BUYER_PHONE_E164 = "+919876543212";

/**
 * Changes that make the lifecycle order a gift: billed to Asha Rao (her phone on the billing
 * address, none on the order or the customer), shipped to Priya Shah (hers on the shipping address).
 */
export function giftChanges(recipientPhone: string | null = "07400 123456"): JsonObject {
  const sample = orderPayload();
  const billing = isObject(sample.billing_address) ? sample.billing_address : {};
  const shipping = isObject(sample.shipping_address) ? sample.shipping_address : {};
  return {
    phone: null,
    customer: { ...(isObject(sample.customer) ? sample.customer : {}), first_name: "Asha", last_name: "Rao", phone: null, default_address: null },
    billing_address: { ...billing, first_name: "Asha", last_name: "Rao", name: "Asha Rao", phone: "+91 98765 43212", country_code: "IN" },
    shipping_address: { ...shipping, first_name: "Priya", last_name: "Shah", name: "Priya Shah", phone: recipientPhone, country_code: "GB" },
  };
}
