import { timeOrderedId } from "../db/ids";
import type { SqlExecutor } from "../db/sql.server";
import { STATUS_RANK, type OrderStatus } from "../kaleyra/statuses";
import type { OrderKnowledge } from "../orders/knowledge";
import { giftRecipientsPref } from "../orders/gift-recipients";
import { pickRecipientFor, type Audience } from "../orders/recipient";
import { referenceIdFor, type ReferenceIdSource } from "../orders/reference-id";
import { wordingFor } from "../orders/wording";
import { decideMessages, type Decision, type DecisionTrigger, type QueuedMessage } from "../orders/status-decision";
import type { ShopRow } from "../shops/shop-rows.server";
import { BUILT_IN_TEMPLATES, DEFAULT_TEMPLATES, type MessageTemplate } from "../templates/defaults";
import { renderMessage, templateValuesFor } from "../templates/render";

export interface EnqueueResult {
  decision: Decision;
  /** Messages that will be sent (queued, or paused until the shop's pause lifts). */
  enqueued: number;
  /** Messages kept in the log as skipped, with their reason. */
  skipped: number;
}

/** The shop's reference-id choice as the order modules take it. */
export function referenceIdSourceOf(shop: Pick<ShopRow, "referenceIdSource" | "referenceIdAttribute">): ReferenceIdSource {
  if (shop.referenceIdSource === "order_name") return { kind: "order_name" };
  if (shop.referenceIdSource === "note_attribute") {
    return { kind: "note_attribute", attribute: shop.referenceIdAttribute ?? "" };
  }
  return { kind: "order_id" };
}

/** What `{{shop_name}}` says before the merchant has told the app its shop's name. */
export function shopDisplayName(shop: Pick<ShopRow, "domain" | "name">): string {
  return shop.name ?? shop.domain.replace(/\.myshopify\.com$/, "");
}

async function templateFor(
  tx: SqlExecutor,
  shop: string,
  status: OrderStatus,
): Promise<{ enabled: boolean; template: MessageTemplate }> {
  const rows = await tx.query<{ enabled: unknown; body: string; description: string | null }>(
    `SELECT "enabled", "body", "description" FROM "Template" WHERE "shopDomain" = ? AND "status" = ?`,
    [shop, status],
  );
  const row = rows[0];
  if (!row) return { enabled: true, template: DEFAULT_TEMPLATES[status] };
  return { enabled: Boolean(row.enabled), template: { body: row.body, description: row.description ?? "" } };
}

/** What one message will say and to whom, or why it cannot be sent. */
export interface PlannedContent {
  skipReason: string | null;
  recipient: string | null;
  recipientSource: string | null;
  referenceId: string | null;
  bodyText: string;
  description: string | null;
  /** Links whose line was dropped to fit the limits, one per line, for the log; null when none. */
  omittedLinks: string | null;
}

/**
 * Fixes a message's recipient, reference id and text from the order's knowledge and the
 * shop's current settings and template. Used when a message is queued and when a skipped
 * one is retried, so both follow the same rules.
 */
export async function planMessageContent(
  tx: SqlExecutor,
  shop: ShopRow,
  knowledge: OrderKnowledge,
  status: OrderStatus,
  fulfillmentId: string | undefined,
  audience: Audience = "buyer",
): Promise<PlannedContent> {
  const stored = await templateFor(tx, shop.domain, status);
  const { enabled } = stored;
  const wording = wordingFor(knowledge, status, fulfillmentId, audience);
  const template = wording === "standard" ? stored.template : BUILT_IN_TEMPLATES[wording];
  const recipient = pickRecipientFor(knowledge, audience);
  const reference = referenceIdFor(referenceIdSourceOf(shop), knowledge);
  const rendered = renderMessage(template, templateValuesFor(knowledge, { shopName: shopDisplayName(shop), fulfillmentId }));
  let skipReason: string | null = null;
  if (!shop.installed || !shop.enabled) skipReason = "sending is switched off for this shop";
  else if (!enabled) skipReason = `the ${status} template is switched off`;
  else if (!recipient.ok) skipReason = recipient.reason;
  else if (!reference.ok) skipReason = reference.reason;
  return {
    skipReason,
    recipient: recipient.ok ? recipient.e164 : null,
    recipientSource: recipient.ok ? recipient.source : null,
    referenceId: reference.ok ? reference.referenceId : null,
    bodyText: rendered.text,
    description: rendered.description || null,
    omittedLinks: rendered.omittedLinks.length > 0 ? rendered.omittedLinks.join("\n") : null,
  };
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
  const alreadyQueued = await tx.query<{ status: OrderStatus; fulfillmentId: string | null }>(
    `SELECT "status", "fulfillmentId" FROM "Message" WHERE "shopDomain" = ? AND "orderId" = ?`,
    [shop.domain, knowledge.orderId],
  );
  const decision = decideMessages({
    knowledge,
    alreadyQueued: alreadyQueued.map(
      (row): QueuedMessage => (row.fulfillmentId ? { status: row.status, fulfillmentId: row.fulfillmentId } : { status: row.status }),
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
    const content = await planMessageContent(tx, shop, knowledge, planned.status, planned.fulfillmentId, audience);
    const state = content.skipReason ? "skipped" : shop.pausedReason ? "paused" : "queued";
    // Messages planned together keep their lifecycle order through createdAt.
    const createdAt = new Date(now.getTime() + index);
    const inserted = await tx.execute(
      `INSERT INTO "Message" ("id", "shopDomain", "orderId", "orderName", "status", "fulfillmentId", "dedupeKey", "state",
         "rank", "recipient", "recipientSource", "referenceId", "bodyText", "description", "omittedLinks",
         "skipReason", "audience", "nextAttemptAt", "createdAt", "updatedAt")
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT ("shopDomain", "dedupeKey") DO NOTHING`,
      [
        timeOrderedId(),
        shop.domain,
        knowledge.orderId,
        knowledge.orderName,
        planned.status,
        planned.fulfillmentId ?? null,
        planned.key,
        state,
        STATUS_RANK[planned.status],
        content.recipient,
        content.recipientSource,
        content.referenceId,
        content.bodyText,
        content.description,
        content.omittedLinks,
        content.skipReason,
        audience,
        now,
        createdAt,
        now,
      ],
    );
    if (inserted > 0 && state === "skipped") skipped += 1;
    else if (inserted > 0) enqueued += 1;
  }
  return { decision, enqueued, skipped };
}
