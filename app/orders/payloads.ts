/**
 * Tolerant readers for the three Shopify webhook payload kinds the order-status flow uses.
 *
 * Shopify adds fields and enum values between API versions, trims payloads when a
 * subscription sets `include_fields`, and sends `null` almost anywhere. A webhook we cannot
 * read is a message the shopper never gets, so the schemas accept what they can:
 * ids as numbers, strings or gids (always returned as decimal strings), numbers written as
 * strings, unknown enum values kept as lower-case strings, unknown fields ignored, and a
 * malformed optional field read as `null` instead of failing the whole payload. Only the
 * fields without which nothing can be decided (the ids) are required, and the parse
 * functions never throw: they return a reason a person can read.
 */
import { z } from "zod";

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

// ---------------------------------------------------------------------------------------
// Scalar readers: each turns anything into its type or null, and never throws.

const DECIMAL_ID = /^\d{1,30}$/;
const GID = /^gid:\/\/shopify\/[A-Za-z]+\/(\d{1,30})(?:\?.*)?$/;

/** Shopify id as a canonical decimal string (number, numeric string or gid), else null. */
export function readId(value: unknown): string | null {
  if (typeof value === "number") {
    // Numbers above 2^53 are already rounded by JSON.parse; they are kept (parseShopifyJson
    // avoids them) rather than refused, and BigInt prints them without an exponent.
    return Number.isInteger(value) && value >= 0 && value < 1e21 ? BigInt(value).toString() : null;
  }
  if (typeof value !== "string") return null;
  const text = value.trim();
  const digits = DECIMAL_ID.test(text) ? text : GID.exec(text)?.[1];
  return digits === undefined ? null : BigInt(digits).toString();
}

/** Non-empty trimmed text; numbers are written out (a numeric tracking number, for one). */
export function readText(value: unknown): string | null {
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : null;
  if (typeof value !== "string") return null;
  const text = value.trim();
  return text === "" ? null : text;
}

/** An enum-like value, lower-cased, kept even when this code does not know it. */
export function readToken(value: unknown): string | null {
  return readText(value)?.toLowerCase() ?? null;
}

/** A non-negative integer count, also from "2" or "2.0"; anything else is null. */
export function readCount(value: unknown): number | null {
  let n: number;
  if (typeof value === "number") n = value;
  else if (typeof value === "string" && /^\s*\d{1,15}(\.0*)?\s*$/.test(value)) n = Number(value);
  else return null;
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

export function readBoolean(value: unknown): boolean | null {
  if (typeof value === "boolean") return value;
  if (value === "true") return true;
  if (value === "false") return false;
  return null;
}

/**
 * A timestamp as an ISO-8601 UTC string, so that timestamps written with different offsets
 * ("2021-12-31T19:00:00-05:00") compare correctly as plain strings.
 */
export function readTimestamp(value: unknown): string | null {
  if (typeof value !== "string" || value.length > 64) return null;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) return null;
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  return year >= 1970 && year <= 9999 ? date.toISOString() : null;
}

export function readCountryCode(value: unknown): string | null {
  const text = readText(value)?.toUpperCase() ?? null;
  return text !== null && /^[A-Z]{2}$/.test(text) ? text : null;
}

function readTextList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map(readText).filter((item): item is string => item !== null);
}

// ---------------------------------------------------------------------------------------
// Schemas. `lenient` fields accept anything (missing included); nested objects and lists
// fall back to null / [] when they have the wrong shape.

const lenient = <T>(read: (value: unknown) => T) =>
  z
    .unknown()
    .optional()
    .transform((value) => read(value));

const id = lenient(readId);
const text = lenient(readText);
const token = lenient(readToken);
const count = lenient(readCount);
const timestamp = lenient(readTimestamp);
const textList = lenient(readTextList);

/** A list of objects: elements of the wrong shape are dropped, a non-list reads as []. */
function listOf<T>(item: z.ZodType<T | null>) {
  return lenient((value) => {
    if (!Array.isArray(value)) return [];
    const out: T[] = [];
    for (const element of value) {
      const parsed = item.safeParse(element);
      if (parsed.success && parsed.data !== null) out.push(parsed.data);
    }
    return out;
  });
}

function listOfValue<T>(item: z.ZodType<T | null>, value: unknown[]): T[] {
  const out: T[] = [];
  for (const element of value) {
    const parsed = item.safeParse(element);
    if (parsed.success && parsed.data !== null) out.push(parsed.data);
  }
  return out;
}

/**
 * A list where every element matters (line items): if any element cannot be read, the
 * whole list is unknown (null) so that the caller asks Shopify instead of under-counting.
 */
function strictListOf<T>(item: z.ZodType<T | null>) {
  return lenient((value): T[] | null => {
    if (!Array.isArray(value)) return null;
    const out: T[] = [];
    for (const element of value) {
      const parsed = item.safeParse(element);
      if (!parsed.success || parsed.data === null) return null;
      out.push(parsed.data);
    }
    return out;
  });
}

const addressSchema = z
  .object({
    first_name: text,
    last_name: text,
    phone: text,
    country_code: lenient(readCountryCode),
  })
  .transform(({ last_name, ...a }) => ({ ...a, name: personName(a.first_name, last_name) }))
  .nullable()
  .catch(null);

/** "Asha  Rao" and "asha rao" are the same person; null when the address names nobody. */
function personName(first: string | null, last: string | null): string | null {
  const name = [first, last].filter((part) => part !== null).join(" ").replace(/\s+/g, " ").trim().toLowerCase();
  return name === "" ? null : name;
}

const shippingLineSchema = z
  .object({ code: token, source: token, delivery_category: token, is_removed: lenient(readBoolean) })
  .transform((line) => (line.is_removed === true ? null : { delivery_category: line.delivery_category }))
  .catch(null);

export type ShippingLinePayload = NonNullable<z.output<typeof shippingLineSchema>>;

export type AddressPayload = NonNullable<z.output<typeof addressSchema>>;

const customerSchema = z
  .object({
    id,
    first_name: text,
    phone: text,
    default_address: addressSchema.optional().transform((a) => a ?? null),
  })
  .nullable()
  .catch(null);

const noteAttributeSchema = z
  .object({ name: text, value: text })
  .transform((a) => (a.name === null ? null : { name: a.name, value: a.value ?? "" }))
  .catch(null);

const lineItemSchema = z
  .object({
    id,
    quantity: count,
    current_quantity: count,
    fulfillable_quantity: count,
    requires_shipping: lenient(readBoolean),
  })
  .transform((item) =>
    item.id === null || item.quantity === null ? null : { ...item, id: item.id, quantity: item.quantity },
  )
  .catch(null);

export type LineItemPayload = NonNullable<z.output<typeof lineItemSchema>>;

const fulfillmentLineSchema = z
  .object({ id, quantity: count })
  .transform((line) => (line.id === null || line.quantity === null ? null : { id: line.id, quantity: line.quantity }))
  .catch(null);

const refundLineSchema = z
  .object({
    line_item_id: id,
    line_item: z.object({ id }).nullable().catch(null).optional(),
    quantity: count,
  })
  .transform((line) => {
    const lineItemId = line.line_item_id ?? line.line_item?.id ?? null;
    return lineItemId === null || line.quantity === null ? null : { line_item_id: lineItemId, quantity: line.quantity };
  })
  .catch(null);

const refundSchema = z.object({ refund_line_items: listOf(refundLineSchema) }).nullable().catch(null);

const fulfillmentFields = {
  id,
  order_id: id,
  name: text,
  status: token,
  shipment_status: token,
  tracking_company: text,
  tracking_number: text,
  tracking_numbers: textList,
  tracking_url: text,
  tracking_urls: textList,
  line_items: strictListOf(fulfillmentLineSchema),
  created_at: timestamp,
  updated_at: timestamp,
};

const fulfillmentSchema = z.object(fulfillmentFields);
type RawFulfillment = z.output<typeof fulfillmentSchema>;

/** A fulfillment: `status` is pending/open/success/cancelled/error/failure or a newer value. */
export type FulfillmentPayload = Omit<RawFulfillment, "id" | "order_id"> & { id: string; order_id: string };

/** A fulfillment inside an order payload: its order is the enclosing order. */
export type OrderFulfillmentPayload = Omit<RawFulfillment, "id"> & { id: string };

const orderFulfillmentSchema = fulfillmentSchema
  .transform((f): OrderFulfillmentPayload | null => (f.id === null ? null : { ...f, id: f.id }))
  .catch(null);

const orderSchema = z.object({
  id,
  name: text,
  phone: text,
  customer: customerSchema.optional().transform((c) => c ?? null),
  shipping_address: addressSchema.optional().transform((a) => a ?? null),
  billing_address: addressSchema.optional().transform((a) => a ?? null),
  order_status_url: text,
  source_name: token,
  // The shopper's language at checkout (en, pt-BR): which template language they get.
  customer_locale: token,
  // null when the payload does not carry the field (include_fields), [] when the order has none.
  shipping_lines: lenient((value) => (Array.isArray(value) ? listOfValue(shippingLineSchema, value) : null)),
  note_attributes: listOf(noteAttributeSchema),
  line_items: strictListOf(lineItemSchema),
  refunds: listOf(refundSchema),
  fulfillments: listOf(orderFulfillmentSchema),
  fulfillment_status: token,
  financial_status: token,
  cancelled_at: timestamp,
  created_at: timestamp,
  updated_at: timestamp,
});

type RawOrder = z.output<typeof orderSchema>;

/** An order (orders/create, orders/cancelled, ... and an Admin API read mapped to this shape). */
export type OrderPayload = Omit<RawOrder, "id"> & { id: string };

const fulfillmentEventSchema = z.object({
  id,
  fulfillment_id: id,
  order_id: id,
  status: token,
  message: text,
  happened_at: timestamp,
  created_at: timestamp,
  estimated_delivery_at: timestamp,
});

type RawFulfillmentEvent = z.output<typeof fulfillmentEventSchema>;

/** A fulfillment event; `status` is e.g. in_transit, out_for_delivery, delivered, or newer. */
export type FulfillmentEventPayload = Omit<RawFulfillmentEvent, "fulfillment_id" | "order_id"> & {
  fulfillment_id: string;
  order_id: string;
};

// ---------------------------------------------------------------------------------------
// Entry points.

export function parseOrderPayload(input: unknown): ParseResult<OrderPayload> {
  return guarded("order payload", input, (raw) => {
    const problem = missingId("order payload", raw, "id");
    if (problem) return { ok: false, reason: problem };
    const order = orderSchema.parse(raw);
    if (order.id === null) return { ok: false, reason: "order payload has an invalid id" };
    return { ok: true, value: { ...order, id: order.id } };
  });
}

export function parseFulfillmentPayload(input: unknown): ParseResult<FulfillmentPayload> {
  return guarded("fulfillment payload", input, (raw) => {
    const problem = missingId("fulfillment payload", raw, "id", "order_id");
    if (problem) return { ok: false, reason: problem };
    const f = fulfillmentSchema.parse(raw);
    if (f.id === null) return { ok: false, reason: "fulfillment payload has an invalid id" };
    if (f.order_id === null) return { ok: false, reason: "fulfillment payload has an invalid order_id" };
    return { ok: true, value: { ...f, id: f.id, order_id: f.order_id } };
  });
}

export function parseFulfillmentEventPayload(input: unknown): ParseResult<FulfillmentEventPayload> {
  return guarded("fulfillment event payload", input, (raw) => {
    const problem = missingId("fulfillment event payload", raw, "fulfillment_id", "order_id");
    if (problem) return { ok: false, reason: problem };
    const e = fulfillmentEventSchema.parse(raw);
    if (e.fulfillment_id === null) return { ok: false, reason: "fulfillment event payload has an invalid fulfillment_id" };
    if (e.order_id === null) return { ok: false, reason: "fulfillment event payload has an invalid order_id" };
    return { ok: true, value: { ...e, fulfillment_id: e.fulfillment_id, order_id: e.order_id } };
  });
}

/** Tracking number / url from the singular field, else the first of the plural one. */
export function trackingOf(f: Pick<RawFulfillment, "tracking_number" | "tracking_numbers" | "tracking_url" | "tracking_urls">): {
  number: string | null;
  url: string | null;
} {
  return {
    number: f.tracking_number ?? f.tracking_numbers[0] ?? null,
    url: f.tracking_url ?? f.tracking_urls[0] ?? null,
  };
}

function missingId(kind: string, raw: Record<string, unknown>, ...fields: string[]): string | null {
  for (const field of fields) {
    const value = raw[field];
    if (value === undefined || value === null || value === "") return `${kind} has no ${field}`;
    if (readId(value) === null) return `${kind} has an invalid ${field} (${describe(value)})`;
  }
  return null;
}

/** Runs a reader on a JSON object; anything unexpected becomes a reason, never a throw. */
function guarded<T>(
  kind: string,
  input: unknown,
  read: (raw: Record<string, unknown>) => ParseResult<T>,
): ParseResult<T> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return { ok: false, reason: `${kind} is not a JSON object (got ${describe(input)})` };
  }
  try {
    return read(input as Record<string, unknown>);
  } catch (error) {
    const detail = error instanceof Error ? error.message.slice(0, 200) : "unknown error";
    return { ok: false, reason: `${kind} could not be read: ${detail}` };
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return value.length > 40 ? "a long string" : `"${value}"`;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return typeof value === "object" ? "an object" : typeof value;
}
