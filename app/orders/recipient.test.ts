import { describe, expect, it } from "vitest";
import { orderPayload } from "./__fixtures__/lifecycle";
import { loadSample, type JsonObject } from "./__fixtures__/shopify-samples";
import { applyOrder, type OrderKnowledge } from "./knowledge";
import { parseOrderPayload } from "./payloads";
import { giftRecipientsPref } from "./gift-recipients";
import { audiencesFor, isGiftOrder, maskPhone, pickGiftRecipient, pickRecipient, pickRecipientFor, toE164 } from "./recipient";

function knowledgeOf(body: JsonObject): OrderKnowledge {
  const parsed = parseOrderPayload(body);
  if (!parsed.ok) throw new Error(parsed.reason);
  return applyOrder(undefined, parsed.value);
}

const address = (phone: string | null, country_code: string, first_name = "Asha") => ({ first_name, last_name: "Rao", phone, country_code });

/** An order with a phone at every source, each overridable. */
function order(phones: {
  shipping?: [string | null, string, string?];
  customer?: string | null;
  customerDefault?: [string | null, string];
  billing?: [string | null, string, string?];
  order?: string | null;
}): OrderKnowledge {
  return knowledgeOf(
    orderPayload({
      shipping_address: phones.shipping ? address(...phones.shipping) : null,
      billing_address: phones.billing ? address(...phones.billing) : null,
      customer: {
        first_name: "Asha",
        phone: phones.customer ?? null,
        default_address: phones.customerDefault ? address(...phones.customerDefault) : null,
      },
      phone: phones.order ?? null,
    }),
  );
}

describe("pickRecipient", () => {
  it("GIVEN valid phones everywhere WHEN picked THEN the order's contact phone wins", () => {
    const k = order({
      shipping: ["07400 123456", "GB"],
      customer: "+91 98765 43210",
      customerDefault: ["98765 43211", "IN"],
      billing: ["98765 43212", "IN"],
      order: "+15025550147",
    });
    expect(pickRecipient(k)).toEqual({ ok: true, e164: "+15025550147", source: "order" });
  });

  it("GIVEN no order phone WHEN the customer, the billing and the shipping address have one THEN the customer's wins", () => {
    const k = order({ shipping: ["07400 123456", "GB"], customer: "+91 98765 43210", billing: ["98765 43212", "IN"] });
    expect(pickRecipient(k)).toEqual({ ok: true, e164: "+919876543210", source: "customer" });
  });

  it("GIVEN only the billing and the shipping address have phones, same person WHEN picked THEN the billing phone wins", () => {
    const k = order({ shipping: ["07400 123456", "GB"], billing: ["98765 43212", "IN"] });
    expect(pickRecipient(k)).toEqual({ ok: true, e164: "+919876543212", source: "billing_address" });
  });

  it("GIVEN a national UK mobile on the shipping address WHEN picked THEN it is read with GB", () => {
    expect(pickRecipient(order({ shipping: ["07400 123456", "GB"] }))).toEqual({ ok: true, e164: "+447400123456", source: "shipping_address" });
  });

  it("GIVEN a national Indian mobile on the billing address WHEN picked THEN it is read with IN", () => {
    expect(pickRecipient(order({ billing: ["98765 43210", "IN"] }))).toEqual({ ok: true, e164: "+919876543210", source: "billing_address" });
  });

  it("GIVEN no shipping phone WHEN the customer has one THEN the customer's phone is used", () => {
    const k = order({ shipping: [null, "US"], customer: "+919876543210", billing: ["98765 43212", "IN"] });
    expect(pickRecipient(k)).toEqual({ ok: true, e164: "+919876543210", source: "customer" });
  });

  it("GIVEN a national customer phone WHEN picked THEN it is read with the customer's default address country", () => {
    const k = order({ customer: "98765 43210", customerDefault: [null, "IN"], shipping: [null, "GB"] });
    expect(pickRecipient(k)).toEqual({ ok: true, e164: "+919876543210", source: "customer" });
  });

  it("GIVEN only the customer's default address has a phone WHEN picked THEN it is used with its own country", () => {
    const k = order({ shipping: ["555-555-SHIP", "US"], customerDefault: ["07400 123456", "GB"], billing: [null, "US"] });
    expect(pickRecipient(k)).toEqual({ ok: true, e164: "+447400123456", source: "customer_default_address" });
  });

  it("GIVEN only the order's phone WHEN picked THEN it is used, read with the buyer's nearest address country", () => {
    const k = order({ shipping: [null, "IN"], order: "98765 43210" });
    expect(pickRecipient(k)).toEqual({ ok: true, e164: "+919876543210", source: "order" });
  });

  it("GIVEN the real orders/create sample (555-555-SHIP, 123-123-1234) WHEN picked THEN it is skipped, saying why for every phone", () => {
    const result = pickRecipient(knowledgeOf(loadSample("orders", "create")));
    expect(result).toEqual({
      ok: false,
      reason:
        "no WhatsApp number for the buyer: the customer's default address phone is not a valid phone number for CA; " +
        "the billing address phone is not a valid phone number for US; the shipping address phone is not a valid phone number for US; " +
        "there is no phone on the order or the customer",
    });
    expect(result.ok === false && result.reason).not.toMatch(/555|123/); // no phone numbers in logs
  });

  it("GIVEN no phones at all WHEN picked THEN it is skipped, naming every place looked at", () => {
    expect(pickRecipient(order({}))).toEqual({
      ok: false,
      reason:
        "no WhatsApp number for the buyer: there is no phone on the order, the customer, the customer's default address, the billing address or the shipping address",
    });
  });
});

describe("pickRecipient for gift orders", () => {
  it("GIVEN a gift (the recipient's phone on the shipping address, the buyer's on the billing address) WHEN picked THEN the buyer is told", () => {
    const k = order({ shipping: ["07400 123456", "GB", "Priya"], billing: ["98765 43212", "IN", "Asha"] });
    expect(pickRecipient(k)).toEqual({ ok: true, e164: "+919876543212", source: "billing_address" });
  });

  it("GIVEN a gift whose buyer left no phone WHEN picked THEN nobody is told, and the reason says the shipping phone is a recipient's", () => {
    const k = order({ shipping: ["07400 123456", "GB", "Priya"], billing: [null, "IN", "Asha"] });
    expect(pickRecipient(k)).toEqual({
      ok: false,
      reason:
        "no WhatsApp number for the buyer: the shipping address phone was not used: it is for someone other than the buyer " +
        "(a gift recipient), who has not agreed to hear from the shop; there is no phone on the order, the customer, " +
        "the customer's default address or the billing address",
    });
  });

  it("GIVEN the shipping name differs only in case and spacing WHEN picked THEN it is the buyer's own phone", () => {
    const k = knowledgeOf(
      orderPayload({
        phone: null,
        customer: null,
        billing_address: { first_name: "Asha ", last_name: "RAO", phone: null, country_code: "GB" },
        shipping_address: { first_name: "asha", last_name: "Rao", phone: "07400 123456", country_code: "GB" },
      }),
    );
    expect(pickRecipient(k)).toEqual({ ok: true, e164: "+447400123456", source: "shipping_address" });
  });

  it("GIVEN no billing address at all WHEN only the shipping address has a phone THEN it is the buyer's", () => {
    const k = order({ shipping: ["07400 123456", "GB", "Priya"] });
    expect(pickRecipient(k)).toEqual({ ok: true, e164: "+447400123456", source: "shipping_address" });
  });
});

describe("gift recipients: who is told under the shop's choice", () => {
  const gift = (recipientPhone: string | null = "07400 123456") =>
    order({ shipping: [recipientPhone, "GB", "Priya"], billing: ["98765 43212", "IN", "Asha"] });

  it("GIVEN a gift order WHEN the shop keeps the default THEN only the buyer is told", () => {
    expect(isGiftOrder(gift())).toBe(true);
    expect(audiencesFor(gift(), "buyer")).toEqual(["buyer"]);
  });

  it("GIVEN a gift order WHEN the shop chose \"also\" THEN the buyer and the gift recipient are told, the recipient on the shipping address phone", () => {
    expect(audiencesFor(gift(), "also")).toEqual(["buyer", "gift_recipient"]);
    expect(pickRecipientFor(gift(), "buyer")).toEqual({ ok: true, e164: "+919876543212", source: "billing_address" });
    expect(pickRecipientFor(gift(), "gift_recipient")).toEqual({ ok: true, e164: "+447400123456", source: "shipping_address" });
  });

  it("GIVEN a gift order WHEN the shop chose \"instead\" THEN only the gift recipient is told", () => {
    expect(audiencesFor(gift(), "instead")).toEqual(["gift_recipient"]);
  });

  it("GIVEN \"instead\" WHEN the shipping address has no phone, or an invalid one THEN the buyer is told rather than no one", () => {
    expect(audiencesFor(gift(null), "instead")).toEqual(["buyer"]);
    expect(audiencesFor(gift("12"), "instead")).toEqual(["buyer"]);
  });

  it("GIVEN \"also\" WHEN the shipping address has no phone THEN the recipient's message is planned and its reason says why it cannot go", () => {
    expect(audiencesFor(gift(null), "also")).toEqual(["buyer", "gift_recipient"]);
    expect(pickGiftRecipient(gift(null))).toEqual({ ok: false, reason: "no WhatsApp number for the gift recipient: there is no phone on the shipping address" });
    expect(pickGiftRecipient(gift("12"))).toEqual({
      ok: false,
      reason: "no WhatsApp number for the gift recipient: the shipping address phone is not a valid phone number for GB",
    });
  });

  it.each(["also", "instead"] as const)("GIVEN an order shipped to the buyer's own name, or with no billing name, WHEN the shop chose %s THEN there is no gift recipient", (choice) => {
    const own = order({ shipping: ["07400 123456", "GB", "Asha"], billing: ["98765 43212", "IN", "Asha"] });
    const noBilling = order({ shipping: ["07400 123456", "GB", "Priya"], customer: "+919876543210" });
    for (const k of [own, noBilling]) {
      expect(isGiftOrder(k)).toBe(false);
      expect(audiencesFor(k, choice)).toEqual(["buyer"]);
    }
    expect(pickGiftRecipient(own)).toMatchObject({ ok: false, reason: expect.stringContaining("shipped to the buyer") });
  });

  it("GIVEN a stored choice WHEN read THEN unknown values fall back to the buyer only", () => {
    expect(["buyer", "also", "instead", "everyone", null].map(giftRecipientsPref)).toEqual(["buyer", "also", "instead", "buyer", "buyer"]);
  });
});

describe("toE164", () => {
  it.each([
    ["07400 123456", "GB", "+447400123456"],
    ["+44 7400 123456", null, "+447400123456"],
    ["98765 43210", "IN", "+919876543210"],
    ["(502) 555-0147", "US", "+15025550147"],
    ["555-555-SHIP", "US", null],
    ["07400 123456", null, null], // national number without a country
    ["07400 123456", "ZZ", null], // unknown country code
    ["12", "GB", null],
    ["x".repeat(10_000), "GB", null],
  ])("GIVEN %j in %s THEN %s", (phone, country, expected) => {
    expect(toE164(phone, country)).toBe(expected);
  });
});

describe("maskPhone", () => {
  it("GIVEN an E.164 number THEN only the last 4 digits show, not the length", () => {
    expect(maskPhone("+447400123456")).toBe("•••••••3456");
    expect(maskPhone("+15025550147")).toBe("•••••••0147");
    expect(maskPhone("+12")).toBe("•••••••");
  });
});
