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
import type { SqlExecutor } from "../db/sql.server";
import { isOrderStatus } from "../kaleyra/statuses";
import type { OrderKnowledge } from "../orders/knowledge";
import { announceQueuedMessages } from "../outbox/notify.server";
import { logger } from "../logger.server";
import { planMessageContent } from "../messages/content.server";
import { findShop, type ShopRow } from "../shops/shop-rows.server";
import type { AdminDeps } from "./deps.server";

/** The parts of a message a retry may plan differently, as the detail page names them. */
export const PLANNED_PARTS = {
  bodyText: "message text",
  description: "order description",
  recipient: "recipient",
  referenceId: "order reference",
} as const;
export type PlannedPart = keyof typeof PLANNED_PARTS;

export type RetryResult =
  | { ok: true; state: "queued" | "paused" | "skipped"; skipReason: string | null; changed: string[] }
  | { ok: false; reason: "not_found" | "not_retryable" };

interface RetryCandidate {
  id: string;
  shopDomain: string;
  orderId: string;
  status: string;
  fulfillmentId: string | null;
  state: string;
  bodyText: string | null;
  description: string | null;
  recipient: string | null;
  referenceId: string | null;
  audience: string;
}

async function knowledgeOf(tx: SqlExecutor, shop: string, orderId: string): Promise<OrderKnowledge | undefined> {
  const rows = await tx.query<{ knowledge: string }>(
    `SELECT "knowledge" FROM "OrderState" WHERE "shopDomain" = ? AND "orderId" = ?`,
    [shop, orderId],
  );
  const text = rows[0]?.knowledge;
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

async function replan(tx: SqlExecutor, message: RetryCandidate, shop: ShopRow | undefined, now: Date): Promise<RetryResult> {
  const knowledge = await knowledgeOf(tx, message.shopDomain, message.orderId);
  if (!shop || !knowledge || !isOrderStatus(message.status)) {
    const reason = "the app no longer has this order's details";
    await tx.execute(`UPDATE "Message" SET "state" = 'skipped', "skipReason" = ?, "updatedAt" = ? WHERE "id" = ?`, [
      reason,
      now,
      message.id,
    ]);
    return { ok: true, state: "skipped", skipReason: reason, changed: [] };
  }
  const audience = message.audience === "gift_recipient" ? "gift_recipient" : "buyer";
  const content = await planMessageContent(tx, shop, knowledge, message.status, message.fulfillmentId ?? undefined, audience);
  const { skipReason } = content;
  const changed = changedParts(message, {
    bodyText: content.bodyText ?? null,
    description: content.description ?? null,
    recipient: content.recipient ?? null,
    referenceId: content.referenceId ?? null,
  });
  const planned = [content.recipient, content.recipientSource, content.referenceId, content.bodyText, content.description, content.omittedLinks];
  if (skipReason) {
    await tx.execute(
      `UPDATE "Message" SET "state" = 'skipped', "skipReason" = ?, "recipient" = ?, "recipientSource" = ?, "referenceId" = ?,
         "bodyText" = ?, "description" = ?, "omittedLinks" = ?, "updatedAt" = ? WHERE "id" = ?`,
      [skipReason, ...planned, now, message.id],
    );
    return { ok: true, state: "skipped", skipReason, changed };
  }
  const state = sendableState(shop);
  await tx.execute(
    `UPDATE "Message" SET "state" = ?, "skipReason" = NULL, "recipient" = ?, "recipientSource" = ?, "referenceId" = ?,
       "bodyText" = ?, "description" = ?, "omittedLinks" = ?, "attempts" = 0, "nextAttemptAt" = ?, "lockedBy" = NULL, "leaseUntil" = NULL,
       "updatedAt" = ? WHERE "id" = ? AND "state" IN ('failed', 'skipped')`,
    [state, ...planned, now, now, message.id],
  );
  return { ok: true, state, skipReason: null, changed };
}

export async function retryMessage(deps: AdminDeps, shopDomain: string, messageId: string): Promise<RetryResult> {
  const now = deps.now();
  const result = await deps.sql.transaction(async (tx): Promise<RetryResult> => {
    // Locked on PostgreSQL: a worker cannot claim it, and two clicks cannot both replan it.
    const lock = tx.provider === "postgresql" ? "FOR UPDATE" : "";
    const rows = await tx.query<RetryCandidate>(
      `SELECT "id", "shopDomain", "orderId", "status", "fulfillmentId", "state", "bodyText", "description", "recipient",
         "referenceId", "audience" FROM "Message"
       WHERE "id" = ? AND "shopDomain" = ? ${lock}`,
      [messageId, shopDomain],
    );
    const message = rows[0];
    if (!message) return { ok: false, reason: "not_found" };
    const shop = await findShop(tx, shopDomain);
    if (message.state === "failed" || message.state === "skipped") return replan(tx, message, shop, now);
    return { ok: false, reason: "not_retryable" };
  });
  if (result.ok && result.state === "queued") announceQueuedMessages(deps.sql, logger);
  return result;
}
