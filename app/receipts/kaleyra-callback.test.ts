import { describe, expect, it } from "vitest";
import { readStatusCallback, refFor } from "./kaleyra-callback";
import { kaleyraNotSentCallback, kaleyraStatusCallback } from "./__fixtures__/callbacks";

const RECEIVED = new Date("2026-12-02T10:00:00Z");

describe("reading Kaleyra's status callback", () => {
  it("GIVEN a delivered callback WHEN read THEN one receipt with Meta's time and every id to find the message by", () => {
    const body = kaleyraStatusCallback({ status: "delivered", timestamp: "1764669605", ref: refFor("m1"), kaleyraId: "k-1", whatsappId: "wamid.A" });
    expect(readStatusCallback(body, RECEIVED)).toEqual({
      ok: true,
      unknown: [],
      receipts: [
        { status: "delivered", at: new Date(1764669605 * 1000), appMessageId: "m1", kaleyraMessageId: "k-1", whatsappId: "wamid.A" },
      ],
    });
  });

  it("GIVEN a failed callback WHEN read THEN Meta's code, title, message and details come with it", () => {
    const body = kaleyraStatusCallback({
      status: "failed",
      ref: refFor("m2"),
      errors: [
        {
          code: 131047,
          title: "Re-engagement message",
          message: "Re-engagement message",
          error_data: { details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number." },
          href: "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
        },
      ],
    });
    const read = readStatusCallback(body, RECEIVED);
    expect(read).toMatchObject({
      ok: true,
      receipts: [
        {
          status: "failed",
          appMessageId: "m2",
          error: {
            code: "131047",
            title: "Re-engagement message",
            details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
          },
        },
      ],
    });
  });

  it("GIVEN Kaleyra's own not-sent (the daily limit) WHEN read THEN a not-sent receipt with WAV2101, at the time it arrived", () => {
    const read = readStatusCallback(kaleyraNotSentCallback({ ref: refFor("m3"), code: "WAV2101" }), RECEIVED);
    expect(read).toEqual({
      ok: true,
      unknown: [],
      receipts: [{ status: "not_sent", at: RECEIVED, appMessageId: "m3", kaleyraMessageId: "k-not-sent", error: { code: "WAV2101", message: "Account daily limit reached" } }],
    });
  });

  it("GIVEN a status the app does not know and unknown fields WHEN read THEN the status is reported back, the fields ignored", () => {
    const body = { ...kaleyraStatusCallback({ status: "deleted", ref: refFor("m4") }), brand_new_field: { x: 1 } };
    expect(readStatusCallback(body, RECEIVED)).toEqual({ ok: true, receipts: [], unknown: ['status "deleted"'] });
  });

  it.each([
    ["an array", []],
    ["a string", "delivered"],
    ["null", null],
    ["an object with no status", { extra_info: { ref: "msg:m5" } }],
  ])("GIVEN %s WHEN read THEN a clear reason, no receipt", (_name, body) => {
    expect(readStatusCallback(body, RECEIVED)).toMatchObject({ ok: false, reason: expect.stringMatching(/callback/) });
  });

  it("GIVEN a ref that is not the app's (sent by an earlier version, or another app) WHEN read THEN no app id, Kaleyra's id still", () => {
    const read = readStatusCallback(kaleyraStatusCallback({ status: "read", ref: "order-1001", kaleyraId: "k-9" }), RECEIVED);
    expect(read).toMatchObject({ ok: true, receipts: [{ status: "read", kaleyraMessageId: "k-9" }] });
    expect(read.ok && read.receipts[0]?.appMessageId).toBeUndefined();
  });

  it("GIVEN a 2,000-character error message WHEN read THEN it is cut, the receipt kept", () => {
    const body = kaleyraStatusCallback({ status: "failed", errors: [{ code: 131026, title: "x".repeat(2000), message: "y".repeat(2000) }] });
    const read = readStatusCallback(body, RECEIVED);
    expect(read.ok && read.receipts[0]?.error?.title?.length).toBe(500);
  });
});
