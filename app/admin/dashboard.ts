/**
 * The Home page's pure parts: the setup checklist and the banners for what needs the
 * merchant, both derived from the shop's row, the session's granted scopes and the counts.
 */
import { OUTCOME_HELP } from "../kaleyra/outcome";
import type { FailureSpike } from "./delivery-rates";
import { storedOutcomeHelp } from "./outcome-help";
import { DELIVERY_UPDATES_URL, SETTINGS_URL, TEST_SEND_URL, type ShopStatus } from "./sending-state";

export interface ChecklistItem {
  id: "credentials" | "business_number" | "templates" | "whatsapp_templates" | "test_message" | "sending_on" | "delivery_updates";
  label: string;
  done: boolean;
  detail: string;
  url: string;
}

export function setupChecklist(shop: ShopStatus): ChecklistItem[] {
  const saved = Boolean(shop.kaleyraSid) && shop.apiKeyStored && !shop.apiKeyUnreadable;
  const verified = saved && shop.credentialsVerifiedAt !== null;
  const refused = shop.pausedReason === "config_error";
  let credentialsDetail = "Saved and verified by Kaleyra.";
  if (shop.apiKeyUnreadable) credentialsDetail = "The stored API key can no longer be read: enter it again in Settings.";
  else if (!saved) credentialsDetail = "Enter your Kaleyra SID and API key in Settings.";
  else if (refused) credentialsDetail = "Kaleyra refused them. Check them in Settings, then press Resume sending.";
  else if (!verified) credentialsDetail = "Saved. Send a test message to check them with Kaleyra.";
  return [
    { id: "credentials", label: "Kaleyra credentials saved and verified", done: verified && !refused, detail: credentialsDetail, url: "/app/settings" },
    {
      id: "business_number",
      label: "WhatsApp business number added",
      done: Boolean(shop.businessNumber),
      detail: shop.businessNumber ? `Sending from ${shop.businessNumber}.` : "Enter the number registered in your Kaleyra account.",
      url: "/app/settings",
    },
    {
      id: "templates",
      label: "Message templates reviewed",
      done: shop.templatesReviewedAt !== null,
      detail: shop.templatesReviewedAt ? "Saved." : "Read the five messages your shoppers will get and save them.",
      url: "/app/templates",
    },
    whatsAppTemplatesStep(shop),
    {
      id: "test_message",
      label: "Test message sent",
      // testMessageSentAt holds the latest test's success only: a failed test clears it.
      done: shop.testMessageSentAt !== null,
      detail: shop.testMessageSentAt
        ? "Kaleyra accepted your latest test message."
        : "Send one to your own WhatsApp from Settings. If your latest test failed, its answer is shown there.",
      url: TEST_SEND_URL,
    },
    {
      id: "sending_on",
      label: "Sending switched on",
      done: shop.enabled,
      detail: shop.enabled ? "Shoppers get updates." : "Switch on “Send WhatsApp order updates” in Settings.",
      url: SETTINGS_URL,
    },
    {
      id: "delivery_updates",
      label: "Delivery updates arrive",
      done: shop.firstCallbackAt !== null,
      detail: shop.firstCallbackAt
        ? "Kaleyra tells the app which messages were delivered, read or refused."
        : shop.callbacksConfigured
          ? "Waiting for the first one: check the callback profile in Kaleyra's console has the URL and secret from Settings."
          : "Get the callback URL and set a secret in Settings, then add them to your number's callback profile in Kaleyra's console.",
      url: DELIVERY_UPDATES_URL,
    },
  ];
}

/** Outside the window and for web-store orders only approved templates reach shoppers (README: "Which form each message takes"). */
function whatsAppTemplatesStep(shop: ShopStatus): ChecklistItem {
  const interactiveOnly = shop.messageForm === "interactive";
  const count = shop.whatsAppTemplates;
  let detail = "WhatsApp delivers only templates you had approved to shoppers who have not written to you in 24 hours, and for orders not placed in WhatsApp: add yours.";
  if (interactiveOnly) detail = "Not needed: your shop sends the interactive order-status message always (Settings).";
  else if (count > 0) detail = `${count} approved template${count === 1 ? "" : "s"} added.`;
  return { id: "whatsapp_templates", label: "Approved WhatsApp templates added", done: interactiveOnly || count > 0, detail, url: "/app/whatsapp-templates" };
}

export interface AttentionBanner {
  id:
    | "key_unreadable"
    | "config_error"
    | "low_balance"
    | "daily_limit"
    | "uninstalled"
    | "missing_scopes"
    | "delivery_failures"
    | "sending_off";
  tone: "critical" | "warning" | "info";
  title: string;
  lines: string[];
  /** A link to the page that fixes it, or the Home page's "resume sending" action. */
  action?: { label: string; url: string } | { label: string; intent: "resume" | "recheck" | "grant_scopes" };
  /** When a timed pause lifts by itself (ISO). */
  resumeAt?: string;
}

/** Scopes the app asks for that the stored session lacks; `write_x` grants `read_x`. */
export function missingScopes(required: readonly string[], granted: string | null | undefined): string[] {
  const have = new Set((granted ?? "").split(",").map((scope) => scope.trim()).filter(Boolean));
  return required.filter((scope) => {
    if (have.has(scope)) return false;
    return !(scope.startsWith("read_") && have.has(`write_${scope.slice("read_".length)}`));
  });
}

/** What a merchant calls a Shopify access scope. */
export function scopeLabel(scope: string): string {
  const [mode, ...rest] = scope.split("_");
  const what = rest.join(" ");
  return mode === "write" ? `change your ${what}` : `your ${what}`;
}

/** The advice for a pause Kaleyra caused by refusing the credentials or number. */
export const RECHECK_ADVICE =
  "Check the SID, API key, Kaleyra region and WhatsApp business number in Settings. If they are right (Kaleyra had a passing problem, or the number was just added to your account), press Resume sending: it sends a test message to your own WhatsApp and, when Kaleyra accepts it, sends the waiting messages.";

export function attentionBanners(
  shop: ShopStatus,
  context: { missingScopes: string[]; waitingMessages: number; failureSpike?: FailureSpike | null },
): AttentionBanner[] {
  const banners: AttentionBanner[] = [];
  if (shop.apiKeyUnreadable) {
    banners.push({
      id: "key_unreadable",
      tone: "critical",
      title: "Re-enter your Kaleyra API key",
      lines: [
        "The stored API key can no longer be read, so no message can be sent. This happens when the app's own security key was replaced; your Kaleyra key itself is fine.",
      ],
      action: { label: "Open Settings", url: "/app/settings" },
    });
  }
  const waiting = context.waitingMessages === 1 ? "1 message is waiting." : `${context.waitingMessages} messages are waiting.`;
  if (shop.pausedReason === "config_error") {
    const help = storedOutcomeHelp({ kind: "config_error", code: shop.pausedCode, detail: shop.pausedDetail });
    const fromKaleyra = shop.pausedCode !== null && help !== null;
    banners.push({
      id: "config_error",
      tone: "critical",
      title: fromKaleyra ? `Sending is paused: ${help.title}` : "Sending is paused: Kaleyra settings need attention",
      lines: [
        ...(shop.pausedDetail ? [shop.pausedDetail] : []),
        fromKaleyra ? help.action : RECHECK_ADVICE,
        waiting,
      ],
      action: { label: "Resume sending", intent: "recheck" },
    });
  }
  if (shop.pausedReason === "low_balance" || shop.pausedReason === "daily_limit") {
    const help = OUTCOME_HELP[`pause:${shop.pausedReason}`];
    banners.push({
      id: shop.pausedReason,
      tone: "warning",
      title: `Sending is paused: ${help.title}`,
      lines: [help.explanation, help.action, waiting],
      action: { label: "Try again now", intent: "resume" },
      ...(shop.resumeAt ? { resumeAt: shop.resumeAt.toISOString() } : {}),
    });
  }
  if (shop.pausedReason === "uninstalled" || !shop.installed) {
    banners.push({
      id: "uninstalled",
      tone: "warning",
      title: "Sending is paused since the app was uninstalled",
      lines: [
        "Messages planned before the app was removed, and orders since, wait until you resume sending. Check your settings and templates first: some of these updates may be out of date.",
        waiting,
      ],
      action: { label: "Resume sending", intent: "resume" },
    });
  }
  if (context.missingScopes.length > 0) {
    banners.push({
      id: "missing_scopes",
      tone: "warning",
      title: "The app is missing permissions",
      lines: [
        `Shopify has not granted access to ${context.missingScopes.map(scopeLabel).join(" and ")}. Without it the app cannot see orders or shipments, so no update is sent.`,
        "Press Grant access: Shopify shows what the app asks for and, once you approve it, opens the app again. Only the store owner or staff allowed to manage apps can approve.",
      ],
      action: { label: "Grant access", intent: "grant_scopes" },
    });
  }
  const spike = context.failureSpike;
  if (spike) {
    banners.push({
      id: "delivery_failures",
      tone: "critical",
      title: "Most recent WhatsApp messages were not delivered",
      lines: [
        `${spike.failed} of the latest ${spike.of} messages WhatsApp answered for failed${spike.code ? `, most with error ${spike.code}` : ""}.`,
        spike.explanation,
        spike.fix,
      ],
      action: { label: "See failed messages", url: "/app/messages?state=failed" },
    });
  }
  if (!shop.enabled && shop.kaleyraSid) {
    banners.push({
      id: "sending_off",
      tone: "info",
      title: "WhatsApp updates are switched off",
      lines: ["Orders are logged as skipped until you switch sending on in Settings."],
      action: { label: "Open Settings", url: "/app/settings" },
    });
  }
  return banners;
}
