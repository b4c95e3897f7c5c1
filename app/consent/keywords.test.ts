import { describe, expect, it } from "vitest";
import { keywordIntent, normaliseKeyword } from "./keywords";

describe("STOP and START in a shopper's message", () => {
  it.each([
    ["STOP", "opt_out"],
    ["stop", "opt_out"],
    ["  Stop! ", "opt_out"],
    ["Arrêt", "opt_out"],
    ["PARAR", "opt_out"],
    ["रोको", "opt_out"],
    ["unsubscribe.", "opt_out"],
    ["START", "opt_in"],
    ["Começar", "opt_in"],
    ["stop sending me the invoice twice", null],
    ["Where is my order?", null],
    ["", null],
  ])("Given the message %j, Then the intent is %j", (text, intent) => {
    expect(keywordIntent(text)).toBe(intent);
  });

  it("Given the shop's own keywords, When a shopper writes one, Then it counts like a built-in one", () => {
    const extra = { optOut: "Nao quero, basta", optIn: "quero sim" };
    expect(keywordIntent("não quero", extra)).toBe("opt_out");
    expect(keywordIntent("BASTA", extra)).toBe("opt_out");
    expect(keywordIntent("Quero sim!", extra)).toBe("opt_in");
    expect(keywordIntent("basta", {})).toBeNull();
  });

  it("Given accents, case and punctuation, When normalised, Then only letters and digits remain, single-spaced", () => {
    expect(normaliseKeyword("  Opt-Out!! ")).toBe("OPT OUT");
  });
});
