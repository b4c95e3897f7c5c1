import { timeOrderedId } from "../db/ids";
import { insertMessage, orderMessageKinds } from "../db/repositories/messages.server";
import { findTemplate } from "../db/repositories/templates.server";
import type { SqlExecutor } from "../db/sql.server";
import { STATUS_RANK, type OrderStatus } from "../kaleyra/statuses";
import type { OrderKnowledge } from "../orders/knowledge";
import { giftRecipientsPref } from "../orders/gift-recipients";
import { pickRecipientFor, type Audience } from "../orders/recipient";
import { referenceIdFor, type ReferenceIdSource } from "../orders/reference-id";
import { wordingFor } from "../orders/wording";
import { decideMessages, type Decision, type DecisionTrigger, type QueuedMessage } from "../orders/status-decision";
import type { ShopRow } from "../db/repositories/shops.server";
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
  const row = await findTemplate(tx, shop, status);
  if (!row) return { enabled: true, template: DEFAULT_TEMPLATES[status] };
  return { enabled: row.enabled, template: { body: row.body, description: row.description ?? "" } };
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
  const alreadyQueued = await orderMessageKinds(tx, shop.domain, knowledge.orderId);
  const decision = decideMessages({
    knowledge,
    alreadyQueued: alreadyQueued.map(
      (row): QueuedMessage => {
        const status = row.status as OrderStatus;
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
    const content = await planMessageContent(tx, shop, knowledge, planned.status, planned.fulfillmentId, audience);
    const state = content.skipReason ? "skipped" : shop.pausedReason ? "paused" : "queued";
    // Messages planned together keep their lifecycle order through createdAt.
    const createdAt = new Date(now.getTime() + index);
    const inserted = await insertMessage(tx, {
      id: timeOrderedId(),
      shopDomain: shop.domain,
      orderId: knowledge.orderId,
      orderName: knowledge.orderName,
      status: planned.status,
      fulfillmentId: planned.fulfillmentId ?? null,
      dedupeKey: planned.key,
      state,
      rank: STATUS_RANK[planned.status],
      recipient: content.recipient,
      recipientSource: content.recipientSource,
      referenceId: content.referenceId,
      bodyText: content.bodyText,
      description: content.description,
      omittedLinks: content.omittedLinks,
      skipReason: content.skipReason,
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
