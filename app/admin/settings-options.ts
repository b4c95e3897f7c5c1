/**
 * What the Settings page offers, as plain data the browser bundle can import without the
 * validation code (zod and the phone-number metadata stay on the server).
 */
import { BUILT_IN_OPT_IN, BUILT_IN_OPT_OUT } from "../consent/keywords";
import { PODS, podDomain, type Pod } from "../kaleyra/pods";
import type { ConsentPolicy, ForcedForm } from "../messages/form-decision";

export const REFERENCE_ID_SOURCES = ["order_id", "order_name", "note_attribute"] as const;
export type ReferenceIdSourceName = (typeof REFERENCE_ID_SOURCES)[number];

export const REFERENCE_ID_SOURCE_LABEL: Readonly<Record<ReferenceIdSourceName, string>> = {
  order_id: "Shopify order ID (for example 820982911946154500)",
  order_name: "Order name without # (for example 1001)",
  note_attribute: "An order note attribute written by your WhatsApp checkout",
};

/** The pod choices as the merchant sees them: the region and the API domain it talks to. */
export const POD_OPTIONS: ReadonlyArray<{ value: Pod; label: string }> = PODS.map((pod) => ({
  value: pod,
  label: `${pod} — ${podDomain(pod)}`,
}));

/** What the test send shows inline: Kaleyra's code and what it means. */
export interface TestSendReport {
  ok: boolean;
  code: string | null;
  httpStatus: number | null;
  title: string;
  explanation: string;
  action: string;
  /** Kaleyra's own words (or our validation's), never containing the API key. */
  detail: string | null;
  messageId: string | null;
}

/** The "Reaching shoppers" section's fields, as the page holds them. */
export interface ReachingShoppersValues {
  messageForm: ForcedForm;
  consentPolicy: ConsentPolicy;
  checkoutConsent: boolean;
  /** The shop's own keywords, comma separated, as typed or as stored. */
  optOutKeywords: string;
  optInKeywords: string;
  optOutConfirmation: boolean;
  templateLanguage: string;
}

/** Each forced form with when WhatsApp delivers it: the merchant chooses knowing what fails. */
export const MESSAGE_FORM_CHOICES: ReadonlyArray<{ value: ForcedForm; label: string; helpText: string }> = [
  {
    value: "auto",
    label: "Decide per message (recommended)",
    helpText:
      "The interactive order-status message when WhatsApp delivers it (an order placed in WhatsApp, within 24 hours of the shopper's last message to you); otherwise an approved template.",
  },
  {
    value: "interactive",
    label: "Always the interactive order-status message (shops that sell only inside WhatsApp)",
    helpText:
      "WhatsApp delivers it only for orders placed in WhatsApp and within 24 hours of the shopper's last message to you; any other message is refused.",
  },
  {
    value: "template",
    label: "Always an approved template",
    helpText: "Delivered at any time, once the template is approved in your WhatsApp account and added in WhatsApp templates.",
  },
];

export const CONSENT_POLICY_CHOICES: ReadonlyArray<{ value: ConsentPolicy; label: string }> = [
  { value: "everyone", label: "Everyone with a phone number" },
  { value: "opted_in", label: "Only shoppers who opted in" },
];

/** Shown next to the choice of who gets updates. */
export const WHATSAPP_OPT_IN_POLICY =
  "WhatsApp requires a shopper's opt-in before a business messages them, and the opt-in must name your business and WhatsApp. " +
  "Opt-outs must be honoured: a shopper who sends STOP gets no more updates until they send START.";

/**
 * How the page words the built-in keywords (always honoured, whatever the shop adds); the
 * words themselves are matched where inbound messages are read.
 */
export const BUILT_IN_OPT_OUT_WORDS = BUILT_IN_OPT_OUT.join(", ");
export const BUILT_IN_OPT_IN_WORDS = BUILT_IN_OPT_IN.join(", ");

/** A shop's own keywords: how many, and how long each. */
export const KEYWORD_LIMITS = { count: 20, length: 30 } as const;
