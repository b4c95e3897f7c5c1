import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { truncateVisible, visibleLength } from "./limits";

const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });
const segmented = (text: string) => [...segmenter.segment(text)].length;

// Code points around the shortcut's edge: CR LF, controls, Latin-1, the first combining marks.
const edgy = fc.constantFrom("a", "é", "\r", "\n", "\r\n", "\u0000", "\u00ad", "\u02ff", "\u0300", "\u0301", "e\u0301", "👍🏽", "🇮🇳", "\u200d");

describe("visibleLength", () => {
  it("GIVEN Latin text, CR LF pairs and combining marks WHEN counted THEN it counts what a person sees", () => {
    expect(visibleLength("Order #1001 shipped")).toBe(19);
    expect(visibleLength("a\r\nb")).toBe(3);
    expect(visibleLength("Cafe\u0301")).toBe(4);
    expect(visibleLength("Envío rápido")).toBe(12);
    expect(visibleLength("👍🏽 🇮🇳")).toBe(3);
    expect(visibleLength("")).toBe(0);
  });

  it("GIVEN any text WHEN counted THEN the count equals the grapheme segmenter's", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 40 }), fc.array(edgy, { maxLength: 30 }).map((parts) => parts.join(""))), (text) => {
        expect(visibleLength(text)).toBe(segmented(text));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("truncateVisible", () => {
  it("GIVEN a text with joined emoji WHEN cut THEN no grapheme is split and the count fits", () => {
    expect(truncateVisible("ab👍🏽cd", 3)).toBe("ab👍🏽");
    expect(truncateVisible("a\r\nb", 2)).toBe("a\r\n");
    expect(visibleLength(truncateVisible("x".repeat(300), 255))).toBe(255);
  });
});
