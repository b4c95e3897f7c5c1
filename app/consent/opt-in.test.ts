import { describe, expect, it } from "vitest";
import { bindChoice, customerIdOf, orderIdOf, pendingApplies, PENDING_OPT_IN_MS, shopOf, shownState, type ChoiceRequest, type KnownOrder } from "./opt-in";

const NUMBER = "+15025550147";
const order = (overrides: Partial<KnownOrder> = {}): KnownOrder => ({ recipient: NUMBER, country: "US", customerId: "77", ...overrides });
const thankYou = (overrides: Partial<ChoiceRequest> = {}): ChoiceRequest => ({ surface: "thank_you", tokenCustomerId: null, phone: NUMBER, country: null, ...overrides });
const orderStatus = (overrides: Partial<ChoiceRequest> = {}): ChoiceRequest => thankYou({ surface: "order_status", tokenCustomerId: "77", ...overrides });

describe("ids from the pages and the token", () => {
  it("GIVEN the ids the pages and tokens carry WHEN read THEN only Shopify's own forms give an id", () => {
    expect(orderIdOf("gid://shopify/Order/5551234")).toBe("5551234");
    expect(orderIdOf("gid://shopify/OrderIdentity/5551234")).toBe("5551234");
    expect(orderIdOf("5551234")).toBe("5551234");
    expect(orderIdOf("gid://shopify/Customer/5551234")).toBeNull();
    expect(orderIdOf("1 OR 1=1")).toBeNull();
    expect(customerIdOf("gid://shopify/Customer/77")).toBe("77");
    expect(customerIdOf(undefined)).toBeNull();
    expect(customerIdOf("77")).toBeNull();
    expect(shopOf("https://sunrise.myshopify.com")).toBe("sunrise.myshopify.com");
    expect(shopOf("sunrise.myshopify.com")).toBe("sunrise.myshopify.com");
    expect(shopOf("https://evil.example")).toBeNull();
  });
});

describe("bindChoice", () => {
  it("GIVEN a known order WHEN the page shows its buyer number (as typed) THEN the choice is that shopper's", () => {
    expect(bindChoice(thankYou({ phone: "(502) 555-0147" }), order())).toEqual({ kind: "shopper", phone: NUMBER });
  });

  it("GIVEN a known order WHEN the page sends another number THEN it is refused", () => {
    expect(bindChoice(thankYou({ phone: "+15025550199" }), order())).toMatchObject({ kind: "refused", status: 403 });
  });

  it("GIVEN a known order without a buyer number WHEN a choice comes THEN there is nothing to offer", () => {
    expect(bindChoice(thankYou(), order({ recipient: null }))).toMatchObject({ kind: "refused", status: 404 });
  });

  it("GIVEN an order the app has not received WHEN a valid number comes THEN the choice waits for the order; a bad number is refused", () => {
    expect(bindChoice(thankYou(), undefined)).toEqual({ kind: "pending", phone: NUMBER });
    expect(bindChoice(thankYou({ phone: "12" }), undefined)).toMatchObject({ kind: "refused", status: 404 });
  });

  it("GIVEN the order-status page WHEN the app does not know the order THEN there is nothing to offer", () => {
    expect(bindChoice(orderStatus(), undefined)).toMatchObject({ kind: "refused", status: 404 });
  });

  it("GIVEN the order-status page WHEN the token names no customer or another customer THEN it is refused; the order's customer is accepted", () => {
    expect(bindChoice(orderStatus({ tokenCustomerId: null }), order())).toMatchObject({ kind: "refused", status: 403 });
    expect(bindChoice(orderStatus({ tokenCustomerId: "78" }), order())).toMatchObject({ kind: "refused", status: 403, reason: expect.stringContaining("customer") });
    expect(bindChoice(orderStatus(), order())).toEqual({ kind: "shopper", phone: NUMBER });
    expect(bindChoice(orderStatus(), order({ customerId: null }))).toEqual({ kind: "shopper", phone: NUMBER });
  });

  it("GIVEN a signed-in buyer on the thank-you page WHEN the order is another customer's THEN it is refused", () => {
    expect(bindChoice(thankYou({ tokenCustomerId: "78" }), order())).toMatchObject({ kind: "refused", status: 403 });
  });
});

describe("pendingApplies", () => {
  const at = new Date("2026-12-03T08:00:00Z");
  const pending = { phone: NUMBER, customerId: null, consentAt: at };

  it("GIVEN a choice kept before the order WHEN the order brings the same number within the hour THEN it applies", () => {
    expect(pendingApplies(pending, order(), new Date(at.getTime() + 5_000))).toBe(true);
  });

  it("GIVEN a choice kept before the order WHEN the order brings another number, another customer or comes too late THEN it does not apply", () => {
    expect(pendingApplies(pending, order({ recipient: "+15025550199" }), at)).toBe(false);
    expect(pendingApplies({ ...pending, customerId: "78" }, order(), at)).toBe(false);
    expect(pendingApplies(pending, order(), new Date(at.getTime() + PENDING_OPT_IN_MS + 1))).toBe(false);
  });
});

describe("shownState", () => {
  it("GIVEN the shopper's word and the shop's policy WHEN shown THEN the checkbox says whether updates reach them", () => {
    const optInOnly = { policy: "opted_in" as const, checkoutConsent: false };
    const everyone = { policy: "everyone" as const, checkoutConsent: false };
    expect(shownState("opted_in", optInOnly)).toEqual({ on: true, consent: "opted_in" });
    expect(shownState("opted_out", everyone)).toEqual({ on: false, consent: "opted_out" });
    expect(shownState(null, optInOnly)).toEqual({ on: false, consent: null });
    expect(shownState(null, everyone)).toEqual({ on: true, consent: null });
    expect(shownState(undefined, { policy: "opted_in", checkoutConsent: true })).toEqual({ on: true, consent: null });
  });
});
