import { describe, expect, it } from "vitest";
import { laneOf } from "./lane";

describe("laneOf: which deliveries wait for each other", () => {
  it.each([
    ["orders/create", { id: 820982911946154500, name: "#9999" }, "820982911946154500"],
    ["orders/updated", { id: 450789469 }, "450789469"],
    ["orders/cancelled", { id: "450789469" }, "450789469"],
    ["fulfillments/create", { id: 255858046, order_id: 450789469 }, "450789469"],
    ["fulfillments/update", { id: 255858046, order_id: 450789469 }, "450789469"],
    ["fulfillment_events/create", { id: 944956391, fulfillment_id: 255858046, order_id: 450789469 }, "450789469"],
    ["customers/redact", { shop_domain: "a.myshopify.com", orders_to_redact: [1] }, ""],
    ["app/uninstalled", { id: 548380009, myshopify_domain: "a.myshopify.com" }, ""],
  ] as const)("GIVEN %s with %j THEN the lane is %j", (topic, body, lane) => {
    expect(laneOf(topic, body)).toBe(lane);
  });

  it("GIVEN a body without a usable order id, or an unknown topic THEN the shop's own lane", () => {
    expect(laneOf("orders/create", { id: null })).toBe("");
    expect(laneOf("orders/create", { id: "x'; DROP" })).toBe("");
    expect(laneOf("orders/create", { id: "9".repeat(40) })).toBe("");
    expect(laneOf("fulfillments/create", { id: 1 })).toBe("");
    expect(laneOf("orders/create", null)).toBe("");
    expect(laneOf(undefined, { id: 1 })).toBe("");
  });
});
