/**
 * "Retry" on a failed or skipped message. The message's own row is updated — never a
 * second row for the same dedupe key — so the log keeps one line per message.
 *
 * Either way the message is planned again from what the app knows of the order now, with
 * the shop's current settings and template, by the rules that planned it when it was queued
 * (app/messages/content.server.ts): a merchant who fixed the template after a WA400 gets the
 * fixed text, not the stored one.
 * If it can be sent it goes back in the queue with its attempts reset (the worker's retry
 * cap counts again from zero); if not, it is skipped with the new reason. The answer names
 * what changed, for the detail page.
 */
import { lockMessage, updateMessage, type MessageRecord } from "../db/repositories/messages.server";
import { readKnowledgeText } from "../db/repositories/order-states.server";
import type { SqlExecutor } from "../db/sql.server";
import { isOrderStatus } from "../kaleyra/statuses";
import type { OrderKnowledge } from "../orders/knowledge";
import { announceQueuedMessages } from "../outbox/notify.server";
import { logger } from "../logger.server";
import { planMessageContent } from "../messages/content.server";
import { findShop, type ShopRow } from "../db/repositories/shops.server";
import type { AdminDeps } from "./deps.server";

/** The parts of a message a retry may plan differently, as the detail page names them. */
export const PLANNED_PARTS = {
  bodyText: "message text",
  description: "order description",
  recipient: "recipient",
  referenceId: "order reference",
  form: "message form",
  templateName: "template",
} as const;
export type PlannedPart = keyof typeof PLANNED_PARTS;

export type RetryResult =
  | { ok: true; state: "queued" | "paused" | "skipped"; skipReason: string | null; changed: string[] }
  | { ok: false; reason: "not_found" | "not_retryable" };

async function knowledgeOf(tx: SqlExecutor, shop: string, orderId: string): Promise<OrderKnowledge | undefined> {
  const text = await readKnowledgeText(tx, shop, orderId);
  return text ? (JSON.parse(text) as OrderKnowledge) : undefined;
}

/** Where a message that may be sent goes: straight to the queue, or to wait out the shop's pause. */
function sendableState(shop: ShopRow | undefined): "queued" | "paused" {
  return shop?.pausedReason ? "paused" : "queued";
}

/** What the new plan changed, in the merchant's words. */
export function changedParts(before: Record<PlannedPart, string | null>, after: Record<PlannedPart, string | null>): string[] {
  return (Object.keys(PLANNED_PARTS) as PlannedPart[])
    .filter((part) => (before[part] ?? null) !== (after[part] ?? null))
    .map((part) => PLANNED_PARTS[part]);
}

async function replan(tx: SqlExecutor, message: MessageRecord, shop: ShopRow | undefined, now: Date): Promise<RetryResult> {
  const knowledge = await knowledgeOf(tx, message.shopDomain, message.orderId);
  if (!shop || !knowledge || !isOrderStatus(message.orderStatus)) {
    const reason = "the app no longer has this order's details";
    await updateMessage(tx, message.id, { state: "skipped", skipReason: reason, updatedAt: now });
    return { ok: true, state: "skipped", skipReason: reason, changed: [] };
  }
  const audience = message.audience === "gift_recipient" ? "gift_recipient" : "buyer";
  const content = await planMessageContent(tx, shop, knowledge, message.orderStatus, message.fulfillmentId ?? undefined, audience, now);
  const { skipReason, ...columns } = content;
  const changed = changedParts(message, content);
  const planned = { ...columns, updatedAt: now };
  if (skipReason) {
    await updateMessage(tx, message.id, { state: "skipped", skipReason, ...planned });
    return { ok: true, state: "skipped", skipReason, changed };
  }
  const state = sendableState(shop);
  await updateMessage(
    tx,
    message.id,
    { state, skipReason: null, ...planned, attempts: 0, nextAttemptAt: now, lockedBy: null, leaseUntil: null },
    ["failed", "skipped"],
  );
  return { ok: true, state, skipReason: null, changed };
}

export async function retryMessage(deps: AdminDeps, shopDomain: string, messageId: string): Promise<RetryResult> {
  const now = deps.now();
  const result = await deps.sql.transaction(async (tx): Promise<RetryResult> => {
    // Locked: a worker cannot claim it, and two clicks cannot both replan it.
    const message = await lockMessage(tx, shopDomain, messageId);
    if (!message) return { ok: false, reason: "not_found" };
    const shop = await findShop(tx, shopDomain);
    if (message.state === "failed" || message.state === "skipped") return replan(tx, message, shop, now);
    return { ok: false, reason: "not_retryable" };
  });
  if (result.ok && result.state === "queued") announceQueuedMessages(deps.sql, logger);
  return result;
}
