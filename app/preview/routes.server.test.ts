import { describe, expect, it } from "vitest";
import { appPagePath } from "./routes.server";

describe("the page the admin preview opens", () => {
  it.each([
    ["/app", "/app"],
    ["/app/templates", "/app/templates"],
    ["/app/messages?state=failed", "/app/messages?state=failed"],
    ["/app/settings?shop=x.myshopify.com&id_token=old&host=abc&embedded=1", "/app/settings"],
  ])("GIVEN %s WHEN opened THEN %s, without the admin's session parameters", (requested, expected) => {
    expect(appPagePath(requested)).toBe(expected);
  });

  it.each([["https://evil.example/app"], ["//evil.example/app"], ["/auth/login"], ["/apps"], ["/webhooks/orders/create"], [undefined], [["/app"]]])(
    "GIVEN %j WHEN opened THEN the app's home, never another site or route",
    (requested) => {
      expect(appPagePath(requested)).toBe("/app");
    },
  );
});
