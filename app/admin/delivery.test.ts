import { describe, expect, it } from "vitest";
import { shownDelivery } from "./delivery";

const none = { deliveryState: null, whatsappSentAt: null, deliveredAt: null, readAt: null, failedAt: null, failure: null };
const at = (s: number) => new Date(Date.UTC(2026, 11, 2, 10, 0, s));

describe("a message's delivery in the log", () => {
  it("GIVEN no callback yet THEN nothing is shown", () => {
    expect(shownDelivery(none)).toBeNull();
  });

  it("GIVEN a read message THEN its words and each time, in the order they happen", () => {
    expect(shownDelivery({ ...none, deliveryState: "read", whatsappSentAt: at(1), deliveredAt: at(2), readAt: at(3) })).toEqual({
      state: "read",
      label: "Read",
      times: [
        { label: "Sent to WhatsApp", at: at(1).toISOString() },
        { label: "Delivered", at: at(2).toISOString() },
        { label: "Read", at: at(3).toISOString() },
      ],
      failure: null,
    });
  });

  it("GIVEN a message Meta refused with 131047 THEN what happened in plain words, the fix, and Meta's own words", () => {
    const shown = shownDelivery({
      ...none,
      deliveryState: "failed",
      failedAt: at(4),
      failure: JSON.stringify({ code: "131047", title: "Re-engagement message", details: "More than 24 hours have passed." }),
    });
    expect(shown).toMatchObject({
      label: "Not delivered",
      times: [{ label: "Failed", at: at(4).toISOString() }],
      failure: {
        code: "131047",
        explanation: expect.stringContaining("24 hours"),
        fix: expect.stringContaining("template"),
        metaWords: "Re-engagement message. More than 24 hours have passed.",
      },
    });
  });

  it("GIVEN a stored failure that is not JSON THEN the state still shows, without a failure", () => {
    expect(shownDelivery({ ...none, deliveryState: "failed", failedAt: at(4), failure: "{" })).toMatchObject({ label: "Not delivered", failure: null });
  });
});
