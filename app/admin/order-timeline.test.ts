import { describe, expect, it } from "vitest";
import { DELIVERY_ERRORS } from "../receipts/delivery-errors";
import type { MessageDetail } from "./messages.server";
import {
  orderActionSchema,
  orderTimeline,
  parseOrderId,
  timelineConsent,
  timelineMessage,
  unknownOrder,
} from "./order-timeline";
import { sendingState, type ShopStatus } from "./sending-state";

const PHONE = "+919876543210";
const at = (minute: number) => new Date(Date.UTC(2026, 2, 10, 11, minute)).toISOString();

/** A shipped message Kaleyra took and the shopper read, as the detail page shows it. */
function detail(overrides: Partial<MessageDetail> = {}): MessageDetail {
  return {
    id: "msg-1",
    orderId: "4100",
    orderName: "#4100",
    orderUrl: "https://admin.shopify.com/store/x/orders/4100",
    orderStatus: "shipped",
    statusLabel: "Shipped",
    state: "sent",
    stateLabel: "Sent",
    recipient: { text: "•••••••3210", missing: false, why: null },
    recipientSource: "shipping_address",
    referenceId: "4100",
    bodyText: "Your order is on its way.",
    description: null,
    omittedLinks: [],
    attempts: 1,
    createdAt: at(0),
    updatedAt: at(1),
    sentAt: at(1),
    nextAttemptAt: null,
    kaleyraMessageId: "k-1",
    skipReason: null,
    answer: { code: "WA202", httpStatus: 202, words: null },
    help: null,
    request: "{}",
    canRetry: false,
    retry: null,
    fix: null,
    delivery: {
      state: "read",
      label: "Read",
      times: [
        { label: "Sent to WhatsApp", at: at(2) },
        { label: "Delivered", at: at(3) },
        { label: "Read", at: at(4) },
      ],
      failure: null,
    },
    form: { label: "Approved template", reason: null, template: "order_shipped (en)" },
    fallback: { of: null, by: null },
    ...overrides,
  };
}

const READY: ShopStatus = {
  kaleyraSid: "HX",
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
  credentialsVerifiedAt: new Date(),
  testMessageSentAt: new Date(),
  templatesReviewedAt: null,
  callbacksConfigured: true,
  firstCallbackAt: null,
  messageForm: "auto",
  whatsAppTemplates: 1,
};

describe("the order id in the block's URL", () => {
  it("GIVEN the order's numeric id or its GraphQL id WHEN read THEN the numeric id", () => {
    expect(parseOrderId("4100")).toBe("4100");
    expect(parseOrderId("gid://shopify/Order/820982911946154500")).toBe("820982911946154500");
  });

  it("GIVEN another resource's id, junk or nothing WHEN read THEN no order", () => {
    for (const raw of ["gid://shopify/Product/1", "41 00", "#4100", "1".repeat(21), "", undefined]) expect(parseOrderId(raw)).toBeNull();
  });
});

describe("the block's actions", () => {
  it("GIVEN a retry with its message or a resend with the press's id WHEN parsed THEN accepted", () => {
    const requestId = "5f0c1a52-8a43-4b8e-9a53-2f4d7c1e9b10";
    expect(orderActionSchema.parse({ intent: "retry", messageId: "msg-1" })).toEqual({ intent: "retry", messageId: "msg-1" });
    expect(orderActionSchema.parse({ intent: "resend", requestId })).toEqual({ intent: "resend", requestId });
  });

  it("GIVEN a retry without a message, another intent or no object WHEN parsed THEN refused", () => {
    for (const body of [{ intent: "retry" }, { intent: "retry", messageId: " " }, { intent: "resend" }, { intent: "resend", requestId: "1" }, { intent: "delete" }, "retry", null]) {
      expect(orderActionSchema.safeParse(body).success).toBe(false);
    }
  });
});

describe("one message on the order's timeline", () => {
  it("GIVEN a message the shopper read WHEN shown THEN its status, form, badge and every time, with nothing to do", () => {
    expect(timelineMessage(detail())).toEqual({
      id: "msg-1",
      status: "shipped",
      statusLabel: "Shipped",
      form: { label: "Approved template", template: "order_shipped (en)" },
      stateLabel: "Read",
      tone: "success",
      times: [
        { label: "Queued", at: at(0) },
        { label: "Accepted by Kaleyra", at: at(1) },
        { label: "Sent to WhatsApp", at: at(2) },
        { label: "Delivered", at: at(3) },
        { label: "Read", at: at(4) },
      ],
      help: null,
      retry: null,
      recipient: "•••••••3210",
      canRetry: false,
      fix: null,
      url: "/app/messages/msg-1",
    });
  });

  it("GIVEN WhatsApp could not deliver it (131026) WHEN shown THEN critical, with the log's explanation and fix", () => {
    const rule = DELIVERY_ERRORS["131026"]!;
    const shown = timelineMessage(
      detail({
        help: { title: "Not delivered", explanation: rule.explanation, action: rule.fix },
        delivery: { state: "failed", label: "Not delivered", times: [{ label: "Failed", at: at(2) }], failure: { code: "131026", explanation: rule.explanation, fix: rule.fix, metaWords: null } },
      }),
    );
    expect(shown).toMatchObject({ stateLabel: "Not delivered", tone: "critical", help: { explanation: rule.explanation, action: rule.fix }, canRetry: false });
  });

  it("GIVEN Kaleyra refused it (WA400) WHEN shown THEN critical, retryable, with where to fix it", () => {
    const shown = timelineMessage(
      detail({
        state: "failed",
        stateLabel: "Failed",
        sentAt: null,
        delivery: null,
        canRetry: true,
        help: { title: "Kaleyra refused the message format", explanation: "x", action: "y" },
        fix: { label: "Edit the “Shipped” template", url: "/app/templates#template-shipped" },
      }),
    );
    expect(shown).toMatchObject({ stateLabel: "Failed", tone: "critical", canRetry: true, fix: { url: "/app/templates#template-shipped" } });
    expect(shown.times).toEqual([{ label: "Queued", at: at(0) }]);
    expect(shown.help?.title).toBe("Kaleyra refused the message format");
  });

  it("GIVEN a message between attempts WHEN shown THEN which attempt comes next", () => {
    const retry = { attempt: 3, of: 12, nextAt: at(9) };
    const shown = timelineMessage(detail({ state: "queued", stateLabel: "Queued", sentAt: null, delivery: null, retry, help: { title: "t", explanation: "e", action: "a" } }));
    expect(shown).toMatchObject({ stateLabel: "Retrying (attempt 3 of 12)", tone: "neutral", retry });
    expect(shown.help).not.toBeNull();
  });

  it("GIVEN a first send waiting in the queue WHEN shown THEN no advice (nothing to do)", () => {
    const shown = timelineMessage(detail({ state: "queued", stateLabel: "Queued", sentAt: null, delivery: null, help: { title: "Waiting to be sent", explanation: "e", action: "Nothing to do." } }));
    expect(shown).toMatchObject({ stateLabel: "Queued", tone: "neutral", help: null });
  });

  it("GIVEN a message skipped for want of a number WHEN shown THEN a warning and whose number is missing", () => {
    const shown = timelineMessage(
      detail({
        state: "skipped",
        stateLabel: "Skipped",
        sentAt: null,
        delivery: null,
        canRetry: true,
        recipient: { text: "no phone number for the buyer", missing: true, why: "the order has none" },
        help: { title: "Not sent", explanation: "e", action: "a" },
      }),
    );
    expect(shown).toMatchObject({ tone: "warning", recipient: "no phone number for the buyer: the order has none", canRetry: true });
  });

  it("GIVEN an id with characters a path cannot hold WHEN linked THEN it is encoded", () => {
    expect(timelineMessage(detail({ id: "a/b" })).url).toBe("/app/messages/a%2Fb");
  });
});

describe("the shopper's consent", () => {
  it("GIVEN an opt-in counted with the order WHEN shown THEN opted in, when and how, the number masked", () => {
    const consent = timelineConsent(PHONE, { consent: "opted_in", consentAt: new Date(at(0)), consentSource: "order", consentWording: "the shop's checkout collects WhatsApp consent" });
    expect(consent).toEqual({
      recipient: "•••••••3210",
      state: "opted_in",
      label: "Opted in",
      at: at(0),
      how: "Counted with the order (your checkout collects WhatsApp consent)",
      wording: "the shop's checkout collects WhatsApp consent",
    });
  });

  it("GIVEN a STOP the shopper wrote WHEN shown THEN opted out, by writing, in their words", () => {
    expect(timelineConsent(PHONE, { consent: "opted_out", consentAt: new Date(at(5)), consentSource: "inbound", consentWording: "STOP" })).toMatchObject({
      state: "opted_out",
      label: "Opted out",
      how: "Wrote to your WhatsApp number",
      wording: "STOP",
    });
  });

  it("GIVEN no Shopper row, or one with only a window WHEN shown THEN no answer recorded", () => {
    const none = { recipient: "•••••••3210", state: "unknown", label: "No answer recorded", at: null, how: null, wording: null };
    expect(timelineConsent(PHONE, undefined)).toEqual(none);
    expect(timelineConsent(PHONE, { consent: null, consentAt: null, consentSource: null, consentWording: null })).toEqual(none);
  });

  it("GIVEN a source this version does not name WHEN shown THEN its stored name", () => {
    expect(timelineConsent(PHONE, { consent: "opted_in", consentAt: new Date(at(0)), consentSource: "pos_terminal", consentWording: null }).how).toBe("pos_terminal");
  });
});

describe("the order's timeline", () => {
  it("GIVEN messages and their recipient WHEN put together THEN the order, each message, the consent, no empty reasons and no number in clear", () => {
    const timeline = orderTimeline({
      orderId: "4100",
      details: [detail(), detail({ id: "msg-2", orderStatus: "completed", statusLabel: "Delivered" })],
      shoppers: [{ phone: PHONE, shopper: undefined }],
      sending: sendingState(READY),
    });
    expect(timeline.order).toEqual({ id: "4100", name: "#4100" });
    expect(timeline.messages.map((message) => message.id)).toEqual(["msg-1", "msg-2"]);
    expect(timeline.consent).toHaveLength(1);
    expect(timeline.empty).toEqual([]);
    expect(timeline.setup).toEqual({ canSend: true, headline: expect.stringContaining("Setup is complete"), next: null });
    expect(JSON.stringify(timeline)).not.toContain("9876543210");
  });

  it("GIVEN an order with no message in a shop not connected to Kaleyra WHEN put together THEN why: the setup first, with its next step", () => {
    const timeline = orderTimeline({ orderId: "4100", details: [], shoppers: [], sending: sendingState({ ...READY, kaleyraSid: null }) });
    expect(timeline.setup).toEqual({ canSend: false, headline: "Nothing is sent yet: connect your Kaleyra account.", next: { label: "Connect Kaleyra", url: "/app/settings" } });
    expect(timeline.empty[0]).toBe("Nothing is sent yet: connect your Kaleyra account.");
    expect(timeline.empty[1]).toContain("when the order's status changes");
  });

  it("GIVEN a shop paused for its settings WHEN put together THEN the next step is Home, where Resume sending is", () => {
    const timeline = orderTimeline({ orderId: "1", details: [], shoppers: [], sending: sendingState({ ...READY, pausedReason: "config_error" }) });
    expect(timeline.setup.next).toEqual({ label: "Open the app's Home", url: "/app" });
  });

  it("GIVEN an order the app has no record of WHEN answered THEN why, without naming the order", () => {
    const unknown = unknownOrder(sendingState(READY));
    expect(unknown.empty).toEqual([expect.stringContaining("no record of this order")]);
    expect(unknown.error).toBe("This order is not in the app's records.");
  });
});
