import { describe, expect, it } from "vitest";
import { OUTCOME_HELP } from "../kaleyra/outcome";
import { attentionBanners, missingScopes, setupChecklist } from "./dashboard";
import type { ShopStatus } from "./sending-state";

const NEW_SHOP: ShopStatus = {
  kaleyraSid: null,
  apiKeyStored: false,
  apiKeyUnreadable: false,
  businessNumber: null,
  enabled: false,
  installed: true,
  pausedReason: null,
  pausedCode: null,
  pausedDetail: null,
  pausedAt: null,
  resumeAt: null,
  credentialsVerifiedAt: null,
  testMessageSentAt: null,
  templatesReviewedAt: null,
  callbacksConfigured: false,
  firstCallbackAt: null,
  messageForm: "auto",
  whatsAppTemplates: 0,
};

const READY: ShopStatus = {
  ...NEW_SHOP,
  kaleyraSid: "HX1",
  apiKeyStored: true,
  businessNumber: "+919876500001",
  enabled: true,
  credentialsVerifiedAt: new Date(),
  testMessageSentAt: new Date(),
  templatesReviewedAt: new Date(),
  callbacksConfigured: true,
  firstCallbackAt: new Date(),
  whatsAppTemplates: 2,
};

const NO_EXTRA = { missingScopes: [], waitingMessages: 0 };

describe("setup checklist", () => {
  it("GIVEN a new shop WHEN listed THEN all seven steps are to do, each linking to its page", () => {
    expect(setupChecklist(NEW_SHOP).map((item) => [item.id, item.done, item.url])).toEqual([
      ["credentials", false, "/app/settings"],
      ["business_number", false, "/app/settings"],
      ["templates", false, "/app/templates"],
      ["whatsapp_templates", false, "/app/whatsapp-templates"],
      ["test_message", false, "/app/settings#test-send"],
      ["sending_on", false, "/app/settings"],
      ["delivery_updates", false, "/app/settings#delivery-updates"],
    ]);
  });

  it("GIVEN no approved template WHEN listed THEN the step is open, unless the shop sends the interactive message always", () => {
    const step = (shop: ShopStatus) => setupChecklist(shop).find((item) => item.id === "whatsapp_templates");
    expect(step({ ...READY, whatsAppTemplates: 0 })).toMatchObject({ done: false, detail: expect.stringContaining("only templates you had approved") });
    expect(step({ ...READY, whatsAppTemplates: 0, messageForm: "interactive" })).toMatchObject({ done: true, detail: expect.stringContaining("Not needed") });
    expect(step({ ...READY, whatsAppTemplates: 1 })).toMatchObject({ done: true, detail: "1 approved template added." });
  });

  it("GIVEN verified credentials Kaleyra refused since WHEN listed THEN the step is open and names Resume sending", () => {
    const [credentials] = setupChecklist({ ...READY, pausedReason: "config_error", pausedCode: "RBC001" });
    expect(credentials?.done).toBe(false);
    expect(credentials?.detail).toContain("Resume sending");
  });

  it("GIVEN everything but sending switched on WHEN listed THEN only that step is open", () => {
    expect(setupChecklist({ ...READY, enabled: false }).filter((item) => !item.done).map((item) => item.id)).toEqual(["sending_on"]);
  });

  it("GIVEN credentials saved but not verified WHEN listed THEN the step stays open and says how to verify", () => {
    const [credentials] = setupChecklist({ ...READY, credentialsVerifiedAt: null });
    expect(credentials).toMatchObject({ done: false, detail: "Saved. Send a test message to check them with Kaleyra." });
  });

  it("GIVEN a key that cannot be read WHEN listed THEN the credentials step is open even though verified earlier", () => {
    const [credentials] = setupChecklist({ ...READY, apiKeyUnreadable: true });
    expect(credentials?.done).toBe(false);
    expect(credentials?.detail).toContain("enter it again");
  });

  it("GIVEN callbacks set up but none arrived WHEN listed THEN the delivery step waits and says what to check; the first callback turns it done", () => {
    const waiting = setupChecklist({ ...READY, firstCallbackAt: null }).find((item) => item.id === "delivery_updates");
    expect(waiting).toMatchObject({ done: false, detail: expect.stringContaining("Waiting for the first one") });
    const fresh = setupChecklist({ ...READY, callbacksConfigured: false, firstCallbackAt: null }).find((item) => item.id === "delivery_updates");
    expect(fresh?.detail).toContain("Get the callback URL");
    expect(setupChecklist(READY).find((item) => item.id === "delivery_updates")?.done).toBe(true);
  });

  it("GIVEN a configured shop WHEN listed THEN every step is done", () => {
    expect(setupChecklist(READY).every((item) => item.done)).toBe(true);
  });
});

describe("missing scopes", () => {
  it("GIVEN granted scopes WHEN compared THEN only what is really missing is named; write grants read", () => {
    expect(missingScopes(["read_orders", "read_fulfillments"], "read_orders")).toEqual(["read_fulfillments"]);
    expect(missingScopes(["read_orders", "read_fulfillments"], "write_orders, read_fulfillments")).toEqual([]);
    expect(missingScopes(["read_orders"], null)).toEqual(["read_orders"]);
  });
});

describe("banners", () => {
  it("GIVEN a healthy shop WHEN checked THEN no banner", () => {
    expect(attentionBanners(READY, NO_EXTRA)).toEqual([]);
  });

  it("GIVEN credentials rejected by Kaleyra WHEN checked THEN a critical banner with Kaleyra's words and the table's action", () => {
    const detail = `${OUTCOME_HELP["config_error:credentials"].title}. Incorrect SID or API key.`;
    const [banner] = attentionBanners({ ...READY, pausedReason: "config_error", pausedCode: "RBC001", pausedDetail: detail }, {
      missingScopes: [],
      waitingMessages: 3,
    });
    expect(banner).toMatchObject({
      id: "config_error",
      tone: "critical",
      title: "Sending is paused: Kaleyra rejected the SID or API key",
      lines: [detail, OUTCOME_HELP["config_error:credentials"].action, "3 messages are waiting."],
      action: { label: "Resume sending", intent: "recheck" },
    });
  });

  it("GIVEN settings missing when the worker tried WHEN checked THEN the banner sends the merchant to Settings", () => {
    const [banner] = attentionBanners({ ...READY, pausedReason: "config_error", pausedDetail: "Kaleyra SID, API key or WhatsApp business number is missing in Settings" }, NO_EXTRA);
    expect(banner?.title).toBe("Sending is paused: Kaleyra settings need attention");
  });

  it("GIVEN low balance WHEN checked THEN a warning with when it retries and a way to try now", () => {
    const resumeAt = new Date("2026-03-10T12:30:00Z");
    const [banner] = attentionBanners({ ...READY, pausedReason: "low_balance", pausedCode: "E110", resumeAt }, { missingScopes: [], waitingMessages: 1 });
    expect(banner).toMatchObject({
      id: "low_balance",
      tone: "warning",
      title: `Sending is paused: ${OUTCOME_HELP["pause:low_balance"].title}`,
      resumeAt: resumeAt.toISOString(),
      action: { intent: "resume" },
    });
    expect(banner?.lines).toContain("1 message is waiting.");
  });

  it("GIVEN the daily limit, an uninstall, missing scopes, an unreadable key and sending off WHEN checked THEN one banner each", () => {
    expect(attentionBanners({ ...READY, pausedReason: "daily_limit" }, NO_EXTRA).map((b) => b.id)).toEqual(["daily_limit"]);
    expect(attentionBanners({ ...READY, pausedReason: "uninstalled", installed: false }, NO_EXTRA).map((b) => b.id)).toEqual([
      "uninstalled",
    ]);
    const scopes = attentionBanners(READY, { missingScopes: ["read_fulfillments"], waitingMessages: 0 })[0];
    expect(scopes?.lines[0]).toContain("your fulfillments");
    expect(scopes?.lines.join(" ")).not.toMatch(/read_fulfillments|install it again/);
    // The merchant is in the app already: the banner itself asks Shopify for the access.
    expect(scopes?.action).toEqual({ label: "Grant access", intent: "grant_scopes" });
    expect(attentionBanners({ ...READY, apiKeyUnreadable: true }, NO_EXTRA).map((b) => [b.id, b.title])).toEqual([
      ["key_unreadable", "Re-enter your Kaleyra API key"],
    ]);
    expect(attentionBanners({ ...READY, enabled: false }, NO_EXTRA).map((b) => b.id)).toEqual(["sending_off"]);
  });

  it("GIVEN a shop that never saved credentials WHEN checked THEN no 'sending off' banner (the checklist says what to do)", () => {
    expect(attentionBanners(NEW_SHOP, NO_EXTRA)).toEqual([]);
  });

  it("GIVEN a spike of failures WHEN checked THEN a critical banner says how many, the code's meaning and the fix, and links to the failed messages", () => {
    const failureSpike = { failed: 14, of: 20, code: "131047", explanation: "Outside the window.", fix: "Use a template." };
    const [banner] = attentionBanners(READY, { ...NO_EXTRA, failureSpike });
    expect(banner).toEqual({
      id: "delivery_failures",
      tone: "critical",
      title: "Most recent WhatsApp messages were not delivered",
      lines: ["14 of the latest 20 messages WhatsApp answered for failed, most with error 131047.", "Outside the window.", "Use a template."],
      action: { label: "See failed messages", url: "/app/messages?state=failed" },
    });
  });
});
