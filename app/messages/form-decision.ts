/**
 * Which form one message takes, or why it is not sent: pure, with its rules written down
 * (the README's table is this table). WhatsApp's rules behind it:
 *
 * - The seed's interactive `order_status` updates an order created inside WhatsApp (its
 *   `reference_id` is that order's) and, like every non-template message, is delivered only
 *   while the shopper's 24-hour window is open (they wrote to the shop's number).
 * - Outside the window only approved templates go through: Meta's order-status template for
 *   a WhatsApp-born order, an ordinary UTILITY template for every other order.
 * - A shopper who opted out is never written to; a shop may write only to opted-in shoppers.
 *
 * Rules, first match wins:
 * 1. opted out -> skip (whatever the form).
 * 2. the shop sends only to opted-in shoppers and this one has not opted in -> skip.
 * 3. a template asked for by name (Shopify Flow's override) -> that template: Meta's
 *    order-status kind only for a WhatsApp-born order, else skip; a utility one always.
 * 4. forced "interactive" -> interactive (the shop sells only in WhatsApp).
 * 5. forced "template" -> order-status template (WhatsApp-born, if the shop has one), else
 *    utility template, else skip.
 * 6. WhatsApp-born and window open -> interactive.
 * 7. WhatsApp-born, window closed -> order-status template, else utility template, else skip.
 * 8. any other order -> utility template, else skip (an interactive message would be refused).
 */
import type { MessageForm } from "../kaleyra/forms";
import { STATUS_LABEL, type OrderStatus } from "../kaleyra/statuses";

export const FORCED_FORMS = ["auto", "interactive", "template"] as const;
export type ForcedForm = (typeof FORCED_FORMS)[number];

export const CONSENT_POLICIES = ["everyone", "opted_in"] as const;
export type ConsentPolicy = (typeof CONSENT_POLICIES)[number];

export type Consent = "opted_in" | "opted_out" | null;

export interface FormFacts {
  status: OrderStatus;
  forced: ForcedForm;
  /** The order came from the shop's WhatsApp checkout (its reference id is there). */
  whatsappBorn: boolean;
  windowOpen: boolean;
  consent: Consent;
  policy: ConsentPolicy;
  /** The shop has an approved utility template for this status (in some language). */
  hasUtilityTemplate: boolean;
  /** The shop has Meta's order-status template for this status. */
  hasOrderStatusTemplate: boolean;
  /**
   * A template asked for by name (Shopify Flow's template override): the two `has...` facts
   * above are then about the templates of that name.
   */
  requestedTemplate?: string;
}

export type FormChoice =
  | { send: true; form: Exclude<MessageForm, "text">; reason: string }
  | { send: false; reason: string };

export function forcedFormOf(value: string | null | undefined): ForcedForm {
  return (FORCED_FORMS as readonly string[]).includes(value ?? "") ? (value as ForcedForm) : "auto";
}

export function consentPolicyOf(value: string | null | undefined): ConsentPolicy {
  return value === "opted_in" ? "opted_in" : "everyone";
}

const send = (form: Exclude<MessageForm, "text">, reason: string): FormChoice => ({ send: true, form, reason });
const skip = (reason: string): FormChoice => ({ send: false, reason });

function noTemplate(status: OrderStatus, whatsappBorn: boolean): FormChoice {
  const label = STATUS_LABEL[status];
  const which = whatsappBorn ? "Meta's order-status template or a utility template" : "a utility template";
  return skip(`no approved template for "${label}": approve ${which} for "${label}" in your WhatsApp account and add it in Templates`);
}

function templateFor(facts: FormFacts, why: string): FormChoice {
  if (facts.whatsappBorn && facts.hasOrderStatusTemplate) return send("order_status_template", why);
  if (facts.hasUtilityTemplate) return send("template", why);
  return noTemplate(facts.status, facts.whatsappBorn);
}

/** The template asked for, in the kind this order can take. */
function requested(facts: FormFacts, name: string): FormChoice {
  const why = `Shopify Flow asked for the template "${name}"`;
  if (facts.whatsappBorn && facts.hasOrderStatusTemplate) return send("order_status_template", why);
  if (facts.hasUtilityTemplate) return send("template", why);
  return skip(`the template "${name}" is Meta's order-status template, which only an order placed in WhatsApp can take`);
}

export function decideForm(facts: FormFacts): FormChoice {
  if (facts.consent === "opted_out") return skip("the shopper opted out of WhatsApp updates");
  if (facts.policy === "opted_in" && facts.consent !== "opted_in") {
    return skip("the shop sends only to shoppers who opted in, and this shopper has not: add the app's WhatsApp opt-in block to your thank-you and order-status pages");
  }
  if (facts.requestedTemplate !== undefined) return requested(facts, facts.requestedTemplate);
  if (facts.forced === "interactive") return send("interactive", "the shop sends the interactive order-status message always");
  if (facts.forced === "template") return templateFor(facts, "the shop sends approved templates always");
  if (facts.whatsappBorn && facts.windowOpen) return send("interactive", "ordered in WhatsApp, and the shopper wrote within 24 hours");
  if (facts.whatsappBorn) return templateFor(facts, "ordered in WhatsApp, but the shopper has not written within 24 hours");
  return templateFor(facts, "not ordered in WhatsApp: only an approved template reaches the shopper");
}
