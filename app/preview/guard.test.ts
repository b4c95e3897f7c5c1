import { describe, expect, it } from "vitest";
import { isLoopbackUrl, previewProblem } from "./guard";

describe("when the admin preview may run", () => {
  it.each([
    ["http://127.0.0.1:3000", true],
    ["http://127.8.9.10", true],
    ["http://localhost:8080/", true],
    ["http://[::1]:3000", true],
    ["https://app.example.com", false],
    ["http://0.0.0.0:3000", false],
    ["http://192.168.1.5:3000", false],
    ["http://127.0.0.1.example.com", false],
    ["http://localhost.example.com", false],
    ["ftp://127.0.0.1", false],
    ["not a url", false],
  ])("GIVEN %s WHEN checked THEN loopback is %s", (url, loopback) => {
    expect(isLoopbackUrl(url)).toBe(loopback);
  });

  it("GIVEN NODE_ENV=production WHEN asked THEN refused, even on a loopback URL", () => {
    expect(previewProblem({ NODE_ENV: "production", SHOPIFY_APP_URL: "http://127.0.0.1:3000" })).toMatch(/NODE_ENV=production/);
  });

  it("GIVEN a public app URL WHEN asked THEN refused", () => {
    expect(previewProblem({ NODE_ENV: "development", SHOPIFY_APP_URL: "https://app.example.com" })).toMatch(/loopback/);
  });

  it("GIVEN development on 127.0.0.1 WHEN asked THEN allowed", () => {
    expect(previewProblem({ NODE_ENV: "development", SHOPIFY_APP_URL: "http://127.0.0.1:3000" })).toBeUndefined();
  });
});
