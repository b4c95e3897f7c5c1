import { timeOrderedId } from "../db/ids";
import { insertMessage, lastFailureTo, orderMessageKinds } from "../db/repositories/messages.server";
import { config } from "../config.server";
import { SKIP_RECIPIENT_CODES, unreachableSkipReason } from "../receipts/delivery-errors";
import type { SqlExecutor } from "../db/sql.server";
import { STATUS_RANK, type OrderStatus } from "../kaleyra/statuses";
import { planMessageContent } from "../messages/content.server";
import type { OrderKnowledge } from "../orders/knowledge";
import { giftRecipientsPref } from "../orders/gift-recipients";
import { decideMessages, type Decision, type DecisionTrigger, type QueuedMessage } from "../orders/status-decision";
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
  const alreadyQueued = await orderMessageKinds(tx, shop.domain, knowledge.orderId);
  const decision = decideMessages({
    knowledge,
    alreadyQueued: alreadyQueued.map(
      (row): QueuedMessage => {
        const status = row.orderStatus as OrderStatus;
        return row.fulfillmentId ? { status, fulfillmentId: row.fulfillmentId } : { status };
      },
    ),
    trigger,
    prefs: {
      sendProcessingOnCreate: shop.sendProcessingOnCreate,
      inPersonSales: shop.inPersonSales === "completed" ? "completed" : "nothing",
      giftRecipients: giftRecipientsPref(shop.giftRecipients),
    },
  });
  if (decision.kind !== "send") return { decision, enqueued: 0, skipped: 0 };

  let enqueued = 0;
  let skipped = 0;
  for (const [index, planned] of decision.messages.entries()) {
    const audience = planned.audience ?? "buyer";
    const drafted = await planMessageContent(tx, shop, knowledge, planned.status, planned.fulfillmentId, audience, now);
    const content =
      drafted.skipReason || !drafted.recipient ? drafted : { ...drafted, skipReason: await unreachable(tx, shop.domain, drafted.recipient, now) };
    const state = content.skipReason ? "skipped" : shop.pausedReason ? "paused" : "queued";
    // Messages planned together keep their lifecycle order through createdAt.
    const createdAt = new Date(now.getTime() + index);
    const inserted = await insertMessage(tx, {
      id: timeOrderedId(),
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
    if (inserted && state === "skipped") skipped += 1;
    else if (inserted) enqueued += 1;
  }
  return { decision, enqueued, skipped };
}
