/**
 * Which `order_status` messages an order needs now, from what the app knows of the order
 * and what it has already queued. Pure: the caller loads the knowledge and the queued
 * messages, calls this, and enqueues the result under the unique key of each message.
 *
 * Rules (the README's decision table lists them case by case):
 * - cancelled is terminal: once queued nothing follows; once known it is sent, even after
 *   shipping, and nothing else is;
 * - the lifecycle only moves forward by STATUS_RANK; the exceptions are a further
 *   partially_shipped message for a newer fulfillment, and a replacement: a shipment that
 *   replaces a cancelled one the shopper was told about is announced once, with its tracking;
 * - a counter sale (sold in person, nothing to ship) sends nothing, or one `completed` when
 *   the shop asks for it, and nothing else ever;
 * - when knowledge jumps several steps, only the highest applicable status is sent;
 * - each message goes to the buyer, and to a gift recipient as well or instead when the shop
 *   chooses it (recipient.ts, `audiencesFor`): the same lifecycle, under the recipient's own keys;
 * - when shipping progress depends on facts the app lacks (line items, a fulfillment known
 *   only from a tracking event), the answer is `needs_order`: the caller reads the order
 *   through the Admin API, applies it, and asks again with the trigger `order_lookup`
 *   (which never answers `needs_order`, so the loop ends).
 */
import { STATUS_RANK, type OrderStatus } from "../kaleyra/statuses";
import type { GiftRecipientsPref } from "./gift-recipients";
import { audiencesFor, type Audience } from "./recipient";
import { compareFulfillments, VOID_FULFILLMENT_STATUSES, type FulfillmentFacts, type OrderKnowledge } from "./knowledge";

export type DecisionTrigger =
  | "order_created"
  | "order_updated"
  | "order_cancelled"
  | "fulfillment"
  | "fulfillment_event"
  | "order_lookup";

/** What the shop sends for an in-person (POS) sale with nothing to ship. */
export type InPersonSalePref = "nothing" | "completed";

export interface QueuedMessage {
  status: OrderStatus;
  fulfillmentId?: string;
}

export interface PlannedMessage {
  status: OrderStatus;
  /** For partially_shipped the fulfillment announced; for shipped/completed the one whose tracking to show. */
  fulfillmentId?: string;
  /** Unique per shop: the database's unique index on (shop, key) makes enqueueing idempotent. */
  key: string;
  /** Set only for a message to a gift recipient; absent, the message is for the buyer. */
  audience?: Exclude<Audience, "buyer">;
}

export type Decision =
  | { kind: "send"; messages: PlannedMessage[]; reason: string }
  | { kind: "nothing"; reason: string }
  | { kind: "needs_order"; reason: string };

export interface DecisionInput {
  knowledge: OrderKnowledge;
  alreadyQueued: ReadonlyArray<QueuedMessage>;
  trigger: DecisionTrigger;
  prefs: { sendProcessingOnCreate: boolean; inPersonSales?: InPersonSalePref; giftRecipients?: GiftRecipientsPref };
}

/**
 * The rules above as the README's decision table states them, row by row (a test checks the
 * README against this list; the table tests in status-decision.test.ts check the behaviour).
 */
export const DECISION_TABLE: ReadonlyArray<readonly [knows: string, queued: string, message: string]> = [
  ["anything", "`cancelled`", "none: cancelled is terminal"],
  [
    "a counter sale: `source_name: pos`, no shipping address and no shipping line",
    "–",
    "none by default; one `completed` (\"thank you for your purchase\") if the shop chooses it in Settings, and nothing else ever",
  ],
  ["the order is cancelled (`orders/cancelled`, `cancelled_at`)", "anything else", "`cancelled`, even after shipping"],
  ["not cancelled", "`completed`", "none: a late event never moves the order back"],
  [
    "a shipment whose items the app cannot place (order's line items unknown)",
    "–",
    "none yet: the order is read from the Admin API, then decided",
  ],
  [
    "a shipment that replaces a cancelled one the shopper was told about (created after it, some of the same items), not all delivered",
    "`shipped`",
    "`shipped` again with the new tracking (`partially_shipped` if items are still owed), once per replacement",
  ],
  [
    "everything owed shipped, every shipment delivered (`shipment_status: delivered` or a `delivered` fulfillment event)",
    "below `completed`",
    "`completed`",
  ],
  ["everything owed shipped, not all delivered", "below `shipped`", "`shipped`"],
  [
    "some items shipped, others not",
    "nothing, `processing` or `partially_shipped`",
    "`partially_shipped` for each new shipment (its own tracking)",
  ],
  ["some items shipped, others not", "`shipped` or higher", "none"],
  ["a pending/open fulfillment, nothing shipped", "nothing", "`processing`"],
  [
    "`orders/create`, nothing shipped (the shop's \"send processing\" choice, on by default)",
    "nothing",
    "`processing`",
  ],
  ["only cancelled/failed fulfillments", "–", "none: a cancelled fulfillment sends nothing by itself"],
];

const TRIGGER_LABEL: Readonly<Record<DecisionTrigger, string>> = {
  order_created: "orders/create",
  order_updated: "orders/updated",
  order_cancelled: "orders/cancelled",
  fulfillment: "fulfillment update",
  fulfillment_event: "fulfillment event",
  order_lookup: "order lookup",
};

/**
 * The dedupe key of a message: one per status, and one per fulfillment for partial shipments
 * and for a `shipped` that announces a replacement shipment.
 */
export function messageKey(orderId: string, status: OrderStatus, fulfillmentId?: string, replacement = false): string {
  if (status === "partially_shipped") return `${orderId}:${status}:${fulfillmentId ?? "unknown"}`;
  return replacement ? `${orderId}:${status}:${fulfillmentId ?? "unknown"}` : `${orderId}:${status}`;
}

/** A gift recipient's message has the buyer's key plus its own suffix: each is sent once, apart. */
export function audienceKey(key: string, audience: Audience): string {
  return audience === "gift_recipient" ? `${key}:gift_recipient` : key;
}

/** A sale made in person at a counter: Shopify POS, and nothing to ship to the customer. */
export function isCounterSale(k: OrderKnowledge): boolean {
  return k.sale?.sourceName === "pos" && !k.sale.shipsToCustomer;
}

/**
 * The order's lifecycle decides which statuses are due (the messages queued for either
 * audience count alike); each due message then goes to every audience the shop's choice names.
 */
export function decideMessages(input: DecisionInput): Decision {
  const decision = decideLifecycle(input);
  if (decision.kind !== "send") return decision;
  const audiences = audiencesFor(input.knowledge, input.prefs.giftRecipients ?? "buyer");
  const messages = decision.messages.flatMap((message) =>
    audiences.map((audience): PlannedMessage =>
      audience === "buyer" ? message : { ...message, key: audienceKey(message.key, audience), audience },
    ),
  );
  const reason = audiences.includes("gift_recipient")
    ? `${decision.reason}; told to ${audiences.map((a) => (a === "buyer" ? "the buyer" : "the gift recipient")).join(" and ")}`
    : decision.reason;
  return { kind: "send", messages, reason };
}

function decideLifecycle(input: DecisionInput): Decision {
  const { knowledge, alreadyQueued, trigger, prefs } = input;
  const event = TRIGGER_LABEL[trigger];
  const highest = highestQueued(alreadyQueued);

  if (highest === "cancelled") return nothing(`order already cancelled; ${event} ignored`);
  if (isCounterSale(knowledge)) return decideCounterSale(knowledge, highest, prefs.inPersonSales ?? "nothing", event);
  if (knowledge.cancelledAt !== null) return send(knowledge, "cancelled", undefined, "the order is cancelled");
  if (highest === "completed") return nothing(`order already completed; late ${event} ignored`);

  const shipping = assessShipping(knowledge, trigger === "order_lookup");
  if (shipping.kind === "needs_order") return shipping;
  if (shipping.kind === "unknown") return nothing(shipping.reason);

  const { shipments, open, allShipped, allDelivered, nothingToShip } = shipping;
  const newestShipment = shipments.at(-1);

  const replacement = highest === "shipped" ? replacementShipment(knowledge, shipments, alreadyQueued) : undefined;
  if (replacement !== undefined && !(allShipped && allDelivered)) {
    const status: OrderStatus = allShipped ? "shipped" : "partially_shipped";
    return send(knowledge, status, replacement.shipment.id, `shipment ${replacement.shipment.id} replaces cancelled shipment ${replacement.cancelled.id}`, true);
  }

  if (allShipped && newestShipment !== undefined) {
    const status: OrderStatus = allDelivered ? "completed" : "shipped";
    if (highest !== null && STATUS_RANK[highest] >= STATUS_RANK[status]) return alreadyAt(highest, status, event);
    const why = allDelivered ? "everything has shipped and been delivered" : "everything has shipped";
    return send(knowledge, status, newestShipment.id, why);
  }

  if (newestShipment !== undefined) {
    if (highest !== null && STATUS_RANK[highest] > STATUS_RANK.partially_shipped) {
      return alreadyAt(highest, "partially_shipped", event);
    }
    return nextPartialShipment(knowledge, shipments, alreadyQueued, event);
  }

  const processingWanted = open.length > 0 || (trigger === "order_created" && prefs.sendProcessingOnCreate);
  if (processingWanted) {
    if (highest !== null) return alreadyAt(highest, "processing", event);
    const why = open.length > 0 ? `fulfillment ${open[0]?.id} is being prepared` : "the order was accepted";
    return send(knowledge, "processing", undefined, why);
  }

  if (trigger === "order_created") return nothing("the shop does not send “processing” when an order is created");
  if (nothingToShip) return nothing(`nothing on the order needs shipping; ${event} ignored`);
  if (Object.values(knowledge.fulfillments).some((f) => isVoid(f))) {
    const already = highest === null ? "" : ` (order already ${highest.replace("_", " ")})`;
    return nothing(`no shipped or open fulfillment: a cancelled or failed fulfillment sends nothing by itself${already}`);
  }
  return nothing(`nothing has shipped yet; ${event} changes nothing`);
}

/** Where an order stands by what the app knows, and its newest shipment (whose tracking a message shows). */
export interface OrderStanding {
  status: OrderStatus;
  shipmentId?: string;
}

/**
 * The status the order is in by the app's knowledge alone, whatever was sent: cancelled,
 * then a counter sale's thank-you, then shipping progress (after a lookup: unknown items are
 * left out). Undefined when a shipment's items cannot be placed: the status is unknown.
 * Shopify Flow's "current" status reads it.
 */
export function orderStanding(k: OrderKnowledge): OrderStanding | undefined {
  if (k.cancelledAt !== null) return { status: "cancelled" };
  if (isCounterSale(k)) return { status: "completed" };
  const shipping = assessShipping(k, true);
  if (shipping.kind !== "known") return undefined;
  const newest = shipping.shipments.at(-1);
  if (newest === undefined) return { status: "processing" };
  const status: OrderStatus = !shipping.allShipped ? "partially_shipped" : shipping.allDelivered ? "completed" : "shipped";
  return { status, shipmentId: newest.id };
}

/** One line for logs and the admin activity list. */
export function describeDecision(decision: Decision): string {
  switch (decision.kind) {
    case "send":
      return `send ${decision.messages.map((m) => `${m.status} (${m.key})`).join(", ")}: ${decision.reason}`;
    case "needs_order":
      return `read the order from Shopify first: ${decision.reason}`;
    case "nothing":
      return `nothing to send: ${decision.reason}`;
  }
}

// ---------------------------------------------------------------------------------------

type ShippingAssessment =
  | {
      kind: "known";
      /** Successful fulfillments that carry at least one item that ships, oldest first. */
      shipments: FulfillmentFacts[];
      /** Fulfillments created but not shipped yet (pending / open). */
      open: FulfillmentFacts[];
      allShipped: boolean;
      allDelivered: boolean;
      nothingToShip: boolean;
    }
  | { kind: "needs_order"; reason: string }
  | { kind: "unknown"; reason: string };

function assessShipping(k: OrderKnowledge, afterLookup: boolean): ShippingAssessment {
  const all = Object.values(k.fulfillments).sort(compareFulfillments);
  const open = all.filter((f) => f.status === "pending" || f.status === "open");
  let successes = all.filter((f) => f.status === "success");

  // After a lookup, whatever is still unknown is left out: it can only under-count
  // shipments (a later webhook catches up), never announce one that did not happen.
  const stub = all.find((f) => f.status === null);
  if (stub && !afterLookup) {
    return { kind: "needs_order", reason: `fulfillment ${stub.id} is known only from a tracking event` };
  }
  const withoutLines = successes.find((f) => f.lineItems === null);
  if (withoutLines && !afterLookup) {
    return { kind: "needs_order", reason: `fulfillment ${withoutLines.id} arrived without its line items` };
  }
  successes = successes.filter((f) => f.lineItems !== null);
  if (successes.length > 0 && !k.lineItemsKnown) {
    return afterLookup
      ? { kind: "unknown", reason: "the order's line items are still unknown after reading the order" }
      : { kind: "needs_order", reason: "the app does not know the order's line items yet" };
  }
  if (!afterLookup) {
    for (const f of successes) {
      const stranger = Object.keys(f.lineItems ?? {}).find((id) => k.lineItems[id] === undefined);
      if (stranger !== undefined) {
        return { kind: "needs_order", reason: `fulfillment ${f.id} ships line item ${stranger}, unknown to the app (order edited?)` };
      }
    }
  }

  const shipsSomething = (f: FulfillmentFacts) =>
    Object.entries(f.lineItems ?? {}).some(([id, qty]) => qty > 0 && k.lineItems[id]?.requiresShipping === true);
  const shipments = successes.filter(shipsSomething);

  const shipped = new Map<string, number>();
  for (const f of shipments) {
    for (const [id, qty] of Object.entries(f.lineItems ?? {})) shipped.set(id, (shipped.get(id) ?? 0) + qty);
  }
  // Refunded and removed quantities are already out of requiredQuantity.
  const owed = Object.entries(k.lineItems).filter(([, item]) => item.requiresShipping && item.requiredQuantity > 0);
  // Nothing owed but something shipped (all of it refunded afterwards) still counts as all shipped.
  const nothingToShip = k.lineItemsKnown && owed.length === 0 && shipments.length === 0;
  const allShipped =
    k.lineItemsKnown && !nothingToShip && owed.every(([id, item]) => (shipped.get(id) ?? 0) >= item.requiredQuantity);
  const allDelivered = shipments.length > 0 && shipments.every((f) => f.delivered);

  return { kind: "known", shipments, open, allShipped, allDelivered, nothingToShip };
}

/**
 * A partial shipment is announced once per fulfillment, and only for a fulfillment newer
 * than every one already announced: when two arrive at once, or an older one arrives late,
 * the shopper gets one message for the newest, not one per fulfillment.
 */
function nextPartialShipment(
  k: OrderKnowledge,
  shipments: FulfillmentFacts[],
  alreadyQueued: ReadonlyArray<QueuedMessage>,
  event: string,
): Decision {
  const announced = new Set(
    alreadyQueued.filter((m) => m.status === "partially_shipped" && m.fulfillmentId).map((m) => m.fulfillmentId),
  );
  const lastAnnounced = shipments.filter((f) => announced.has(f.id)).at(-1);
  const fresh = shipments.filter(
    (f) => !announced.has(f.id) && (lastAnnounced === undefined || compareFulfillments(f, lastAnnounced) > 0),
  );
  const newest = fresh.at(-1);
  if (newest === undefined) {
    const latest = lastAnnounced?.id ?? "?";
    return nothing(`partial shipment ${latest} already announced (older ones are not announced after it); ${event} changes nothing`);
  }
  const why = fresh.length > 1 ? `${fresh.length} new partial shipments, announcing the newest` : "part of the order has shipped";
  return send(k, "partially_shipped", newest.id, why);
}

/** One `completed` at most, or nothing at all: a counter sale was handed over already. */
function decideCounterSale(k: OrderKnowledge, highest: OrderStatus | null, pref: InPersonSalePref, event: string): Decision {
  if (pref === "nothing") return nothing(`sold in person (POS) with nothing to ship: the shop sends nothing for counter sales; ${event} ignored`);
  if (highest !== null) return nothing(`counter sale already thanked (${highest.replace("_", " ")}); ${event} changes nothing`);
  if (k.cancelledAt !== null) return nothing(`counter sale cancelled before anything was sent; ${event} ignored`);
  return send(k, "completed", undefined, "sold in person (POS): one thank-you for the purchase");
}

/**
 * The newest shipment that replaces a cancelled one the shopper was told about (its
 * fulfillment is on a queued message): created after it, carrying some of the same items,
 * not announced itself yet.
 */
function replacementShipment(
  k: OrderKnowledge,
  shipments: FulfillmentFacts[],
  alreadyQueued: ReadonlyArray<QueuedMessage>,
): { shipment: FulfillmentFacts; cancelled: FulfillmentFacts } | undefined {
  const announced = new Set(alreadyQueued.map((m) => m.fulfillmentId).filter((id) => id !== undefined));
  const cancelled = Object.values(k.fulfillments).filter((f) => f.status === "cancelled" && announced.has(f.id));
  for (const shipment of [...shipments].reverse()) {
    if (announced.has(shipment.id)) return undefined; // a newer shipment was already announced
    const replaced = cancelled.find(
      (c) =>
        compareFulfillments(shipment, c) > 0 &&
        Object.keys(c.lineItems ?? {}).some((id) => (shipment.lineItems?.[id] ?? 0) > 0),
    );
    if (replaced !== undefined) return { shipment, cancelled: replaced };
  }
  return undefined;
}

export function highestQueued(queued: ReadonlyArray<QueuedMessage>): OrderStatus | null {
  let highest: OrderStatus | null = null;
  for (const m of queued) {
    if (highest === null || STATUS_RANK[m.status] > STATUS_RANK[highest]) highest = m.status;
  }
  return highest;
}

function alreadyAt(highest: OrderStatus, candidate: OrderStatus, event: string): Decision {
  if (highest === candidate) return nothing(`${candidate} already queued for this order; ${event} changes nothing`);
  return nothing(`order already ${highest.replace("_", " ")}; late ${event} ignored`);
}

function isVoid(f: FulfillmentFacts): boolean {
  return f.status !== null && VOID_FULFILLMENT_STATUSES.includes(f.status);
}

function send(
  k: OrderKnowledge,
  status: OrderStatus,
  fulfillmentId: string | undefined,
  reason: string,
  replacement = false,
): Decision {
  const message: PlannedMessage = { status, key: messageKey(k.orderId, status, fulfillmentId, replacement) };
  if (fulfillmentId !== undefined) message.fulfillmentId = fulfillmentId;
  return { kind: "send", messages: [message], reason };
}

function nothing(reason: string): Decision {
  return { kind: "nothing", reason };
}
