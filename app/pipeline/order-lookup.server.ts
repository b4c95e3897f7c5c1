import { doublingDelayMs } from "../backoff";
import { cancelLookup, dueLookups } from "../db/repositories/order-states.server";
import type { SqlDatabase } from "../db/sql.server";
import type { Logger } from "../logger.server";
import { applyOrder } from "../orders/knowledge";
import { parseOrderPayload } from "../orders/payloads";
import { findShop } from "../db/repositories/shops.server";
import { planAndEnqueue } from "./enqueue.server";
import { loadOrderForUpdate, saveOrder } from "./order-state.server";

/** Reads an order from Shopify and returns it in the webhook (REST) payload shape. */
export type FetchOrder = (shop: string, orderId: string) => Promise<unknown>;

/**
 * An Admin GraphQL client for a shop, with its offline session: the Shopify library's
 * `unauthenticated.admin`. The process that built the library from its configuration hands
 * it in; this module does not load the library itself.
 */
export type AdminApiFor = (shop: string) => Promise<{
  admin: { graphql(query: string, options: { variables: Record<string, unknown> }): Promise<Response> };
}>;

/** After this many failed reads the app decides from what it has (better late than never). */
export const MAX_LOOKUP_ATTEMPTS = 6;

export const ORDER_QUERY = `#graphql
query OrderForStatusMessage($id: ID!) {
  order(id: $id) {
    legacyResourceId
    name
    updatedAt
    cancelledAt
    phone
    statusPageUrl
    sourceName
    customerLocale
    shippingLines(first: 5) { nodes { deliveryCategory } }
    customAttributes { key value }
    customer { firstName phone defaultAddress { phone countryCodeV2 } }
    shippingAddress { firstName lastName phone countryCodeV2 }
    billingAddress { firstName lastName phone countryCodeV2 }
    lineItems(first: 250) { nodes { id quantity currentQuantity unfulfilledQuantity requiresShipping } }
    fulfillments(first: 100) {
      legacyResourceId
      status
      displayStatus
      createdAt
      updatedAt
      trackingInfo(first: 1) { company number url }
      fulfillmentLineItems(first: 250) { nodes { quantity lineItem { id } } }
    }
  }
}`;

type Json = Record<string, unknown>;

function obj(value: unknown): Json {
  return value && typeof value === "object" ? (value as Json) : {};
}

function list(value: unknown): Json[] {
  const nodes = obj(value).nodes ?? value;
  return Array.isArray(nodes) ? nodes.map(obj) : [];
}

/** gid://shopify/LineItem/123 -> "123" */
function legacyId(gid: unknown): string | null {
  return typeof gid === "string" ? (gid.split("/").pop() ?? null) : null;
}

function address(value: unknown): Json | null {
  if (!value) return null;
  const a = obj(value);
  return {
    first_name: a.firstName ?? null,
    last_name: a.lastName ?? null,
    phone: a.phone ?? null,
    country_code: a.countryCodeV2 ?? null,
  };
}

/**
 * The Admin GraphQL order, in the shape of the orders/* webhook payload, so that one set of
 * readers and reducers serves both. Enum values become the REST spellings (SUCCESS -> success).
 */
export function orderPayloadFromGraphql(order: unknown): Json {
  const o = obj(order);
  const customer = o.customer ? obj(o.customer) : null;
  return {
    id: o.legacyResourceId ?? null,
    name: o.name ?? null,
    updated_at: o.updatedAt ?? null,
    cancelled_at: o.cancelledAt ?? null,
    phone: o.phone ?? null,
    order_status_url: o.statusPageUrl ?? null,
    source_name: o.sourceName ?? null,
    customer_locale: o.customerLocale ?? null,
    // Only when the answer has them: a missing list keeps what the webhooks said.
    shipping_lines: o.shippingLines ? list(o.shippingLines).map((line) => ({ delivery_category: line.deliveryCategory ?? null })) : null,
    note_attributes: list(o.customAttributes).map((a) => ({ name: a.key, value: a.value })),
    customer: customer && {
      first_name: customer.firstName ?? null,
      phone: customer.phone ?? null,
      default_address: address(customer.defaultAddress),
    },
    shipping_address: address(o.shippingAddress),
    billing_address: address(o.billingAddress),
    line_items: list(o.lineItems).map((item) => ({
      id: legacyId(item.id),
      quantity: item.quantity ?? null,
      current_quantity: item.currentQuantity ?? null,
      fulfillable_quantity: item.unfulfilledQuantity ?? null,
      requires_shipping: item.requiresShipping ?? null,
    })),
    fulfillments: list(o.fulfillments).map((f) => {
      const tracking = list(f.trackingInfo)[0] ?? {};
      const display = typeof f.displayStatus === "string" ? f.displayStatus.toLowerCase() : null;
      return {
        id: f.legacyResourceId ?? null,
        order_id: o.legacyResourceId ?? null,
        status: typeof f.status === "string" ? f.status.toLowerCase() : null,
        shipment_status: display === "fulfilled" ? null : display,
        created_at: f.createdAt ?? null,
        updated_at: f.updatedAt ?? null,
        tracking_company: tracking.company ?? null,
        tracking_number: tracking.number ?? null,
        tracking_url: tracking.url ?? null,
        line_items: list(f.fulfillmentLineItems).map((line) => ({
          id: legacyId(obj(line.lineItem).id),
          quantity: line.quantity ?? null,
        })),
      };
    }),
  };
}

/** An Admin GraphQL client: the Shopify library's `admin` of a session. */
export type AdminGraphql = Awaited<ReturnType<AdminApiFor>>["admin"];

/** Reads one order with `admin`, in the webhook payload shape; null when Shopify has no such order. */
export async function readOrderWith(admin: AdminGraphql, orderId: string): Promise<Json | null> {
  const response = await admin.graphql(ORDER_QUERY, {
    variables: { id: `gid://shopify/Order/${orderId}` },
  });
  const body = obj(await response.json());
  const order = obj(body.data).order;
  return order ? orderPayloadFromGraphql(order) : null;
}

/** The production reader: the Admin GraphQL API with the shop's offline session. */
export function adminApiOrderFetcher(adminFor: AdminApiFor): FetchOrder {
  return async (shop, orderId) => {
    const { admin } = await adminFor(shop);
    const order = await readOrderWith(admin, orderId);
    if (!order) throw new Error("the Admin API did not return the order");
    return order;
  };
}

/** After the first failed read 1 min, then doubling up to 1 h. */
function lookupDelayMs(attempts: number): number {
  return doublingDelayMs(attempts, { firstMs: 30_000, capMs: 60 * 60_000 });
}

/**
 * Reads the orders whose webhooks could not be decided without their line items, then
 * decides and queues their messages. Returns how many orders were settled.
 */
export async function runDueOrderLookups(
  db: SqlDatabase,
  fetchOrder: FetchOrder,
  now: Date,
  log: Logger,
  limit = 20,
): Promise<{ settled: number; enqueued: number }> {
  const due = await dueLookups(db, now, limit);
  let settled = 0;
  let enqueued = 0;
  for (const row of due) {
    let order: unknown;
    let error: string | undefined;
    try {
      const parsed = parseOrderPayload(await fetchOrder(row.shopDomain, row.orderId));
      if (!parsed.ok) throw new Error(parsed.reason);
      order = parsed.value;
    } catch (failure) {
      error = failure instanceof Error ? failure.message.slice(0, 500) : "order lookup failed";
    }
    const attempts = row.lookupAttempts + 1;
    const giveUp = error !== undefined && attempts >= MAX_LOOKUP_ATTEMPTS;
    const result = await db.transaction(async (tx) => {
      const shop = await findShop(tx, row.shopDomain);
      const stored = await loadOrderForUpdate(tx, row.shopDomain, row.orderId, now);
      if (!shop || !stored.knowledge) {
        await cancelLookup(tx, row.shopDomain, row.orderId);
        return { enqueued: 0, settled: false };
      }
      if (error !== undefined && !giveUp) {
        await saveOrder(
          tx,
          row.shopDomain,
          stored.knowledge,
          { dueAt: new Date(now.getTime() + lookupDelayMs(attempts)), attempts, error },
          now,
        );
        return { enqueued: 0, settled: false };
      }
      const knowledge = order ? applyOrder(stored.knowledge, order as Parameters<typeof applyOrder>[1]) : stored.knowledge;
      const planned = await planAndEnqueue(tx, shop, knowledge, "order_lookup", now);
      await saveOrder(tx, row.shopDomain, knowledge, { dueAt: null, attempts, error: error ?? null }, now);
      return { enqueued: planned.enqueued, settled: true };
    });
    if (error) log.warn({ shop: row.shopDomain, orderId: row.orderId, attempts, error, giveUp }, "order lookup failed");
    if (result.settled) settled += 1;
    enqueued += result.enqueued;
  }
  return { settled, enqueued };
}
