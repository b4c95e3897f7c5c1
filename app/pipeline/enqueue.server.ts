import { timeOrderedId } from "../db/ids";
import { insertMessage, lastFailureTo, orderMessageKinds } from "../db/repositories/messages.server";
import { config } from "../config.server";
import { SKIP_RECIPIENT_CODES, unreachableSkipReason } from "../receipts/delivery-errors";
import type { SqlExecutor } from "../db/sql.server";
import { STATUS_RANK, type OrderStatus } from "../kaleyra/statuses";
import { planMessageContent, type PlanOptions } from "../messages/content.server";
import type { OrderKnowledge } from "../orders/knowledge";
import { giftRecipientsPref } from "../orders/gift-recipients";
import { decideMessages, type Decision, type DecisionTrigger, type PlannedMessage, type QueuedMessage } from "../orders/status-decision";
import type { ShopRow } from "../db/repositories/shops.server";

export interface EnqueueResult {
  decision: Decision;
  /** Messages that will be sent (queued, or paused until the shop's pause lifts). */
  enqueued: number;
  /** Messages kept in the log as skipped, with their reason. */
  skipped: number;
}

/** Why a message to `recipient` is not sent: WhatsApp recently said the number cannot be reached. */
async function unreachable(tx: SqlExecutor, shop: string, recipient: string, now: Date): Promise<string | null> {
  const hours = config().UNREACHABLE_SKIP_HOURS;
  if (hours === 0) return null;
  const failedAt = await lastFailureTo(tx, shop, recipient, SKIP_RECIPIENT_CODES, new Date(now.getTime() - hours * 3_600_000));
  return failedAt ? unreachableSkipReason(failedAt, hours) : null;
}

/** The order's messages in the outbox, whatever their state, as the lifecycle rules count them. */
export async function queuedMessagesOf(tx: SqlExecutor, shop: string, orderId: string): Promise<QueuedMessage[]> {
  const rows = await orderMessageKinds(tx, shop, orderId);
  return rows.map((row): QueuedMessage => {
    const status = row.orderStatus as OrderStatus;
    return row.fulfillmentId ? { status, fulfillmentId: row.fulfillmentId } : { status };
  });
}

/**
 * Decides which messages an order needs now and writes them to the outbox under their
 * unique key, with the recipient, reference id and text fixed at this moment (the log shows
 * exactly what will be sent). A message that cannot be sent is kept as skipped, with why.
 * Runs inside the caller's transaction.
 */
export async function planAndEnqueue(
  tx: SqlExecutor,
  shop: ShopRow,
  knowledge: OrderKnowledge,
  trigger: DecisionTrigger,
  now: Date,
): Promise<EnqueueResult> {
  const decision = decideMessages({
    knowledge,
    alreadyQueued: await queuedMessagesOf(tx, shop.domain, knowledge.orderId),
    trigger,
    prefs: {
      sendProcessingOnCreate: shop.sendProcessingOnCreate,
      inPersonSales: shop.inPersonSales === "completed" ? "completed" : "nothing",
      giftRecipients: giftRecipientsPref(shop.giftRecipients),
    },
  });
  if (decision.kind !== "send") return { decision, enqueued: 0, skipped: 0 };
  const queued = await enqueuePlanned(tx, shop, knowledge, decision.messages, now);
  return {
    decision,
    enqueued: queued.filter((row) => row.inserted && row.state !== "skipped").length,
    skipped: queued.filter((row) => row.inserted && row.state === "skipped").length,
  };
}

/** One planned message as it went into the outbox. */
export interface QueuedRow {
  id: string;
  /** False when the shop already had a message under its key: nothing was written. */
  inserted: boolean;
  state: "queued" | "paused" | "skipped";
  skipReason: string | null;
}

/**
 * Writes decided messages to the outbox under their keys, each planned in full now
 * (messages/content.server.ts), as skipped with the reason when it cannot be sent. The
 * lifecycle decision above uses it, and so does Shopify Flow's action, which names its
 * status itself. Runs inside the caller's transaction.
 */
export async function enqueuePlanned(
  tx: SqlExecutor,
  shop: ShopRow,
  knowledge: OrderKnowledge,
  messages: readonly PlannedMessage[],
  now: Date,
  options: PlanOptions = {},
): Promise<QueuedRow[]> {
  const rows: QueuedRow[] = [];
  for (const [index, planned] of messages.entries()) {
    const audience = planned.audience ?? "buyer";
    const drafted = await planMessageContent(tx, shop, knowledge, planned.status, planned.fulfillmentId, audience, now, options);
    const content =
      drafted.skipReason || !drafted.recipient ? drafted : { ...drafted, skipReason: await unreachable(tx, shop.domain, drafted.recipient, now) };
    const state = content.skipReason ? "skipped" : shop.pausedReason ? "paused" : "queued";
    // Messages planned together keep their lifecycle order through createdAt.
    const createdAt = new Date(now.getTime() + index);
    const id = timeOrderedId();
    const inserted = await insertMessage(tx, {
      id,
      shopDomain: shop.domain,
      orderId: knowledge.orderId,
      orderName: knowledge.orderName,
      orderStatus: planned.status,
      fulfillmentId: planned.fulfillmentId ?? null,
      dedupeKey: planned.key,
      state,
      rank: STATUS_RANK[planned.status],
      ...content,
      audience,
      nextAttemptAt: now,
      createdAt,
      updatedAt: now,
    });
    rows.push({ id, inserted, state, skipReason: content.skipReason });
  }
  return rows;
}
