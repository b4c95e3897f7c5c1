/**
 * What one message will say, to whom and in which form: its recipient, reference id, text,
 * and the form WhatsApp will deliver (./form-decision.ts) with the approved template's
 * parameters when it is one. The pipeline plans a message this way when it queues it (for
 * webhooks and for Shopify Flow's action), and the admin's Retry plans a skipped or failed
 * one again the same way.
 */
import { parseBodyParams, previewTemplate, templateParamsFor } from "../templates/approved";
import { findShopper, saveConsentIfNone, type ShopperRecord } from "../db/repositories/shoppers.server";
import { findTemplate } from "../db/repositories/templates.server";
import { whatsAppTemplatesFor, whatsAppTemplatesNamed, type WhatsAppTemplateRecord } from "../db/repositories/whatsapp-templates.server";
import type { SqlExecutor } from "../db/sql.server";
import type { ShopRow } from "../db/repositories/shops.server";
import { windowOpen } from "../consent/window";
import type { MessageForm } from "../kaleyra/forms";
import type { OrderStatus } from "../kaleyra/statuses";
import type { OrderKnowledge } from "../orders/knowledge";
import { pickRecipientFor, type Audience } from "../orders/recipient";
import { referenceIdFor, type ReferenceIdSource } from "../orders/reference-id";
import { wordingFor } from "../orders/wording";
import { shopDisplayName } from "../shops/domain";
import { BUILT_IN_TEMPLATES, DEFAULT_TEMPLATES, type MessageTemplate } from "../templates/defaults";
import { renderMessage, templateValuesFor } from "../templates/render";
import type { TemplateValues } from "../templates/variables";
import { consentPolicyOf, decideForm, forcedFormOf, type Consent } from "./form-decision";
import { chooseTemplate } from "./template-choice";

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
  /** The interactive message's text; for a template, the approved body as filled (what the shopper reads). */
  bodyText: string;
  description: string | null;
  /** Links whose line was dropped to fit the limits, one per line, for the log; null when none. */
  omittedLinks: string | null;
  form: MessageForm;
  formReason: string | null;
  templateName: string | null;
  templateLanguage: string | null;
  /** JSON of the template's parameters (app/kaleyra/template-request.ts TemplateParameters). */
  templateParams: string | null;
}

/** The shopper's consent as the decision takes it: their own word, else the order's when the shop's checkout collects it. */
async function consentOf(tx: SqlExecutor, shop: ShopRow, shopper: ShopperRecord | undefined, phone: string, now: Date): Promise<Consent> {
  const stated = shopper?.consent;
  if (stated === "opted_in" || stated === "opted_out") return stated;
  if (!shop.checkoutConsent) return null;
  await saveConsentIfNone(tx, shop.domain, phone, { consent: "opted_in", at: now, source: "order", wording: "the shop's checkout collects WhatsApp consent" }, now);
  return "opted_in";
}

/** What the caller asks of one message beyond the shop's settings. */
export interface PlanOptions {
  /** Send this approved template (by name) instead of the one the status would take: Shopify Flow's override. */
  templateName?: string;
}

interface FormPlan {
  skipReason: string | null;
  form: MessageForm;
  formReason: string | null;
  template: WhatsAppTemplateRecord | undefined;
}

/** The form of a message to a known number (./form-decision.ts), and its template when it is one. */
async function planForm(
  tx: SqlExecutor,
  shop: ShopRow,
  knowledge: OrderKnowledge,
  status: OrderStatus,
  phone: string,
  whatsappBorn: boolean,
  now: Date,
  options: PlanOptions,
): Promise<FormPlan> {
  const shopper = await findShopper(tx, shop.domain, phone);
  const consent = await consentOf(tx, shop, shopper, phone, now);
  const requested = options.templateName;
  const templates = requested === undefined ? await whatsAppTemplatesFor(tx, shop.domain, status) : await whatsAppTemplatesNamed(tx, shop.domain, requested);
  const locale = knowledge.sale?.customerLocale ?? null;
  const utility = chooseTemplate(templates, "utility", locale, shop.templateLanguage);
  const orderStatus = chooseTemplate(templates, "order_status", locale, shop.templateLanguage);
  const choice = decideForm({
    status,
    forced: forcedFormOf(shop.messageForm),
    whatsappBorn,
    windowOpen: windowOpen(shopper, shop.businessNumber, now),
    consent,
    policy: consentPolicyOf(shop.consentPolicy),
    hasUtilityTemplate: utility !== undefined,
    hasOrderStatusTemplate: orderStatus !== undefined,
    ...(requested === undefined ? {} : { requestedTemplate: requested }),
  });
  if (!choice.send) return { skipReason: choice.reason, form: "interactive", formReason: null, template: undefined };
  const template = choice.form === "template" ? utility : choice.form === "order_status_template" ? orderStatus : undefined;
  return { skipReason: null, form: choice.form, formReason: choice.reason, template };
}

function templateColumns(template: WhatsAppTemplateRecord | undefined, values: TemplateValues) {
  if (!template) return { templateName: null, templateLanguage: null, templateParams: null };
  return { templateName: template.name, templateLanguage: template.language, templateParams: JSON.stringify(templateParamsFor(template, values)) };
}

/**
 * Fixes a message's recipient, form, reference id and text from the order's knowledge and
 * the shop's current settings and templates. Used when a message is queued and when a skipped
 * one is retried, so both follow the same rules.
 */
export async function planMessageContent(
  tx: SqlExecutor,
  shop: ShopRow,
  knowledge: OrderKnowledge,
  status: OrderStatus,
  fulfillmentId: string | undefined,
  audience: Audience = "buyer",
  now: Date = new Date(),
  options: PlanOptions = {},
): Promise<PlannedContent> {
  const stored = await templateFor(tx, shop.domain, status);
  const wording = wordingFor(knowledge, status, fulfillmentId, audience);
  const template = wording === "standard" ? stored.template : BUILT_IN_TEMPLATES[wording];
  const recipient = pickRecipientFor(knowledge, audience);
  const referenceSource = referenceIdSourceOf(shop);
  const reference = referenceIdFor(referenceSource, knowledge);
  const values = templateValuesFor(knowledge, { shopName: shopDisplayName(shop), fulfillmentId });
  const rendered = renderMessage(template, values);
  const whatsappBorn = referenceSource.kind === "note_attribute" && reference.ok;
  const form = recipient.ok ? await planForm(tx, shop, knowledge, status, recipient.e164, whatsappBorn, now, options) : undefined;
  const needsReference = form?.form === "interactive" || form?.form === "order_status_template";
  let skipReason: string | null = null;
  if (!shop.installed || !shop.enabled) skipReason = "sending is switched off for this shop";
  else if (!stored.enabled) skipReason = `the ${status} template is switched off`;
  else if (!recipient.ok) skipReason = recipient.reason;
  else if (form?.skipReason) skipReason = form.skipReason;
  else if (needsReference && !reference.ok) skipReason = reference.reason;
  const filled = form?.template ? previewTemplate(form.template.body, parseBodyParams(form.template), values) : null;
  return {
    skipReason,
    recipient: recipient.ok ? recipient.e164 : null,
    recipientSource: recipient.ok ? recipient.source : null,
    referenceId: reference.ok ? reference.referenceId : null,
    bodyText: filled ?? rendered.text,
    description: rendered.description || null,
    omittedLinks: !filled && rendered.omittedLinks.length > 0 ? rendered.omittedLinks.join("\n") : null,
    form: form?.form ?? "interactive",
    formReason: form?.formReason ?? null,
    ...templateColumns(form?.template, values),
  };
}
