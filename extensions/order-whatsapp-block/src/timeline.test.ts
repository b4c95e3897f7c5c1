import { describe, expect, it } from "vitest";
import {
  appHref,
  blockView,
  collapsedSummary,
  endpointFor,
  failureNotice,
  orderIdFrom,
  readRetryAnswer,
  readTimeline,
  readUnknownOrder,
  retryNotice,
  timeFormatter,
  unknownOrderView,
  type Timeline,
  type TimelineMessage,
} from "./timeline";

const format = timeFormatter("en-US", "UTC");
const READY = { canSend: true, headline: "Setup is complete.", next: null };

function message(overrides: Partial<TimelineMessage> = {}): TimelineMessage {
  return {
    id: "msg-1",
    statusLabel: "Shipped",
    form: { label: "Approved template", template: "order_shipped (en)" },
    stateLabel: "Read",
    tone: "success",
    times: [
      { label: "Queued", at: "2026-03-10T11:00:00.000Z" },
      { label: "Read", at: "2026-03-10T11:04:00.000Z" },
    ],
    help: null,
    recipient: "•••••••3210",
    canRetry: false,
    fix: null,
    url: "/app/messages/msg-1",
    ...overrides,
  };
}

function timeline(overrides: Partial<Timeline> = {}): Timeline {
  return { order: { id: "4100", name: "#4100" }, setup: READY, consent: [], messages: [message()], empty: [], ...overrides };
}

describe("where the block asks and links", () => {
  it("GIVEN the order's GraphQL id THEN the app's endpoint for its numeric id", () => {
    expect(orderIdFrom("gid://shopify/Order/820982911946154500")).toBe("820982911946154500");
    expect(endpointFor("4100")).toBe("/api/orders/4100/whatsapp");
  });

  it("GIVEN no selection or another resource THEN no order", () => {
    expect(orderIdFrom(undefined)).toBeNull();
    expect(orderIdFrom("gid://shopify/Product/1")).toBeNull();
  });

  it("GIVEN an app path THEN the admin's app: link to it", () => {
    expect(appHref("/app/messages/msg-1")).toBe("app:app/messages/msg-1");
    expect(appHref("/app/templates#template-shipped")).toBe("app:app/templates#template-shipped");
  });
});

describe("reading the app's answers", () => {
  it("GIVEN a timeline THEN read as is; GIVEN anything else THEN null", () => {
    expect(readTimeline(timeline())).toEqual(timeline());
    for (const junk of [null, "x", [], { order: {} }, { ...timeline(), messages: [{ id: 1 }] }, { ...timeline(), empty: [1] }]) {
      expect(readTimeline(junk)).toBeNull();
    }
  });

  it("GIVEN a 404's body THEN its setup and reasons", () => {
    expect(readUnknownOrder({ error: "x", setup: READY, empty: ["no record"] })).toEqual({ setup: READY, empty: ["no record"] });
    expect(readUnknownOrder({ error: "x" })).toBeNull();
  });

  it("GIVEN a retry's answer THEN what it did and the new timeline", () => {
    const answer = { ok: true, retried: { state: "queued", skipReason: null, changed: [] }, timeline: timeline() };
    expect(readRetryAnswer(answer)).toEqual(answer);
    expect(readRetryAnswer({ ...answer, timeline: null })?.timeline).toBeNull();
    expect(readRetryAnswer({ ok: false })).toBeNull();
  });
});

describe("the block's view", () => {
  it("GIVEN a read message THEN its title, form, badge and each time in the merchant's locale, linked to its page", () => {
    const view = blockView(timeline(), format);
    expect(view).toEqual({
      kind: "timeline",
      messages: [
        {
          id: "msg-1",
          title: "Shipped update",
          form: "Approved template: order_shipped (en)",
          badge: { label: "Read", tone: "success" },
          times: ["Queued Mar 10, 2026, 11:00 AM", "Read Mar 10, 2026, 11:04 AM"],
          help: null,
          recipient: "•••••••3210",
          canRetry: false,
          fix: null,
          href: "app:app/messages/msg-1",
        },
      ],
      consent: [],
      setup: null,
      canResend: true,
    });
  });

  it("GIVEN a failed message with advice and a fix THEN the advice as the app wrote it and the fix as an app link", () => {
    const help = { title: "Kaleyra refused the message format", explanation: "It did not pass Kaleyra's checks.", action: "Edit the template, then retry." };
    const view = blockView(timeline({ messages: [message({ stateLabel: "Failed", tone: "critical", help, canRetry: true, fix: { label: "Edit the “Shipped” template", url: "/app/templates#template-shipped" }, form: { label: "Interactive order status", template: null } })] }), format);
    expect(view.kind === "timeline" && view.messages[0]).toMatchObject({
      form: "Interactive order status",
      badge: { label: "Failed", tone: "critical" },
      help,
      canRetry: true,
      fix: { label: "Edit the “Shipped” template", href: "app:app/templates#template-shipped" },
    });
  });

  it("GIVEN the shopper's consent THEN a badge and since when, how and their words", () => {
    const consent = [{ recipient: "•••••••3210", state: "opted_out" as const, label: "Opted out", at: "2026-03-10T12:00:00.000Z", how: "Wrote to your WhatsApp number", wording: "STOP" }];
    const view = blockView(timeline({ consent }), format);
    expect(view.kind === "timeline" && view.consent).toEqual([
      { recipient: "•••••••3210", badge: { label: "Opted out", tone: "critical" }, detail: "since Mar 10, 2026, 12:00 PM · Wrote to your WhatsApp number · “STOP”" },
    ]);
  });

  it("GIVEN no answer recorded THEN a neutral badge and no detail", () => {
    const consent = [{ recipient: "•••••••3210", state: "unknown" as const, label: "No answer recorded", at: null, how: null, wording: null }];
    const view = blockView(timeline({ consent }), format);
    expect(view.kind === "timeline" && view.consent[0]).toEqual({ recipient: "•••••••3210", badge: { label: "No answer recorded", tone: "neutral" }, detail: null });
  });

  it("GIVEN a shop that cannot send THEN its headline and next step above the messages", () => {
    const setup = { canSend: false, headline: "Sending is paused: your Kaleyra balance is too low.", next: { label: "Open the app's Home", url: "/app" } };
    const view = blockView(timeline({ setup }), format);
    expect(view.kind === "timeline" && view.setup).toEqual({ headline: setup.headline, next: { label: "Open the app's Home", href: "app:app" } });
  });

  it("GIVEN an order the app knows without messages THEN the empty state with the app's reasons, and the status can be sent again", () => {
    const setup = { canSend: false, headline: "Nothing is sent yet: connect your Kaleyra account.", next: { label: "Connect Kaleyra", url: "/app/settings" } };
    expect(blockView(timeline({ setup, messages: [], empty: [setup.headline, "A message is sent when…"] }), format)).toEqual({
      kind: "empty",
      reasons: [setup.headline, "A message is sent when…"],
      next: { label: "Connect Kaleyra", href: "app:app/settings" },
      canResend: true,
    });
  });

  it("GIVEN an order the app has no record of THEN the empty state without sending again", () => {
    expect(unknownOrderView({ setup: READY, empty: ["The app has no record of this order."] })).toEqual({ kind: "empty", reasons: ["The app has no record of this order."], next: null, canResend: false });
  });

  it("GIVEN the block collapsed THEN how many messages and the latest's state, within Shopify's 30 characters", () => {
    expect(collapsedSummary(blockView(timeline(), format))).toBe("1 message, latest read");
    const many = timeline({ messages: [message(), message({ id: "msg-2", stateLabel: "Retrying (attempt 3 of 12)" })] });
    expect(collapsedSummary(blockView(many, format))).toBe("2 messages");
    expect(collapsedSummary(unknownOrderView({ setup: READY, empty: [] }))).toBe("No messages yet");
  });

  it("GIVEN a time that is not one THEN shown as given", () => {
    expect(format("soon")).toBe("soon");
  });
});

describe("what the block says after an action", () => {
  it("GIVEN a retry queued, paused or skipped THEN the detail page's words", () => {
    expect(retryNotice({ state: "queued", skipReason: null, changed: [] })).toEqual({ tone: "success", heading: "Message queued again", text: "Nothing changed: the same message is sent again." });
    expect(retryNotice({ state: "paused", skipReason: null, changed: ["message text"] })).toEqual({ tone: "warning", heading: "Queued; sending is paused", text: "Changed since the last attempt: message text." });
    expect(retryNotice({ state: "skipped", skipReason: "no phone number", changed: [] })).toEqual({ tone: "warning", heading: "Still cannot be sent", text: "no phone number" });
  });

  it("GIVEN each kind of failure THEN what the merchant can do", () => {
    expect(failureNotice(401, null).heading).toBe("Your session has expired");
    expect(failureNotice(422, { error: "not sent: the shopper opted out" })).toEqual({ tone: "warning", heading: "Not sent", text: "not sent: the shopper opted out" });
    expect(failureNotice(409, { error: "Only failed or skipped messages can be retried." }).text).toBe("Only failed or skipped messages can be retried.");
    expect(failureNotice(500, null)).toEqual({ tone: "critical", heading: "The app could not be reached", text: "It answered HTTP 500. Try again in a moment." });
    expect(failureNotice(0, null).text).toBe("It did not answer. Try again in a moment.");
  });
});
