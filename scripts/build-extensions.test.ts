import { describe, expect, it } from "vitest";
import { targetModules } from "./build-extensions";

describe("targetModules", () => {
  it("GIVEN a TOML with two targets WHEN read THEN each target's module is listed once", () => {
    const toml = `
api_version = "2026-07"
[[extensions]]
name = "x"
  [[extensions.targeting]]
  module = "./src/ThankYou.tsx"
  target = "purchase.thank-you.block.render"
  [[extensions.targeting]]
  module = "./src/OrderStatus.tsx"
  target = "customer-account.order-status.block.render"
  [[extensions.targeting]]
  module = "./src/ThankYou.tsx"
  target = "purchase.thank-you.footer.render-after"
`;
    expect(targetModules(toml)).toEqual(["./src/ThankYou.tsx", "./src/OrderStatus.tsx"]);
  });

  it("GIVEN a Flow extension's TOML WHEN read THEN it has no module to bundle", () => {
    expect(targetModules(`[[extensions]]\ntype = "flow_action"\nruntime_url = "https://example.com/flow"\n`)).toEqual([]);
  });
});
