/**
 * The order page's WhatsApp block, read and acted on for the session's shop only: every query
 * is scoped by it, so another shop's order or message reads exactly like a missing one.
 */
import { orderMessages, readMessage } from "../db/repositories/messages.server";
import { readKnowledgeText } from "../db/repositories/order-states.server";
import { findShopper } from "../db/repositories/shoppers.server";
import { readShop } from "../db/repositories/shops.server";
import type { AdminDeps } from "./deps.server";
import { messageDetail, type MessageDetail } from "./messages.server";
import { orderTimeline, unknownOrder, type OrderTimeline, type UnknownOrder } from "./order-timeline";
import { retryMessage, type RetryResult } from "./retry.server";
import { sendingState, type SendingState } from "./sending-state";
import { shopStatus } from "./shop-status.server";

async function sendingOf(deps: AdminDeps, shopDomain: string): Promise<SendingState> {
  return sendingState(shopStatus(await readShop(deps.sql, shopDomain), deps.encryptionKey));
}

/** The numbers the order's messages went (or go) to, each once, in the order first used. */
function recipientsOf(rows: ReadonlyArray<{ recipient: string | null }>): string[] {
  return [...new Set(rows.flatMap((row) => (row.recipient ? [row.recipient] : [])))];
}

export type TimelineAnswer = { found: true; timeline: OrderTimeline } | { found: false; unknown: UnknownOrder };

export async function loadOrderTimeline(deps: AdminDeps, shopDomain: string, orderId: string): Promise<TimelineAnswer> {
  const rows = await orderMessages(deps.sql, shopDomain, orderId);
  const sending = await sendingOf(deps, shopDomain);
  if (rows.length === 0 && (await readKnowledgeText(deps.sql, shopDomain, orderId)) === undefined) {
    return { found: false, unknown: unknownOrder(sending) };
  }
  const details: MessageDetail[] = [];
  for (const row of rows) details.push(await messageDetail(deps, shopDomain, row));
  const shoppers = [];
  for (const phone of recipientsOf(rows)) shoppers.push({ phone, shopper: await findShopper(deps.sql, shopDomain, phone) });
  return { found: true, timeline: orderTimeline({ orderId, details, shoppers, sending }) };
}

export type OrderRetry = { ok: true; result: Extract<RetryResult, { ok: true }> } | { ok: false; reason: "not_found" | "not_retryable" };

/** Retry, from the order's page: the message must be one of this order's, in this shop. */
export async function retryOrderMessage(deps: AdminDeps, shopDomain: string, orderId: string, messageId: string): Promise<OrderRetry> {
  const message = await readMessage(deps.sql, shopDomain, messageId);
  if (!message || message.orderId !== orderId) return { ok: false, reason: "not_found" };
  const result = await retryMessage(deps, shopDomain, messageId);
  return result.ok ? { ok: true, result } : { ok: false, reason: result.reason };
}
