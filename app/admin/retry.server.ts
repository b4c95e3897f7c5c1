/**
 * "Retry" on a failed or skipped message. The message's own row is updated — never a
 * second row for the same dedupe key — so the log keeps one line per message.
 *
 * - failed: back in the queue now, with its attempts reset (the worker's retry cap counts
 *   again from zero).
 * - skipped: planned again from what the app knows of the order now, with the shop's
 *   current settings and template (the same rules as app/pipeline/enqueue.server.ts). If it
 *   still cannot be sent it stays skipped with the new reason.
 */
import type { SqlExecutor } from "../db/sql.server";
import { isOrderStatus, type OrderStatus } from "../kaleyra/statuses";
import type { OrderKnowledge } from "../orders/knowledge";
import { pickRecipient } from "../orders/recipient";
import { referenceIdFor } from "../orders/reference-id";
import { wakeDeliveryWorkers } from "../outbox/wake.server";
import { referenceIdSourceOf, shopDisplayName } from "../pipeline/enqueue.server";
import { findShop, type ShopRow } from "../shops/shop-rows.server";
import { DEFAULT_TEMPLATES, type MessageTemplate } from "../templates/defaults";
import { renderMessage, templateValuesFor } from "../templates/render";
import type { AdminDeps } from "./deps.server";

export type RetryResult =
  | { ok: true; state: "queued" | "paused" | "skipped"; skipReason: string | null }
  | { ok: false; reason: "not_found" | "not_retryable" };

interface RetryCandidate {
  id: string;
  shopDomain: string;
  orderId: string;
  status: string;
  fulfillmentId: string | null;
  state: string;
}

async function templateOf(tx: SqlExecutor, shop: string, status: OrderStatus): Promise<{ enabled: boolean; template: MessageTemplate }> {
  const rows = await tx.query<{ enabled: unknown; body: string; description: string | null }>(
    `SELECT "enabled", "body", "description" FROM "Template" WHERE "shopDomain" = ? AND "status" = ?`,
    [shop, status],
  );
  const row = rows[0];
  if (!row) return { enabled: true, template: DEFAULT_TEMPLATES[status] };
  return { enabled: Boolean(row.enabled), template: { body: row.body, description: row.description ?? "" } };
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

async function requeueFailed(tx: SqlExecutor, message: RetryCandidate, shop: ShopRow | undefined, now: Date): Promise<RetryResult> {
  const state = sendableState(shop);
  await tx.execute(
    `UPDATE "Message" SET "state" = ?, "attempts" = 0, "nextAttemptAt" = ?, "skipReason" = NULL, "lockedBy" = NULL,
       "leaseUntil" = NULL, "updatedAt" = ? WHERE "id" = ? AND "state" = 'failed'`,
    [state, now, now, message.id],
  );
  return { ok: true, state, skipReason: null };
}

async function replanSkipped(tx: SqlExecutor, message: RetryCandidate, shop: ShopRow | undefined, now: Date): Promise<RetryResult> {
  const knowledge = await knowledgeOf(tx, message.shopDomain, message.orderId);
  if (!shop || !knowledge || !isOrderStatus(message.status)) {
    const reason = "the app no longer has this order's details";
    await tx.execute(`UPDATE "Message" SET "skipReason" = ?, "updatedAt" = ? WHERE "id" = ?`, [reason, now, message.id]);
    return { ok: true, state: "skipped", skipReason: reason };
  }
  const { enabled, template } = await templateOf(tx, shop.domain, message.status);
  const recipient = pickRecipient(knowledge);
  const reference = referenceIdFor(referenceIdSourceOf(shop), knowledge);
  const rendered = renderMessage(
    template,
    templateValuesFor(knowledge, { shopName: shopDisplayName(shop), fulfillmentId: message.fulfillmentId ?? undefined }),
  );
  let skipReason: string | null = null;
  if (!shop.installed || !shop.enabled) skipReason = "sending is switched off for this shop";
  else if (!enabled) skipReason = `the ${message.status} template is switched off`;
  else if (!recipient.ok) skipReason = recipient.reason;
  else if (!reference.ok) skipReason = reference.reason;

  const planned = [
    recipient.ok ? recipient.e164 : null,
    recipient.ok ? recipient.source : null,
    reference.ok ? reference.referenceId : null,
    rendered.text,
    rendered.description || null,
  ];
  if (skipReason) {
    await tx.execute(
      `UPDATE "Message" SET "skipReason" = ?, "recipient" = ?, "recipientSource" = ?, "referenceId" = ?, "bodyText" = ?,
         "description" = ?, "updatedAt" = ? WHERE "id" = ?`,
      [skipReason, ...planned, now, message.id],
    );
    return { ok: true, state: "skipped", skipReason };
  }
  const state = sendableState(shop);
  await tx.execute(
    `UPDATE "Message" SET "state" = ?, "skipReason" = NULL, "recipient" = ?, "recipientSource" = ?, "referenceId" = ?,
       "bodyText" = ?, "description" = ?, "attempts" = 0, "nextAttemptAt" = ?, "lockedBy" = NULL, "leaseUntil" = NULL,
       "updatedAt" = ? WHERE "id" = ? AND "state" = 'skipped'`,
    [state, ...planned, now, now, message.id],
  );
  return { ok: true, state, skipReason: null };
}

export async function retryMessage(deps: AdminDeps, shopDomain: string, messageId: string): Promise<RetryResult> {
  const now = deps.now();
  const result = await deps.sql.transaction(async (tx): Promise<RetryResult> => {
    // Locked on PostgreSQL: a worker cannot claim it, and two clicks cannot both replan it.
    const lock = tx.provider === "postgresql" ? "FOR UPDATE" : "";
    const rows = await tx.query<RetryCandidate>(
      `SELECT "id", "shopDomain", "orderId", "status", "fulfillmentId", "state" FROM "Message"
       WHERE "id" = ? AND "shopDomain" = ? ${lock}`,
      [messageId, shopDomain],
    );
    const message = rows[0];
    if (!message) return { ok: false, reason: "not_found" };
    const shop = await findShop(tx, shopDomain);
    if (message.state === "failed") return requeueFailed(tx, message, shop, now);
    if (message.state === "skipped") return replanSkipped(tx, message, shop, now);
    return { ok: false, reason: "not_retryable" };
  });
  if (result.ok && result.state === "queued") wakeDeliveryWorkers();
  return result;
}
