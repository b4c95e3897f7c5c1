import { describe, expect, it } from "vitest";
import { orderPayload } from "./__fixtures__/lifecycle";
import { loadSample, type JsonObject } from "./__fixtures__/shopify-samples";
import { applyOrder, type OrderKnowledge } from "./knowledge";
import { parseOrderPayload } from "./payloads";
import { maskPhone, pickRecipient, toE164 } from "./recipient";

function knowledgeOf(body: JsonObject): OrderKnowledge {
  const parsed = parseOrderPayload(body);
  if (!parsed.ok) throw new Error(parsed.reason);
  return applyOrder(undefined, parsed.value);
}

const address = (phone: string | null, country_code: string) => ({ first_name: "Asha", phone, country_code });

/** An order with a phone at every source, each overridable. */
function order(phones: {
  shipping?: [string | null, string];
  customer?: string | null;
  customerDefault?: [string | null, string];
  billing?: [string | null, string];
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
  it("GIVEN valid phones everywhere WHEN picked THEN the shipping address phone wins", () => {
    const k = order({
      shipping: ["07400 123456", "GB"],
      customer: "+91 98765 43210",
      customerDefault: ["98765 43211", "IN"],
      billing: ["98765 43212", "IN"],
      order: "+15025550147",
    });
    expect(pickRecipient(k)).toEqual({ ok: true, e164: "+447400123456", source: "shipping_address" });
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

  it("GIVEN only the order's phone WHEN picked THEN it is used, read with the shipping country", () => {
    const k = order({ shipping: [null, "IN"], order: "98765 43210" });
    expect(pickRecipient(k)).toEqual({ ok: true, e164: "+919876543210", source: "order" });
  });

  it("GIVEN the real orders/create sample (555-555-SHIP, 123-123-1234) WHEN picked THEN it is skipped with a reason naming every source", () => {
    const result = pickRecipient(knowledgeOf(loadSample("orders", "create")));
    expect(result).toEqual({
      ok: false,
      reason:
        "no valid phone number on the order (shipping, customer, billing, order): shipping address: invalid, customer: none, customer default address: invalid, billing address: invalid, order: none",
    });
    expect(result.ok === false && result.reason).not.toMatch(/555|123/); // no phone numbers in logs
  });

  it("GIVEN no phones at all WHEN picked THEN it is skipped", () => {
    expect(pickRecipient(order({}))).toMatchObject({ ok: false, reason: expect.stringMatching(/^no valid phone number on the order/) });
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
