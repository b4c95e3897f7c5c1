import { describe, expect, it } from "vitest";
import { extensionApiMatcher, isAllowedExitIframeTarget, originCheck } from "./request-guards";

const APP = "https://orders.example.com";

describe("isAllowedExitIframeTarget", () => {
  it.each([
    "/auth?shop=a.myshopify.com",
    "/app",
    "https://orders.example.com/app?x=1",
    "https://admin.shopify.com/store/a/apps/x",
    "https://a.myshopify.com/admin/oauth/authorize?client_id=1",
  ])("GIVEN %s THEN allowed", (target) => {
    expect(isAllowedExitIframeTarget(target, APP)).toBe(true);
  });

  it.each([
    null,
    "",
    "https://evil.example",
    "https://evil.example/?https://admin.shopify.com",
    "//evil.example/x",
    "/\\evil.example",
    "http://admin.shopify.com/",
    "https://admin.shopify.com.evil.example/",
    "https://admin.shopify.com:8443/",
    "https://a.myshopify.com@evil.example/",
    "https://user@admin.shopify.com/",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://evil.example\t",
    "https://orders.example.com.evil.example/",
    "http://orders.example.com/app",
  ])("GIVEN %s THEN refused", (target) => {
    expect(isAllowedExitIframeTarget(target, APP)).toBe(false);
  });
});

describe("originCheck: Remix's CSRF rule as the client's mistake", () => {
  it.each([
    ["GET", { origin: "https://evil.example", host: "app.example" }, "ok"],
    ["POST", { host: "app.example" }, "ok"],
    ["POST", { origin: "https://app.example", host: "app.example" }, "ok"],
    ["POST", { origin: "https://app.example", host: "internal:3000", forwardedHost: "app.example, proxy" }, "ok"],
    ["POST", { origin: "https://evil.example", host: "app.example" }, "cross-origin"],
    ["DELETE", { origin: "null", host: "app.example" }, "cross-origin"],
    ["POST", { origin: "https://app.example" }, "cross-origin"],
    ["POST", { origin: "not a url", host: "app.example" }, "malformed"],
  ] as const)("GIVEN %s %j THEN %s", (method, headers, expected) => {
    expect(originCheck(method, headers)).toBe(expected);
  });
});

describe("extensionApiMatcher: the UI extensions' endpoints, called from Shopify's origin", () => {
  const isExtensionApi = extensionApiMatcher(["api/orders/:orderId/whatsapp"]);

  it.each([
    "/api/orders/4100/whatsapp",
    "/api/orders/4100/whatsapp/",
    "/api/orders/4100/whatsapp?x=1",
    "/API/Orders/4100/WhatsApp",
    "/app/../api/orders/4100/whatsapp",
  ])("GIVEN %s THEN one of them", (url) => {
    expect(isExtensionApi(url)).toBe(true);
  });

  it.each([
    "/api/orders/4100",
    "/api/orders//whatsapp",
    "/api/orders/4100/whatsapp/x",
    "/api/nothing-here",
    "/api/orders/4100/whatsapp/../../../../app/settings",
    "/app/settings",
    "/auth/login",
    "//evil.example/api/orders/1/whatsapp",
  ])("GIVEN %s THEN not one of them", (url) => {
    expect(isExtensionApi(url)).toBe(false);
  });
});
