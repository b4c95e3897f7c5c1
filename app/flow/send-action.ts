/**
 * Shopify Flow's action "Send WhatsApp order update", its pure part: what Flow sends, which
 * status a run may send, the messages it plans and the answer Flow gets. Flow names the
 * status itself (or "current"), so the lifecycle decision of the webhooks does not choose
 * it; the lifecycle's rules still hold:
 *
 * - "current" is where the app's knowledge puts the order, or the highest status already
 *   queued for it when that is higher (an update never moves an order back);
 * - a status below that is refused, as is anything but "cancelled" for a cancelled order,
 *   and "cancelled" for an order that is not;
 * - a status ahead of the app's knowledge is allowed: the merchant may know more (a carrier
 *   the app does not hear from), and the lifecycle then counts it as sent;
 * - the same status again is allowed: Flow asked for it. Its key carries the action run id,
 *   so each run sends at most once and never takes the place of a lifecycle message.
 */
import { z } from "zod";
import { ORDER_STATUSES, STATUS_LABEL, STATUS_RANK, type OrderStatus } from "../kaleyra/statuses";
import type { GiftRecipientsPref } from "../orders/gift-recipients";
import type { OrderKnowledge } from "../orders/knowledge";
import { audiencesFor } from "../orders/recipient";
import { audienceKey, type OrderStanding, type PlannedMessage } from "../orders/status-decision";
import { SHOP_DOMAIN } from "../shops/domain";

/** The keys of the action's fields in Flow's `properties` (extensions/send-whatsapp-update). */
export const FLOW_PROPERTIES = { order: "order_id", status: "status", template: "template_name" } as const;

const text = z.string().max(200).nullish();

/** The part of Flow's request body the app uses; Flow adds other fields, which are ignored. */
const payloadSchema = z.object({
  shopify_domain: z.string().regex(SHOP_DOMAIN, "not a shop's myshopify.com domain"),
  action_run_id: z.string().min(1).max(200),
  properties: z.object({
    [FLOW_PROPERTIES.order]: z.union([z.string().max(100), z.number().int().positive().refine(Number.isSafeInteger, "too large to be exact")]),
    [FLOW_PROPERTIES.status]: text,
    [FLOW_PROPERTIES.template]: text,
  }),
});

export type RequestedStatus = OrderStatus | "current";

export interface FlowRequest {
  shop: string;
  actionRunId: string;
  orderId: string;
  /** What the merchant typed into the status field, as typed: read by `requestedStatusOf`. */
  status: string;
  /** The approved template asked for by name; undefined: the one the status takes. */
  templateName: string | undefined;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** `123`, `"123"` or `"gid://shopify/Order/123"` -> "123". */
function orderIdOf(value: string | number): string | undefined {
  const match = /^(?:gid:\/\/shopify\/Order\/)?(\d{1,20})$/.exec(String(value).trim());
  return match?.[1];
}

/** Flow's request body as the app takes it, or why it cannot be (answered 400). */
export function parseFlowRequest(body: unknown): Parsed<FlowRequest> {
  const parsed = payloadSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `the request is not a Send WhatsApp order update action: ${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}` };
  }
  const { properties } = parsed.data;
  const orderId = orderIdOf(properties[FLOW_PROPERTIES.order]);
  if (orderId === undefined) return { ok: false, reason: `the order is not an order id: ${String(properties[FLOW_PROPERTIES.order]).slice(0, 100)}` };
  const template = properties[FLOW_PROPERTIES.template]?.trim();
  return {
    ok: true,
    value: {
      shop: parsed.data.shopify_domain,
      actionRunId: parsed.data.action_run_id,
      orderId,
      status: properties[FLOW_PROPERTIES.status] ?? "",
      templateName: template ? template : undefined,
    },
  };
}

/** Typed forms of each status: its name (`partially_shipped`, `partially shipped`) or its label (`Delivered`). */
const STATUS_SPELLINGS = new Map<string, OrderStatus>(
  ORDER_STATUSES.flatMap((status) => [
    [status, status],
    [STATUS_LABEL[status].toLowerCase().replace(/[\s-]+/g, "_"), status],
  ]),
);

/** The status field: empty or "current" for where the order stands, else one of the app's statuses. */
export function requestedStatusOf(typed: string): Parsed<RequestedStatus> {
  const word = typed.trim().toLowerCase().replace(/[\s-]+/g, "_");
  if (word === "" || word === "current") return { ok: true, value: "current" };
  const status = STATUS_SPELLINGS.get(word);
  if (status) return { ok: true, value: status };
  return { ok: false, reason: `unknown status "${typed.trim().slice(0, 50)}": leave it empty or write current, ${ORDER_STATUSES.join(", ")}` };
}

export type StatusChoice = { ok: true; status: OrderStatus; shipmentId?: string } | { ok: false; reason: string };

const label = (status: OrderStatus) => `"${STATUS_LABEL[status]}"`;

function higher(a: OrderStatus | null, b: OrderStatus | null): OrderStatus | null {
  if (a === null) return b;
  if (b === null) return a;
  return STATUS_RANK[b] > STATUS_RANK[a] ? b : a;
}

/**
 * The status a run sends, or why it sends none. `standing` is where the app's knowledge puts
 * the order (undefined: unknown), `highestQueued` the highest status already in the outbox.
 */
export function chooseFlowStatus(requested: RequestedStatus, standing: OrderStanding | undefined, highestQueued: OrderStatus | null): StatusChoice {
  const floor = higher(standing?.status ?? null, highestQueued);
  if (requested === "current" && floor === null) {
    return { ok: false, reason: "the app cannot tell this order's status yet (a shipment's items are unknown): name the status in the action" };
  }
  const status = requested === "current" ? floor! : requested;
  const cancelled = floor === "cancelled";
  if (cancelled && status !== "cancelled") return { ok: false, reason: `the order is cancelled: only ${label("cancelled")} can be sent for it, not ${label(status)}` };
  if (!cancelled && status === "cancelled") return { ok: false, reason: `the order is not cancelled in Shopify: ${label("cancelled")} is sent only for a cancelled order` };
  if (floor !== null && STATUS_RANK[status] < STATUS_RANK[floor]) {
    return { ok: false, reason: `the order is already ${label(floor)}: an update never moves an order back to ${label(status)}` };
  }
  const showsShipment = status === "partially_shipped" || status === "shipped" || status === "completed";
  return showsShipment && standing?.shipmentId !== undefined ? { ok: true, status, shipmentId: standing.shipmentId } : { ok: true, status };
}

/**
 * The order page block's "send the current status again": a run of this action with the
 * block's id for the press, so that a repeated request sends nothing more, under the same
 * rules as Flow's (consent, form, never an earlier status).
 */
export function orderBlockRequest(shop: string, orderId: string, requestId: string): FlowRequest {
  return { shop, actionRunId: `order-block:${requestId}`, orderId, status: "current", templateName: undefined };
}

/** A run's message key: its own, so a run sends once and a lifecycle message keeps its key. */
export function flowMessageKey(orderId: string, status: OrderStatus, actionRunId: string): string {
  return `${orderId}:${status}:flow:${actionRunId}`;
}

/** The run's messages: the chosen status, to everyone the shop's gift choice names, each under its own key. */
export function flowMessages(
  knowledge: OrderKnowledge,
  choice: { status: OrderStatus; shipmentId?: string },
  actionRunId: string,
  gifts: GiftRecipientsPref,
): PlannedMessage[] {
  const key = flowMessageKey(knowledge.orderId, choice.status, actionRunId);
  const base: PlannedMessage = choice.shipmentId === undefined ? { status: choice.status, key } : { status: choice.status, key, fulfillmentId: choice.shipmentId };
  return audiencesFor(knowledge, gifts).map((audience) => (audience === "buyer" ? base : { ...base, key: audienceKey(key, audience), audience }));
}

/** How a run ended: the FlowActionRun row's answer columns. */
export interface FlowOutcome {
  orderStatus: string | null;
  /** queued, paused (goes when the shop's pause lifts), skipped (kept in the log, with why) or refused (nothing planned). */
  outcome: string;
  reason: string | null;
  messageId: string | null;
}

export interface FlowAnswer {
  httpStatus: number;
  body: { outcome: string; message: string; status?: string; messageId?: string };
}

/**
 * What Flow gets: 200 for a message on its way, 422 with the reason for one that will not be
 * sent (Flow stops the run and shows the message). A retry of the run gets the same answer.
 */
export function answerOf(run: FlowOutcome): FlowAnswer {
  const extra = { ...(run.orderStatus ? { status: run.orderStatus } : {}), ...(run.messageId ? { messageId: run.messageId } : {}) };
  const status = run.orderStatus && (ORDER_STATUSES as readonly string[]).includes(run.orderStatus) ? label(run.orderStatus as OrderStatus) : "";
  if (run.outcome === "queued") return { httpStatus: 200, body: { outcome: "queued", message: `the WhatsApp update ${status} is queued`, ...extra } };
  if (run.outcome === "paused") {
    return { httpStatus: 200, body: { outcome: "paused", message: `the WhatsApp update ${status} waits: ${run.reason ?? "sending is paused"}; it goes when sending resumes (the app's Home says why)`, ...extra } };
  }
  const why = run.reason ?? "no reason recorded";
  const message = run.outcome === "skipped" ? `the WhatsApp update ${status} is not sent: ${why}` : `not sent: ${why}`;
  return { httpStatus: 422, body: { outcome: run.outcome, message, ...extra } };
}
