import { describe, expect, it } from "vitest";
import { NO_GIFT_PHONE_REASON, NO_PHONE_REASON } from "../orders/recipient";
import { isRetryable, orderAdminUrl, parseMessageFilter, requestForDisplay, shownRecipient, statesFor } from "./messages";
import { retryProgress } from "./message-states";

describe("message log filters", () => {
  it("GIVEN the page's query WHEN parsed THEN state, search and page are read", () => {
    expect(parseMessageFilter(new URLSearchParams("state=failed&q=%20%231042%20&page=3"))).toEqual({
      state: "failed",
      q: "#1042",
      page: 3,
    });
  });

  it("GIVEN a hand-edited query WHEN parsed THEN nonsense means no filter rather than an error page", () => {
    expect(parseMessageFilter(new URLSearchParams("state=deleted&q=&page=-4"))).toEqual({ state: undefined, q: undefined, page: 1 });
    expect(parseMessageFilter(new URLSearchParams("page=abc")).page).toBe(1);
  });

  it("GIVEN the queued filter WHEN matched THEN everything still to be sent matches: in flight and paused too", () => {
    expect(statesFor("queued")).toEqual(["queued", "sending", "paused"]);
    expect(statesFor("paused")).toEqual(["paused"]);
  });
});

describe("message display", () => {
  it("GIVEN a shop and an order WHEN linked THEN the link opens the order in the Shopify admin", () => {
    expect(orderAdminUrl("sunrise-ceramics.myshopify.com", "820982911946154500")).toBe(
      "https://admin.shopify.com/store/sunrise-ceramics/orders/820982911946154500",
    );
  });

  it("GIVEN a recipient WHEN shown THEN only the last four digits are visible", () => {
    expect(shownRecipient("+15025550147", "buyer", null)).toEqual({ text: "•••••••0147", missing: false, why: null });
  });

  it("GIVEN no number WHEN shown THEN the log says whose number is missing and why, never a dash", () => {
    expect(shownRecipient(null, "buyer", `${NO_PHONE_REASON}: there is no phone on the order or the customer`)).toEqual({
      text: "no phone number for the buyer",
      missing: true,
      why: "there is no phone on the order or the customer",
    });
    expect(shownRecipient(null, "gift_recipient", `${NO_GIFT_PHONE_REASON}: there is no phone on the shipping address`)).toEqual({
      text: "no phone number for the gift recipient",
      missing: true,
      why: "there is no phone on the shipping address",
    });
    // Skipped for another reason first (sending switched off): the number is still missing, the why is not known.
    expect(shownRecipient(null, "buyer", "sending is switched off for this shop")).toEqual({
      text: "no phone number for the buyer",
      missing: true,
      why: null,
    });
  });

  it("GIVEN the states WHEN asked THEN only failed and skipped messages can be retried", () => {
    expect(["queued", "sending", "sent", "failed", "skipped", "paused"].filter(isRetryable)).toEqual(["failed", "skipped"]);
  });

  it("GIVEN a stored request WHEN shown THEN secret headers are left out and the shopper's number is masked", () => {
    const stored = JSON.stringify({
      url: "https://api.in.kaleyra.io/v2/HX1/whatsapp/+919876500001/messages",
      headers: { "Content-Type": "application/json", "api-key": "[redacted]", Authorization: "Bearer x" },
      body: { messaging_object: { to: "+15025550147", type: "interactive" }, extra_info: { wa_source: "shopify" } },
    });
    const shown = requestForDisplay(stored) ?? "";
    expect(JSON.parse(shown)).toEqual({
      method: "POST",
      url: "https://api.in.kaleyra.io/v2/HX1/whatsapp/+919876500001/messages",
      headers: { "Content-Type": "application/json" },
      body: { messaging_object: { to: "•••••••0147", type: "interactive" }, extra_info: { wa_source: "shopify" } },
    });
    expect(shown).not.toMatch(/api-key|redacted|Bearer|5025550147/i);
  });

  it("GIVEN no request or an unreadable one WHEN shown THEN nothing is shown", () => {
    expect(requestForDisplay(null)).toBeNull();
    expect(requestForDisplay("{not json")).toBeNull();
  });
});

describe("retryProgress", () => {
  it("GIVEN a queued message tried before WHEN listed THEN it is retrying, with the next attempt's number and time", () => {
    const at = "2026-03-10T14:05:00.000Z";
    expect(retryProgress("queued", 2, 12, at)).toEqual({ attempt: 3, of: 12, nextAt: at });
    expect(retryProgress("queued", 0, 12, at)).toBeNull();
    expect(retryProgress("failed", 12, 12, at)).toBeNull();
    expect(retryProgress("paused", 3, 12, at)).toBeNull();
  });
});
