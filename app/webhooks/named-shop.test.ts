import { describe, expect, it } from "vitest";
import { namedShop } from "./named-shop";

const SHOP = "shop-a.myshopify.com";
const OTHER = "shop-b.myshopify.com";

describe("namedShop: does a body name the shop its header names", () => {
  it.each([
    ["shop/redact", { shop_id: 1, shop_domain: SHOP }, "same"],
    ["shop/redact", { shop_id: 2, shop_domain: OTHER }, "other"],
    ["shop/redact", { shop_id: 1 }, "none"],
    ["shop/redact", { id: 4242, name: "#4242", line_items: [] }, "none"],
    ["customers/redact", { shop_domain: SHOP, customer: { id: 1 } }, "same"],
    ["customers/data_request", { shop_domain: OTHER }, "other"],
    ["customers/data_request", { shop_domain: "" }, "other"],
    ["app/uninstalled", { id: 1, domain: "shop.example", myshopify_domain: SHOP }, "same"],
    ["app/uninstalled", { id: 1, domain: SHOP }, "same"],
    ["app/uninstalled", { id: 2, domain: SHOP, myshopify_domain: OTHER }, "other"],
    ["app/uninstalled", { id: 1, domain: "shop.example" }, "none"],
    ["app/uninstalled", { id: 4242, name: "#4242", line_items: [] }, "none"],
    ["orders/create", { id: 4242 }, "not-required"],
    ["app/scopes_update", { current: [] }, "not-required"],
  ] as const)("GIVEN %s with %j THEN %s", (topic, body, expected) => {
    expect(namedShop(topic, JSON.stringify(body), SHOP)).toBe(expected);
  });

  it("GIVEN a body that is not a JSON object THEN it names no shop", () => {
    for (const raw of ["", "x", "[]", "null", `"${SHOP}"`, `[{"shop_domain":"${SHOP}"}]`]) {
      expect(namedShop("shop/redact", raw, SHOP)).toBe("none");
    }
  });
});
