import { describe, expect, it } from "vitest";
import { sendingState, type SendingStateId, type ShopStatus } from "./sending-state";

const READY: ShopStatus = {
  kaleyraSid: "HX1",
  apiKeyStored: true,
  apiKeyUnreadable: false,
  businessNumber: "+919876500001",
  enabled: true,
  installed: true,
  pausedReason: null,
  pausedCode: null,
  pausedDetail: null,
  pausedAt: null,
  resumeAt: null,
  credentialsVerifiedAt: new Date("2026-03-01T10:00:00Z"),
  testMessageSentAt: new Date("2026-03-01T10:00:00Z"),
  templatesReviewedAt: null,
  callbacksConfigured: false,
  firstCallbackAt: null,
  messageForm: "auto",
  whatsAppTemplates: 0,
};

// GIVEN the shop's row WHEN judged THEN the state, whether the worker sends, and the one next step.
const TABLE: Array<[string, Partial<ShopStatus>, SendingStateId, boolean, string | null]> = [
  ["everything set", {}, "ready", true, null],
  ["uninstalled (flag)", { installed: false }, "uninstalled", false, "resume"],
  ["uninstalled (pause)", { pausedReason: "uninstalled" }, "uninstalled", false, "resume"],
  ["uninstalled and key unreadable", { installed: false, apiKeyUnreadable: true }, "uninstalled", false, "resume"],
  ["key unreadable", { apiKeyUnreadable: true }, "key_unreadable", false, "/app/settings"],
  ["key unreadable while paused for settings", { apiKeyUnreadable: true, pausedReason: "config_error" }, "key_unreadable", false, "/app/settings"],
  ["no SID", { kaleyraSid: null }, "not_configured", false, "/app/settings"],
  ["no key", { apiKeyStored: false }, "not_configured", false, "/app/settings"],
  ["no number", { businessNumber: null }, "not_configured", false, "/app/settings"],
  ["RBC001 pause", { pausedReason: "config_error", pausedCode: "RBC001" }, "paused_settings", false, "recheck"],
  ["WA401 pause, sending off too", { pausedReason: "config_error", pausedCode: "WA401", enabled: false }, "paused_settings", false, "recheck"],
  ["low balance", { pausedReason: "low_balance" }, "paused_balance", false, "resume"],
  ["daily limit", { pausedReason: "daily_limit" }, "paused_daily_limit", false, "resume"],
  ["sending off", { enabled: false }, "sending_off", false, "/app/settings"],
  ["sending off, never verified", { enabled: false, credentialsVerifiedAt: null }, "sending_off", false, "/app/settings"],
  ["never verified", { credentialsVerifiedAt: null }, "not_verified", true, "/app/settings#test-send"],
  ["verified, latest test failed", { testMessageSentAt: null }, "not_verified", true, "/app/settings#test-send"],
];

describe("sending state", () => {
  it.each(TABLE)("GIVEN %s WHEN judged THEN the state and next step follow the rules", (_name, change, id, canSend, next) => {
    const verdict = sendingState({ ...READY, ...change });
    expect(verdict.id).toBe(id);
    expect(verdict.canSend).toBe(canSend);
    expect(verdict.setupComplete).toBe(id === "ready");
    const step = verdict.next === null ? null : "url" in verdict.next ? verdict.next.url : verdict.next.intent;
    expect(step).toBe(next);
  });

  it("GIVEN sending switched off or paused WHEN judged THEN setup is never called complete", () => {
    for (const change of [{ enabled: false }, { pausedReason: "config_error" }, { pausedReason: "low_balance" }, { credentialsVerifiedAt: null }]) {
      const verdict = sendingState({ ...READY, ...change });
      expect(verdict.setupComplete).toBe(false);
      expect(verdict.headline).not.toContain("Setup is complete");
    }
  });
});
