import { describe, expect, it } from "vitest";
import { readInbound } from "./kaleyra-inbound";

const RECEIVED = new Date("2026-12-02T10:00:00Z");

/** An inbound text as Kaleyra posts it to the number's Incoming URL (Meta's value in meta_object). */
function inbound(messages: unknown[], display = "919876500001") {
  return {
    meta_object: {
      value: {
        messaging_product: "whatsapp",
        metadata: { display_phone_number: display, phone_number_id: "104567890123456" },
        contacts: [{ profile: { name: "Priya" }, wa_id: "919812345678" }],
        messages,
      },
      field: "messages",
    },
    extra_info: { waba_id: "102345678901234", trace_id: "5b7f3c9e-0000-4000-8000-000000000001" },
  };
}

describe("reading Kaleyra's inbound messages", () => {
  it("Given a text from a shopper, Then who, to which number, when and the words are read", () => {
    const read = readInbound(inbound([{ from: "919812345678", id: "wamid.A1", timestamp: "1764669600", type: "text", text: { body: "STOP" } }]), RECEIVED);
    expect(read).toEqual({
      ok: true,
      messages: [{ from: "+919812345678", to: "+919876500001", at: new Date(1764669600 * 1000), text: "STOP", id: "wamid.A1" }],
    });
  });

  it("Given a quick-reply button and a list reply, Then their titles are the words", () => {
    const read = readInbound(
      inbound([
        { from: "919812345678", timestamp: "1764669600", type: "button", button: { text: "Stop updates", payload: "x" } },
        { from: "919812345678", timestamp: "1764669601", type: "interactive", interactive: { type: "list_reply", list_reply: { id: "1", title: "START" } } },
      ]),
      RECEIVED,
    );
    expect(read.ok && read.messages.map((m) => m.text)).toEqual(["Stop updates", "START"]);
  });

  it("Given a timestamp later than arrival (a skewed clock), Then the arrival time is used", () => {
    const read = readInbound(inbound([{ from: "919812345678", timestamp: "4102444800", type: "image" }]), RECEIVED);
    expect(read.ok && read.messages[0]).toMatchObject({ at: RECEIVED, text: "" });
  });

  it.each([
    ["not an object", "STOP"],
    ["a status callback", { meta_object: { value: { statuses: [{ id: "x", status: "read" }] } } }],
    ["a sender that is not a number", inbound([{ from: "shopper", type: "text", text: { body: "hi" } }])],
  ])("Given %s, Then it is refused with a reason", (_what, body) => {
    expect(readInbound(body, RECEIVED).ok).toBe(false);
  });
});
