import { describe, expect, it } from "vitest";
import { LINE_A } from "../orders/__fixtures__/lifecycle";
import { applyOrder } from "../orders/knowledge";
import { parseOrderPayload } from "../orders/payloads";
import { pickRecipient } from "../orders/recipient";
import { isCounterSale } from "../orders/status-decision";
import { orderPayloadFromGraphql } from "./order-lookup.server";

function knowledgeOf(order: Record<string, unknown>) {
  const parsed = parseOrderPayload(orderPayloadFromGraphql(order));
  if (!parsed.ok) throw new Error(parsed.reason);
  return applyOrder(undefined, parsed.value);
}

const base = {
  legacyResourceId: "4242",
  name: "#4242",
  updatedAt: "2025-03-01T10:30:00Z",
  phone: null,
  customAttributes: [],
  customer: null,
  lineItems: { nodes: [{ id: `gid://shopify/LineItem/${LINE_A}`, quantity: 1, currentQuantity: 1, requiresShipping: true }] },
  fulfillments: [],
};

describe("orderPayloadFromGraphql", () => {
  it("GIVEN a POS sale read from the Admin API (sourceName pos, no address, no shipping line) THEN it is a counter sale", () => {
    const k = knowledgeOf({ ...base, sourceName: "pos", shippingAddress: null, billingAddress: null, shippingLines: { nodes: [] } });
    expect(isCounterSale(k)).toBe(true);
  });

  it("GIVEN a pickup shipping line THEN the delivery method is pickup", () => {
    const k = knowledgeOf({ ...base, sourceName: "web", shippingAddress: null, billingAddress: null, shippingLines: { nodes: [{ deliveryCategory: "pick-up" }] } });
    expect(k.sale).toEqual({ sourceName: "web", shipsToCustomer: true, deliveryMethod: "pickup", customerLocale: null });
  });

  it("GIVEN a gift read from the Admin API THEN the names tell the recipient's shipping phone from the buyer's", () => {
    const k = knowledgeOf({
      ...base,
      shippingAddress: { firstName: "Priya", lastName: "Shah", phone: "07400 123456", countryCodeV2: "GB" },
      billingAddress: { firstName: "Asha", lastName: "Rao", phone: null, countryCodeV2: "IN" },
    });
    expect(pickRecipient(k)).toMatchObject({ ok: false, reason: expect.stringContaining("gift recipient") });
  });
});
