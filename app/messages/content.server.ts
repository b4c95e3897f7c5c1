/**
 * What one message will say and to whom: its recipient, reference id and text, planned from
 * what the app knows of the order, the shop's settings and its template. The pipeline plans
 * a message this way when it queues it, and the admin's Retry plans a skipped or failed one
 * again the same way.
 */
import { findTemplate } from "../db/repositories/templates.server";
import type { SqlExecutor } from "../db/sql.server";
import type { OrderStatus } from "../kaleyra/statuses";
import type { OrderKnowledge } from "../orders/knowledge";
import { pickRecipientFor, type Audience } from "../orders/recipient";
import { referenceIdFor, type ReferenceIdSource } from "../orders/reference-id";
import { wordingFor } from "../orders/wording";
import { shopDisplayName } from "../shops/domain";
import type { ShopRow } from "../db/repositories/shops.server";
import { BUILT_IN_TEMPLATES, DEFAULT_TEMPLATES, type MessageTemplate } from "../templates/defaults";
import { renderMessage, templateValuesFor } from "../templates/render";

/** The shop's reference-id choice as the order modules take it. */
function referenceIdSourceOf(shop: Pick<ShopRow, "referenceIdSource" | "referenceIdAttribute">): ReferenceIdSource {
  if (shop.referenceIdSource === "order_name") return { kind: "order_name" };
  if (shop.referenceIdSource === "note_attribute") {
    return { kind: "note_attribute", attribute: shop.referenceIdAttribute ?? "" };
  }
  return { kind: "order_id" };
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

/**
 * What one message will say and to whom, or why it cannot be sent. Each field is the Message
 * column of the same name, so queueing and Retry store it as it is.
 */
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
