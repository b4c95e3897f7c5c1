/**
 * WhatsApp refused an interactive message because the shopper's 24-hour window was closed
 * (131047) or WhatsApp Pay is not theirs (2040): the same update is sent once more as the
 * shop's approved template, planned by the same rules as any message with the form forced
 * to "template" (consent still applies). The new message names the one it replaces
 * (`fallbackOf`), so the log links the two; its key makes a second fallback impossible.
 */
import { timeOrderedId } from "../db/ids";
import { readKnowledgeText } from "../db/repositories/order-states.server";
import { findShop } from "../db/repositories/shops.server";
import { insertMessage, type MessageRecord } from "../db/repositories/messages.server";
import type { SqlExecutor } from "../db/sql.server";
import { isOrderStatus } from "../kaleyra/statuses";
import { planMessageContent } from "../messages/content.server";
import type { OrderKnowledge } from "../orders/knowledge";

export type FallbackResult = { queued: true; id: string } | { queued: false; why: string };

export async function queueTemplateFallback(tx: SqlExecutor, message: MessageRecord, code: string, now: Date): Promise<FallbackResult> {
  if (message.form !== "interactive") return { queued: false, why: "only an interactive message falls back to a template" };
  const shop = await findShop(tx, message.shopDomain);
  const text = await readKnowledgeText(tx, message.shopDomain, message.orderId);
  if (!shop || !text || !isOrderStatus(message.orderStatus)) return { queued: false, why: "the app no longer has this order's details" };
  const audience = message.audience === "gift_recipient" ? "gift_recipient" : "buyer";
  const content = await planMessageContent(tx, { ...shop, messageForm: "template" }, JSON.parse(text) as OrderKnowledge, message.orderStatus, message.fulfillmentId ?? undefined, audience, now);
  if (content.skipReason) return { queued: false, why: content.skipReason };
  const id = timeOrderedId();
  const inserted = await insertMessage(tx, {
    id,
    shopDomain: message.shopDomain,
    orderId: message.orderId,
    orderName: message.orderName,
    orderStatus: message.orderStatus,
    fulfillmentId: message.fulfillmentId,
    dedupeKey: `${message.dedupeKey}:template`,
    state: shop.pausedReason ? "paused" : "queued",
    rank: message.rank,
    ...content,
    formReason: `WhatsApp refused the interactive message (${code}): sent once more as the approved template`,
    fallbackOf: message.id,
    audience,
    nextAttemptAt: now,
    createdAt: now,
    updatedAt: now,
  });
  return inserted ? { queued: true, id } : { queued: false, why: "the template was queued already" };
}
