/**
 * "Can this shop send right now, and if not, what is the one next step?" One answer for
 * Home, Settings, the setup checklist and the banners, so they never disagree. Pure.
 *
 * Rules, top to bottom (the first that holds decides):
 * 1. The app was uninstalled: opening it again and pressing Resume sending lifts that.
 * 2. The stored API key cannot be read: enter it again in Settings.
 * 3. The SID, key or business number is missing: enter them in Settings.
 * 4. Kaleyra refused the credentials or number (paused): Resume sending re-checks them with
 *    a test message to the merchant's own number and resumes on success. Kaleyra offers no
 *    request that checks an account without sending a message.
 * 5. Low balance or the daily limit (paused): lifts by itself at `resumeAt`, or Try again now.
 * 6. Sending is switched off: switch it on in Settings.
 * 7. The credentials were never verified by Kaleyra, or the latest test message failed
 *    (a success sets both marks, a failure clears the test's): send a test message.
 * Otherwise setup is complete. Only rules 1-6 stop the worker (`canSend`); rule 7 is setup.
 */

/** What the answer is derived from: the shop's row as Home and Settings read it. */
export interface ShopStatus {
  kaleyraSid: string | null;
  apiKeyStored: boolean;
  apiKeyUnreadable: boolean;
  businessNumber: string | null;
  enabled: boolean;
  installed: boolean;
  pausedReason: string | null;
  pausedCode: string | null;
  pausedDetail: string | null;
  pausedAt: Date | null;
  resumeAt: Date | null;
  credentialsVerifiedAt: Date | null;
  testMessageSentAt: Date | null;
  templatesReviewedAt: Date | null;
  /** A callback URL and secret are stored for Kaleyra's status callbacks. */
  callbacksConfigured: boolean;
  firstCallbackAt: Date | null;
  /** auto, interactive or template (Settings, Reaching shoppers). */
  messageForm: string;
  /** How many approved WhatsApp templates the shop has added. */
  whatsAppTemplates: number;
}

export type SendingStateId =
  | "uninstalled"
  | "key_unreadable"
  | "not_configured"
  | "paused_settings"
  | "paused_balance"
  | "paused_daily_limit"
  | "sending_off"
  | "not_verified"
  | "ready";

export type NextStep =
  | { label: string; url: string }
  /** `recheck`: a test send to the merchant's number, then resume; `resume`: lift the pause now. */
  | { label: string; intent: "recheck" | "resume" };

export interface SendingState {
  id: SendingStateId;
  /** The worker sends this shop's messages now. */
  canSend: boolean;
  /** Sending is on, Kaleyra verified the credentials and nothing is paused. */
  setupComplete: boolean;
  /** One sentence for the top of Home and Settings. */
  headline: string;
  next: NextStep | null;
}

export const SETTINGS_URL = "/app/settings";
export const TEST_SEND_URL = "/app/settings#test-send";
export const DELIVERY_UPDATES_URL = "/app/settings#delivery-updates";

function state(id: SendingStateId, canSend: boolean, headline: string, next: NextStep | null): SendingState {
  return { id, canSend, setupComplete: id === "ready", headline, next };
}

export function sendingState(shop: ShopStatus): SendingState {
  if (!shop.installed || shop.pausedReason === "uninstalled") {
    return state("uninstalled", false, "Sending is paused since the app was uninstalled.", {
      label: "Resume sending",
      intent: "resume",
    });
  }
  if (shop.apiKeyUnreadable) {
    return state("key_unreadable", false, "Nothing can be sent: the stored API key can no longer be read.", {
      label: "Enter the API key again",
      url: SETTINGS_URL,
    });
  }
  if (!shop.kaleyraSid || !shop.apiKeyStored || !shop.businessNumber) {
    return state("not_configured", false, "Nothing is sent yet: connect your Kaleyra account.", {
      label: "Connect Kaleyra",
      url: SETTINGS_URL,
    });
  }
  if (shop.pausedReason === "config_error") {
    return state("paused_settings", false, "Sending is paused: Kaleyra refused your account settings.", {
      label: "Resume sending",
      intent: "recheck",
    });
  }
  if (shop.pausedReason === "low_balance") {
    return state("paused_balance", false, "Sending is paused: your Kaleyra balance is too low.", {
      label: "Try again now",
      intent: "resume",
    });
  }
  if (shop.pausedReason === "daily_limit") {
    return state("paused_daily_limit", false, "Sending is paused: your Kaleyra daily limit is reached.", {
      label: "Try again now",
      intent: "resume",
    });
  }
  if (!shop.enabled) {
    return state("sending_off", false, "WhatsApp updates are switched off: orders are logged as skipped.", {
      label: "Switch sending on",
      url: SETTINGS_URL,
    });
  }
  if (shop.credentialsVerifiedAt === null || shop.testMessageSentAt === null) {
    const headline =
      shop.credentialsVerifiedAt === null
        ? "Sending is on, but Kaleyra has not confirmed your account yet."
        : "Sending is on, but your latest test message did not go through.";
    return state("not_verified", true, headline, { label: "Send a test message", url: TEST_SEND_URL });
  }
  return state(
    "ready",
    true,
    "Setup is complete. Shoppers get a WhatsApp message when their order is placed, ships, is delivered or is cancelled.",
    null,
  );
}
