import { describe, expect, it } from "vitest";
import { scopeGrantUrl } from "./scope-grant";

describe("scope grant screen", () => {
  it("GIVEN a shop, the app's key and its required scopes WHEN the grant screen is asked for THEN it is the shop's managed-install page for exactly those scopes, none as optional", () => {
    const url = new URL(scopeGrantUrl("grant-test.myshopify.com", "abc123", ["read_orders", "read_fulfillments"]));
    expect(url.origin).toBe("https://grant-test.myshopify.com");
    expect(url.pathname).toBe("/admin/oauth/install");
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: "abc123", scope: "read_orders,read_fulfillments" });
  });
});
