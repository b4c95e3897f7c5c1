import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { atLimit, SCRIPT_SAMPLES, type ScriptName } from "./__fixtures__/scripts";
import { bindingUnit, fits, LIMITS, measureText, strictLength, truncateToFit, visibleLength } from "./limits";

const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });
const segments = (text: string) => [...segmenter.segment(text)].map((s) => s.segment);
/** The three readings, counted independently of the module under test. */
const readings = (text: string) => ({ graphemes: segments(text).length, codePoints: [...text].length, utf16Units: text.length });

// Code points around the shortcut's edge: CR LF, controls, Latin-1, the first combining marks.
const edgy = fc.constantFrom("a", "é", "\r", "\n", "\r\n", "\u0000", "\u00ad", "\u02ff", "\u0300", "\u0301", "e\u0301", "👍🏽", "🇮🇳", "\u200d", "क्षि", "ொ");
const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.array(edgy, { maxLength: 30 }).map((parts) => parts.join("")),
);

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
      fc.property(anyText, (text) => {
        expect(visibleLength(text)).toBe(segments(text).length);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("fits: the strict reading", () => {
  it("GIVEN texts whose readings differ WHEN measured THEN all three counts are given and the largest binds", () => {
    expect(measureText("Cafe\u0301")).toEqual({ graphemes: 4, codePoints: 5, utf16Units: 5 });
    expect(measureText("👍🏽")).toEqual({ graphemes: 1, codePoints: 2, utf16Units: 4 });
    expect(measureText("नमस्ते")).toEqual({ graphemes: 3, codePoints: 6, utf16Units: 6 });
    expect(bindingUnit(measureText("Order"))).toBe("graphemes");
    expect(bindingUnit(measureText("नमस्ते"))).toBe("codePoints");
    expect(bindingUnit(measureText("👍🏽"))).toBe("utf16Units");
    expect(fits("👍🏽", 3)).toBe(false);
    expect(fits("👍🏽", 4)).toBe(true);
  });

  it("PROPERTY: a text fits exactly when it is within the limit in graphemes, code points AND UTF-16 units", () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 0, max: 60 }), (text, limit) => {
        const r = readings(text);
        expect(measureText(text)).toEqual(r);
        expect(strictLength(text)).toBe(Math.max(r.graphemes, r.codePoints, r.utf16Units));
        expect(fits(text, limit)).toBe(r.graphemes <= limit && r.codePoints <= limit && r.utf16Units <= limit);
      }),
      { numRuns: 2_000 },
    );
  });

  it.each(Object.keys(SCRIPT_SAMPLES) as ScriptName[])("GIVEN a %s body at the limit THEN it fits under all three counts, and one more letter does not", (script) => {
    const body = atLimit(script, LIMITS.bodyText);
    const r = readings(body);
    expect(Math.max(r.graphemes, r.codePoints, r.utf16Units)).toBe(LIMITS.bodyText);
    expect(fits(body, LIMITS.bodyText)).toBe(true);
    expect(fits(`${body}a`, LIMITS.bodyText)).toBe(false);
    // What the merchant sees is far shorter: the grapheme count alone would have let far more through.
    expect(r.graphemes).toBeLessThan(LIMITS.bodyText);
  });
});

describe("truncateToFit", () => {
  it("GIVEN a text with joined emoji WHEN cut THEN no grapheme is split and the strict count fits", () => {
    expect(truncateToFit("ab👍🏽cd", 5)).toBe("ab");
    expect(truncateToFit("ab👍🏽cd", 6)).toBe("ab👍🏽");
    expect(truncateToFit("a\r\nb", 2)).toBe("a");
    expect(truncateToFit("नमस्ते", 3)).toBe("नम");
    expect(truncateToFit("x".repeat(300), 255)).toBe("x".repeat(255));
  });

  it("PROPERTY: the cut is the longest start made of whole graphemes that fits", () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 0, max: 50 }), (text, max) => {
        const out = truncateToFit(text, max);
        expect(fits(out, max)).toBe(true);
        const whole = segments(text);
        const kept = segments(out);
        // A prefix of whole graphemes (segmenting the cut text gives the same first graphemes)...
        expect(kept).toEqual(whole.slice(0, kept.length));
        // ...and the next grapheme would not have fitted.
        if (kept.length < whole.length) expect(fits(out + whole[kept.length]!, max)).toBe(false);
      }),
      { numRuns: 2_000 },
    );
  });
});
