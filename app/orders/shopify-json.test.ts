import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sampleFileText } from "./__fixtures__/shopify-samples";
import { parseShopifyJson, quoteBigIntegers, ShopifyJsonError } from "./shopify-json";

describe("parseShopifyJson", () => {
  it("GIVEN an id above 2^53 WHEN parsed THEN it is the exact digits as a string", () => {
    const value = parseShopifyJson('{"id":820982911946154554,"n":1}');
    expect(value).toEqual({ id: "820982911946154554", n: 1 });
    // Plain JSON.parse would have changed the id:
    expect(String((JSON.parse('{"id":820982911946154554}') as { id: number }).id)).not.toBe("820982911946154554");
  });

  it("GIVEN integers of 15 and 16 digits WHEN parsed THEN only the 16-digit one becomes a string", () => {
    expect(parseShopifyJson("[123456789012345, 1234567890123456, -1234567890123456]")).toEqual([
      123456789012345,
      "1234567890123456",
      "-1234567890123456",
    ]);
  });

  it("GIVEN big numbers that are not integers WHEN parsed THEN they stay numbers", () => {
    expect(parseShopifyJson('{"a":12345678901234567.5,"b":12345678901234567e2,"c":1.2345678901234567}')).toEqual({
      // Plain doubles, rounded the same way JSON.parse rounds them.
      a: Number("12345678901234567.5"),
      b: Number("12345678901234567e2"),
      c: 1.2345678901234567,
    });
  });

  it("GIVEN tricky strings that contain big digits, quotes and escapes WHEN parsed THEN the strings are untouched", () => {
    const text = String.raw`{"note":"id 820982911946154554, \"quoted\" 12345678901234567","path":"C:\\12345678901234567\\","after":12345678901234567}`;
    expect(parseShopifyJson(text)).toEqual({
      note: 'id 820982911946154554, "quoted" 12345678901234567',
      path: "C:\\12345678901234567\\",
      after: "12345678901234567",
    });
  });

  it("GIVEN a big integer at the top level, in nested arrays and after whitespace THEN each is quoted", () => {
    expect(parseShopifyJson(" 12345678901234567 ")).toBe("12345678901234567");
    expect(parseShopifyJson('{"a":[[ 12345678901234567 ,{"b" :\n12345678901234568}]]}')).toEqual({
      a: [["12345678901234567", { b: "12345678901234568" }]],
    });
  });

  it("GIVEN the real fulfillments/create sample WHEN parsed THEN order_id is the exact text of the file", () => {
    const value = parseShopifyJson(sampleFileText("fulfillments", "create")) as { response: { order_id: unknown; id: unknown } };
    expect(value.response.order_id).toBe("820982911946154500");
    expect(value.response.id).toBe(123456);
  });

  it("GIVEN invalid JSON WHEN parsed THEN it throws a ShopifyJsonError that says so", () => {
    expect(() => parseShopifyJson('{"id": 1,')).toThrow(ShopifyJsonError);
    expect(() => parseShopifyJson("")).toThrow(/invalid JSON/);
  });

  it("GIVEN an object key made of digits or a number with a leading zero WHEN parsed THEN quoting does not make it valid", () => {
    // {12345678901234567: 1} is invalid JSON; quoting the key would have made it valid.
    expect(() => parseShopifyJson("{12345678901234567: 1}")).toThrow(ShopifyJsonError);
    expect(() => parseShopifyJson('{"a":01234567890123456}')).toThrow(ShopifyJsonError);
    expect(() => parseShopifyJson('{"a":1,12345678901234567:2}')).toThrow(ShopifyJsonError);
  });

  it("GIVEN a text without big integers WHEN quoted THEN it is returned unchanged", () => {
    const text = '{"a":[1,2,"12345678901234567"],"b":null}';
    expect(quoteBigIntegers(text)).toBe(text);
  });

  it("PROPERTY: for any JSON value, the result equals JSON.parse except that 16+ digit integers are their exact text", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        expect(parseShopifyJson(text)).toEqual(expectedFrom(JSON.parse(text)));
      }),
      { numRuns: 300 },
    );
  });

  it("PROPERTY: any string in any position survives, however many digits or quotes it holds", () => {
    const digitsAndQuotes = fc.string({ unit: fc.constantFrom("1", "2", "0", '"', "\\", ":", ",", "{", "[", " ", "e", "-") });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), digitsAndQuotes), fc.bigInt({ min: 10n ** 15n, max: 10n ** 20n }), (s, big) => {
        const text = `{${JSON.stringify(s)}:[${JSON.stringify(s)},${big}]}`;
        expect(parseShopifyJson(text)).toEqual({ [s]: [s, big.toString()] });
      }),
      { numRuns: 300 },
    );
  });

  it("PROPERTY: it throws exactly when JSON.parse throws (quoting never repairs or breaks a text)", () => {
    const jsonish = fc.oneof(
      fc.string(),
      fc.string({ unit: fc.constantFrom("1", "23456789012345678", '"', ":", ",", "{", "}", "[", "]", " ", "-", ".", "e", "0") }),
      fc
        .tuple(fc.jsonValue(), fc.nat(), fc.constantFrom("", "1", '"', "{", "12345678901234567", ":"))
        .map(([v, cut, insert]) => {
          const text = JSON.stringify(v) ?? "null";
          const i = cut % (text.length + 1);
          return text.slice(0, i) + insert + text.slice(i + 1);
        }),
    );
    fc.assert(
      fc.property(jsonish, (text) => {
        let plainThrows = false;
        try {
          JSON.parse(text);
        } catch {
          plainThrows = true;
        }
        if (plainThrows) expect(() => parseShopifyJson(text)).toThrow(ShopifyJsonError);
        else expect(() => parseShopifyJson(text)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});

/** JSON.parse's result with integers that JSON.stringify writes as 16+ plain digits replaced by that text. */
function expectedFrom(value: unknown): unknown {
  if (typeof value === "number") {
    const text = JSON.stringify(value);
    return /^-?[1-9]\d{15,}$/.test(text) ? text : value;
  }
  if (Array.isArray(value)) return value.map(expectedFrom);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expectedFrom(v)]));
  }
  return value;
}
