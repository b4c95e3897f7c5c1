import { describe, expect, it } from "vitest";
import { DELIVERY_ERRORS, ruleFor } from "./delivery-errors";

describe("what the app does with a delivery failure", () => {
  it.each([
    ["131047", "template_fallback"],
    ["131026", "skip_recipient"],
    ["131056", "retry"],
    ["130429", "retry"],
    ["2046", "failed"],
    ["2040", "template_fallback"],
    ["131051", "failed"],
    ["132000", "failed"],
    ["132015", "failed"],
    ["WAV2101", "pause_shop"],
  ])("GIVEN code %s WHEN looked up THEN the action is %s, explained in words", (code, action) => {
    const rule = ruleFor({ code });
    expect(rule.action).toBe(action);
    expect(rule.explanation.length).toBeGreaterThan(20);
    expect(rule.fix.length).toBeGreaterThan(10);
  });

  it("GIVEN a template code the table does not name WHEN looked up THEN it is a template problem", () => {
    expect(ruleFor({ code: "132012", title: "Parameter format does not match" })).toMatchObject({
      action: "failed",
      explanation: expect.stringContaining("132012: Parameter format does not match"),
    });
  });

  it("GIVEN a code nobody knows WHEN looked up THEN failed, in Meta's own words", () => {
    expect(ruleFor({ code: "999001", title: "Something new", details: "Meta explains it here." })).toEqual({
      action: "failed",
      explanation: "WhatsApp did not deliver it: Something new. Meta explains it here.",
      fix: "Look up error 999001 in Meta's WhatsApp error codes.",
    });
    expect(ruleFor(undefined).action).toBe("failed");
  });

  it("GIVEN the table THEN every code's words are the merchant's, not Meta's jargon alone", () => {
    for (const rule of Object.values(DELIVERY_ERRORS)) expect(rule.explanation).toMatch(/^(WhatsApp|Kaleyra) /);
  });
});
