/**
 * What the app knows about one order, built up from webhooks that arrive at least once, out
 * of order and sometimes hours late. The reducers are pure and idempotent, and they merge
 * rather than overwrite:
 *
 * - newer wins: order facts by the order's `updated_at`, fulfillment facts by the
 *   fulfillment's `updated_at`, tracking events by `happened_at`; a payload without a
 *   timestamp only fills gaps;
 * - facts are replaced but never erased: a trimmed payload (`include_fields`) or an Admin API
 *   read that lacks a field does not wipe what an earlier payload said;
 * - monotonic flags are sticky: a cancelled order stays cancelled, a cancelled fulfillment
 *   stays cancelled and a delivered fulfillment stays delivered.
 *
 * The knowledge is a plain JSON-serialisable object so that the caller can store it as is.
 */
import {
  trackingOf,
  type AddressPayload,
  type FulfillmentEventPayload,
  type FulfillmentPayload,
  type OrderFulfillmentPayload,
  type OrderPayload,
  type ShippingLinePayload,
} from "./payloads";

export interface AddressContact {
  phone: string | null;
  /** The person the address is for ("first last", trimmed, lower-case): tells a gift recipient from the buyer. */
  name?: string | null;
  /** ISO 3166-1 alpha-2 country of the address: reads national numbers, this one's and others'. */
  countryCode: string | null;
}

export interface LineItemFacts {
  /** Quantity the shopper is still owed: `current_quantity`, else quantity minus refunds. */
  requiredQuantity: number;
  /** False for digital goods and gift cards: they never ship, so they never hold back "shipped". */
  requiresShipping: boolean;
}

export interface FulfillmentFacts {
  id: string;
  name: string | null;
  /** pending, open, success, cancelled, error, failure or a newer value; null = known only from a tracking event. */
  status: string | null;
  shipmentStatus: string | null;
  /** Sticky: set by `shipment_status` delivered / picked_up or such a fulfillment event. */
  delivered: boolean;
  /** Quantity per line item id in this fulfillment; null while unknown. */
  lineItems: Record<string, number> | null;
  trackingCompany: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  lastEventStatus: string | null;
  lastEventAt: string | null;
}

export interface ContactFacts {
  customerFirstName: string | null;
  shippingAddress: AddressContact | null;
  customerPhone: string | null;
  customerDefaultAddress: AddressContact | null;
  billingAddress: AddressContact | null;
  orderPhone: string | null;
  /** `updated_at` of the order payload that last changed one of the phones above (ISO UTC). */
  phoneChangedAt?: string | null;
}

export interface OrderKnowledge {
  orderId: string;
  orderName: string | null;
  /** `updated_at` of the newest order payload applied (ISO UTC). */
  orderUpdatedAt: string | null;
  /** Sticky once set. */
  cancelledAt: string | null;
  /** False until an order payload with readable line items has been applied. */
  lineItemsKnown: boolean;
  lineItems: Record<string, LineItemFacts>;
  fulfillments: Record<string, FulfillmentFacts>;
  contact: ContactFacts;
  orderStatusUrl: string | null;
  noteAttributes: Array<{ name: string; value: string }>;
  /** How the order was sold and is delivered (absent in knowledge stored before it was kept). */
  sale?: SaleFacts;
  /** The customer's id: the order-status page's opt-in must come from them (absent while unknown). */
  customerId?: string;
}

export interface SaleFacts {
  /** `source_name`: web, pos, shopify_draft_order, an app's id, ... */
  sourceName: string | null;
  /** `customer_locale` (en, pt-BR): the template language (absent before it was kept). */
  customerLocale?: string | null;
  /** False when the order has no shipping address and no shipping line (a counter sale). */
  shipsToCustomer: boolean;
  /** From the shipping lines: pickup, local delivery or shipping; null while unknown. */
  deliveryMethod: DeliveryMethod | null;
}

export type DeliveryMethod = "shipping" | "pickup" | "local_delivery";

/** Delivered to the door, or collected by the shopper at a pickup point. */
function isHandedOver(status: string | null): boolean {
  return status === "delivered" || status === "picked_up";
}

/** Fulfillment statuses after which nothing was (or will be) shipped by that fulfillment. */
export const VOID_FULFILLMENT_STATUSES: readonly string[] = ["cancelled", "error", "failure"];

export function emptyKnowledge(orderId: string): OrderKnowledge {
  return {
    orderId,
    orderName: null,
    orderUpdatedAt: null,
    cancelledAt: null,
    lineItemsKnown: false,
    lineItems: {},
    fulfillments: {},
    contact: {
      customerFirstName: null,
      shippingAddress: null,
      customerPhone: null,
      customerDefaultAddress: null,
      billingAddress: null,
      orderPhone: null,
    },
    orderStatusUrl: null,
    noteAttributes: [],
  };
}

export function applyOrder(knowledge: OrderKnowledge | undefined, order: OrderPayload): OrderKnowledge {
  const base = knowledgeFor(knowledge, order.id);
  const newer = isNotOlder(order.updated_at, base.orderUpdatedAt);
  const lineItems = lineItemFactsOf(order);

  let next: OrderKnowledge = { ...base, cancelledAt: base.cancelledAt ?? order.cancelled_at };
  if (newer) {
    next = {
      ...next,
      orderName: order.name ?? base.orderName,
      orderUpdatedAt: latest(order.updated_at, base.orderUpdatedAt),
      // The first order payload sets the phones; a later one that changes them corrects them.
      contact: mergeContact(base.contact, contactOf(order), isFirstOrderPayload(base) ? null : order.updated_at),
      sale: saleOf(order, base.sale),
      orderStatusUrl: order.order_status_url ?? base.orderStatusUrl,
      noteAttributes: order.note_attributes.length > 0 ? order.note_attributes : base.noteAttributes,
      ...customerIdOf(order, base),
    };
  }
  // Line items: the newer payload wins; an older one still fills in what was never known.
  if (lineItems !== null && (newer || !base.lineItemsKnown)) {
    next = { ...next, lineItemsKnown: true, lineItems };
  }
  for (const f of order.fulfillments) {
    next = withFulfillment(next, factsOfFulfillment(f));
  }
  return next;
}

export function applyFulfillment(knowledge: OrderKnowledge | undefined, fulfillment: FulfillmentPayload): OrderKnowledge {
  return withFulfillment(knowledgeFor(knowledge, fulfillment.order_id), factsOfFulfillment(fulfillment));
}

export function applyFulfillmentEvent(
  knowledge: OrderKnowledge | undefined,
  event: FulfillmentEventPayload,
): OrderKnowledge {
  const base = knowledgeFor(knowledge, event.order_id);
  const existing = base.fulfillments[event.fulfillment_id] ?? stubFulfillment(event.fulfillment_id);
  const eventIsNewer = isNotOlder(event.happened_at, existing.lastEventAt);
  const updated: FulfillmentFacts = {
    ...existing,
    delivered: existing.delivered || isHandedOver(event.status),
    lastEventStatus: eventIsNewer ? (event.status ?? existing.lastEventStatus) : existing.lastEventStatus,
    lastEventAt: latest(event.happened_at, existing.lastEventAt),
  };
  return { ...base, fulfillments: { ...base.fulfillments, [updated.id]: updated } };
}

/** True when two versions of an order's knowledge differ at most in the order's `updated_at`. */
export function sameFacts(a: OrderKnowledge, b: OrderKnowledge): boolean {
  return JSON.stringify({ ...a, orderUpdatedAt: null }) === JSON.stringify({ ...b, orderUpdatedAt: null });
}

/** Orders fulfillments by creation time, then by id (Shopify ids grow over time). */
export function compareFulfillments(a: FulfillmentFacts, b: FulfillmentFacts): number {
  if (a.createdAt !== null && b.createdAt !== null && a.createdAt !== b.createdAt) {
    return a.createdAt < b.createdAt ? -1 : 1;
  }
  return compareIds(a.id, b.id);
}

export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The most recent fulfillment with status `success`, if any. */
export function latestSuccessfulFulfillment(knowledge: OrderKnowledge): FulfillmentFacts | undefined {
  return Object.values(knowledge.fulfillments)
    .filter((f) => f.status === "success")
    .sort(compareFulfillments)
    .at(-1);
}

// ---------------------------------------------------------------------------------------

function knowledgeFor(knowledge: OrderKnowledge | undefined, orderId: string): OrderKnowledge {
  if (knowledge === undefined) return emptyKnowledge(orderId);
  if (knowledge.orderId !== orderId) {
    // A caller bug (knowledge loaded for the wrong order), not a payload problem.
    throw new Error(`payload for order ${orderId} applied to knowledge of order ${knowledge.orderId}`);
  }
  return knowledge;
}

/** True when `incoming` is at least as new as `known`; an undated fact never beats a dated one. */
function isNotOlder(incoming: string | null, known: string | null): boolean {
  if (known === null) return true;
  if (incoming === null) return false;
  return incoming >= known;
}

function latest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a >= b ? a : b;
}

function earliest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a <= b ? a : b;
}

function lineItemFactsOf(order: OrderPayload): Record<string, LineItemFacts> | null {
  if (order.line_items === null) return null;
  const refunded = new Map<string, number>();
  for (const refund of order.refunds) {
    for (const line of refund.refund_line_items) {
      refunded.set(line.line_item_id, (refunded.get(line.line_item_id) ?? 0) + line.quantity);
    }
  }
  const facts: Record<string, LineItemFacts> = {};
  for (const item of order.line_items) {
    // current_quantity already accounts for refunds and order edits that removed items.
    const required = item.current_quantity ?? Math.max(0, item.quantity - (refunded.get(item.id) ?? 0));
    const previous = facts[item.id];
    facts[item.id] = {
      requiredQuantity: (previous?.requiredQuantity ?? 0) + required,
      requiresShipping: item.requires_shipping !== false,
    };
  }
  return facts;
}

function addressContact(address: AddressPayload | null): AddressContact | null {
  if (address === null || (address.phone === null && address.country_code === null && address.name === null)) return null;
  return { phone: address.phone, countryCode: address.country_code, name: address.name };
}

function saleOf(order: OrderPayload, known: SaleFacts | undefined): SaleFacts {
  const lines = order.shipping_lines;
  return {
    sourceName: order.source_name ?? known?.sourceName ?? null,
    customerLocale: order.customer_locale ?? known?.customerLocale ?? null,
    shipsToCustomer: order.shipping_address !== null || (lines !== null && lines.length > 0),
    deliveryMethod: lines === null || lines.length === 0 ? (known?.deliveryMethod ?? null) : deliveryMethodOf(lines),
  };
}

/** Shopify's own delivery category on the shipping line (pick-up, local, ...); anything else ships. */
function deliveryMethodOf(lines: ReadonlyArray<ShippingLinePayload>): DeliveryMethod {
  // Spelled pick-up, pick_up or pickup depending on where it comes from.
  const kinds = lines.map((line) => (line.delivery_category ?? "").replace(/[^a-z]/g, ""));
  if (kinds.some((k) => k.includes("pickup"))) return "pickup";
  if (kinds.some((k) => k.includes("local"))) return "local_delivery";
  return "shipping";
}

function contactOf(order: OrderPayload): ContactFacts {
  return {
    customerFirstName:
      // The buyer's name: a gift's shipping address names the recipient.
      order.customer?.first_name ?? order.billing_address?.first_name ?? order.shipping_address?.first_name ?? null,
    shippingAddress: addressContact(order.shipping_address),
    customerPhone: order.customer?.phone ?? null,
    customerDefaultAddress: addressContact(order.customer?.default_address ?? null),
    billingAddress: addressContact(order.billing_address),
    orderPhone: order.phone,
  };
}

/** Only when known, so that knowledge without a customer keeps its shape. */
function customerIdOf(order: OrderPayload, base: OrderKnowledge): { customerId?: string } {
  const customerId = order.customer?.id ?? base.customerId;
  return customerId ? { customerId } : {};
}

function isFirstOrderPayload(k: OrderKnowledge): boolean {
  return k.orderUpdatedAt === null && !k.lineItemsKnown && k.orderName === null;
}

/** `correctedAt`: when a change of phone counts as a correction (null for the first payload). */
function mergeContact(known: ContactFacts, incoming: ContactFacts, correctedAt: string | null): ContactFacts {
  const merged: ContactFacts = {
    customerFirstName: incoming.customerFirstName ?? known.customerFirstName,
    shippingAddress: incoming.shippingAddress ?? known.shippingAddress,
    customerPhone: incoming.customerPhone ?? known.customerPhone,
    customerDefaultAddress: incoming.customerDefaultAddress ?? known.customerDefaultAddress,
    billingAddress: incoming.billingAddress ?? known.billingAddress,
    orderPhone: incoming.orderPhone ?? known.orderPhone,
  };
  const changed = JSON.stringify(phonesOf(merged)) !== JSON.stringify(phonesOf(known));
  return { ...merged, phoneChangedAt: changed && correctedAt !== null ? correctedAt : (known.phoneChangedAt ?? null) };
}

function phonesOf(c: ContactFacts): Record<string, string | null> {
  return {
    order: c.orderPhone,
    customer: c.customerPhone,
    customerDefault: c.customerDefaultAddress?.phone ?? null,
    billing: c.billingAddress?.phone ?? null,
    shipping: c.shippingAddress?.phone ?? null,
  };
}

function factsOfFulfillment(f: FulfillmentPayload | OrderFulfillmentPayload): FulfillmentFacts {
  let lineItems: Record<string, number> | null = null;
  if (f.line_items !== null) {
    lineItems = {};
    for (const line of f.line_items) lineItems[line.id] = (lineItems[line.id] ?? 0) + line.quantity;
  }
  const tracking = trackingOf(f);
  return {
    id: f.id,
    name: f.name,
    status: f.status,
    shipmentStatus: f.shipment_status,
    delivered: isHandedOver(f.shipment_status),
    lineItems,
    trackingCompany: f.tracking_company,
    trackingNumber: tracking.number,
    trackingUrl: tracking.url,
    createdAt: f.created_at,
    updatedAt: f.updated_at,
    lastEventStatus: null,
    lastEventAt: null,
  };
}

function stubFulfillment(id: string): FulfillmentFacts {
  return {
    id,
    name: null,
    status: null,
    shipmentStatus: null,
    delivered: false,
    lineItems: null,
    trackingCompany: null,
    trackingNumber: null,
    trackingUrl: null,
    createdAt: null,
    updatedAt: null,
    lastEventStatus: null,
    lastEventAt: null,
  };
}

function withFulfillment(knowledge: OrderKnowledge, incoming: FulfillmentFacts): OrderKnowledge {
  const existing = knowledge.fulfillments[incoming.id];
  const merged = existing === undefined ? incoming : mergeFulfillment(existing, incoming);
  return { ...knowledge, fulfillments: { ...knowledge.fulfillments, [merged.id]: merged } };
}

function mergeFulfillment(existing: FulfillmentFacts, incoming: FulfillmentFacts): FulfillmentFacts {
  const newer = isNotOlder(incoming.updatedAt, existing.updatedAt);
  const [primary, secondary] = newer ? [incoming, existing] : [existing, incoming];
  const cancelled = existing.status === "cancelled" || incoming.status === "cancelled";
  const eventFromIncoming = isNotOlder(incoming.lastEventAt, existing.lastEventAt) && incoming.lastEventAt !== null;
  return {
    id: existing.id,
    name: primary.name ?? secondary.name,
    status: cancelled ? "cancelled" : (primary.status ?? secondary.status),
    shipmentStatus: primary.shipmentStatus ?? secondary.shipmentStatus,
    delivered: existing.delivered || incoming.delivered,
    lineItems: primary.lineItems ?? secondary.lineItems,
    trackingCompany: primary.trackingCompany ?? secondary.trackingCompany,
    trackingNumber: primary.trackingNumber ?? secondary.trackingNumber,
    trackingUrl: primary.trackingUrl ?? secondary.trackingUrl,
    createdAt: earliest(existing.createdAt, incoming.createdAt),
    updatedAt: latest(existing.updatedAt, incoming.updatedAt),
    lastEventStatus: eventFromIncoming ? incoming.lastEventStatus : existing.lastEventStatus,
    lastEventAt: latest(existing.lastEventAt, incoming.lastEventAt),
  };
}
