/**
 * What the app does when a status callback says a message failed: Meta's error codes (and
 * Kaleyra's own not-sent codes) in one table, with the words a merchant reads in the log and
 * the fix to suggest. Pure: the receipt processor switches on `action`.
 *
 * Sources: Meta's Cloud API error codes and WhatsApp Pay pages, Kaleyra's error-code page
 * (see the platform facts of this project).
 */

/**
 * - `failed`: the message is failed; nothing is resent.
 * - `retry`: Meta refused it for now (a rate); the message is queued again with backoff.
 * - `skip_recipient`: failed, and further messages to that number in this shop are skipped
 *   for a while (it is not reachable on WhatsApp).
 * - `pause_shop`: failed for the shop as a whole (the daily limit): the shop pauses as it
 *   does on the synchronous answer, and the message waits with the others.
 * - `template_fallback`: failed, and an interactive message is sent once more as the shop's
 *   approved template (./fallback.server.ts), which WhatsApp delivers outside the window.
 */
export type DeliveryErrorAction = "failed" | "retry" | "skip_recipient" | "pause_shop" | "template_fallback";

export interface DeliveryErrorRule {
  /** What happened, in the merchant's words. */
  explanation: string;
  /** What the merchant can do about it. */
  fix: string;
  action: DeliveryErrorAction;
}

const TEMPLATE_FIX = "Check the template in your WhatsApp Manager (approved, active, in this language) and its parameters in the app's WhatsApp templates page.";

export const DELIVERY_ERRORS: Readonly<Record<string, DeliveryErrorRule>> = {
  "131047": {
    explanation: "WhatsApp refused it: the shopper has not written to your number in the last 24 hours, and outside that window only approved templates reach them.",
    fix: "The app sends the update once more as your approved template for this status, if you have added one in WhatsApp templates.",
    action: "template_fallback",
  },
  "131026": {
    explanation: "WhatsApp could not deliver it: the number is not on WhatsApp, has not accepted WhatsApp's latest terms, or uses a WhatsApp version too old for this message.",
    fix: "Nothing to fix in the app. Further messages to this number are skipped for a while.",
    action: "skip_recipient",
  },
  "131056": {
    explanation: "WhatsApp refused it for now: too many messages went to this shopper in a short time.",
    fix: "Nothing to do: the app sends it again later.",
    action: "retry",
  },
  "130429": {
    explanation: "WhatsApp refused it for now: your number sent more messages per second than its tier allows.",
    fix: "Nothing to do: the app sends it again later. Lower the send rate in Settings if this repeats.",
    action: "retry",
  },
  "131049": {
    explanation: "WhatsApp held it back to protect the shopper from too many marketing messages (Meta counted the template as marketing).",
    fix: "Make sure the template is approved as UTILITY, with order details only.",
    action: "failed",
  },
  "131051": {
    explanation: "WhatsApp does not support this kind of message for this shopper.",
    fix: "Use an approved template for this status.",
    action: "failed",
  },
  "131042": {
    explanation: "WhatsApp refused it because of a problem with your business account's payment method or eligibility.",
    fix: "Check the payment method and status of your WhatsApp Business Account in Meta's Business Manager.",
    action: "failed",
  },
  "2040": {
    explanation: "WhatsApp does not support order-status messages for this shopper (WhatsApp Pay is not available to them).",
    fix: "The app sends the update once more as your approved template for this status, if you have added one in WhatsApp templates.",
    action: "template_fallback",
  },
  "2046": {
    explanation: "WhatsApp refused this order-status change: the order cannot move from its last status to this one.",
    fix: "Check the order's status history; WhatsApp only accepts the changes its payments flow allows.",
    action: "failed",
  },
  "2047": {
    explanation: "WhatsApp could not cancel the order: a payment is pending or already captured.",
    fix: "Refund or settle the payment first, then tell the shopper with a template.",
    action: "failed",
  },
  "132000": {
    explanation: "WhatsApp refused the template: the number of its parameters does not match the approved template.",
    fix: TEMPLATE_FIX,
    action: "failed",
  },
  "132001": {
    explanation: "WhatsApp refused the template: it does not exist, or not in this language.",
    fix: TEMPLATE_FIX,
    action: "failed",
  },
  "132015": {
    explanation: "WhatsApp refused the template: Meta paused it because of its quality.",
    fix: TEMPLATE_FIX,
    action: "failed",
  },
  "132016": {
    explanation: "WhatsApp refused the template: Meta disabled it.",
    fix: TEMPLATE_FIX,
    action: "failed",
  },
  WAV2101: {
    explanation: "Kaleyra did not send it: your Kaleyra account reached its daily limit.",
    fix: "Ask Kaleyra to raise the limit; the app resumes on its own later.",
    action: "pause_shop",
  },
};

/** Codes of the 1320xx family that the table does not name are template problems too. */
const TEMPLATE_FAMILY = /^1320\d\d$/;

export interface DeliveryError {
  code: string;
  /** Meta's (or Kaleyra's) own words, kept for codes the table does not know. */
  title?: string;
  message?: string;
  details?: string;
}

/** A failure as stored (JSON), or undefined when there is none or it cannot be read. */
export function parseFailure(text: string | null): DeliveryError | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as DeliveryError;
  } catch {
    return undefined;
  }
}

/** The rule for a failure: from the table, or Meta's own words for a code it does not know. */
export function ruleFor(error: DeliveryError | undefined): DeliveryErrorRule {
  const known = error ? DELIVERY_ERRORS[error.code] : undefined;
  if (known) return known;
  if (error && TEMPLATE_FAMILY.test(error.code)) {
    return { explanation: `WhatsApp refused the template (${error.code}${error.title ? `: ${error.title}` : ""}).`, fix: TEMPLATE_FIX, action: "failed" };
  }
  const words = [error?.title, error?.message, error?.details].filter((part): part is string => Boolean(part)).join(". ");
  return {
    explanation: words ? `WhatsApp did not deliver it: ${words}` : "WhatsApp did not deliver it and gave no reason.",
    fix: error ? `Look up error ${error.code} in Meta's WhatsApp error codes.` : "Check the message in your Kaleyra console.",
    action: "failed",
  };
}

/** The codes after which a number is skipped for a while (action `skip_recipient`). */
export const SKIP_RECIPIENT_CODES: readonly string[] = Object.entries(DELIVERY_ERRORS)
  .filter(([, rule]) => rule.action === "skip_recipient")
  .map(([code]) => code);

const day = (at: Date) => at.toISOString().slice(0, 10);

/** Why a message to a number WhatsApp could not reach (at `failedAt`) is skipped, and until when (`hours` later). */
export function unreachableSkipReason(failedAt: Date, hours: number): string {
  const until = new Date(failedAt.getTime() + hours * 3_600_000);
  return `WhatsApp could not deliver to this number on ${day(failedAt)} (error 131026: not on WhatsApp, or too old a WhatsApp version); messages to it are skipped until ${day(until)}`;
}
