import { describe, expect, it } from "vitest";
import { parseBodyParams, previewTemplate, templateParamsFor } from "./approved";
import { SAMPLE_VALUES } from "./variables";

describe("parseBodyParams", () => {
  it("GIVEN stored JSON that is broken, not a list or not of names WHEN read THEN none, without throwing", () => {
    expect(parseBodyParams({ bodyParams: '["order_name","shop_name"]' })).toEqual(["order_name", "shop_name"]);
    for (const stored of ["{not json", '{"a":1}', "[1,2]", "null", ""]) expect(parseBodyParams({ bodyParams: stored })).toEqual([]);
  });
});

describe("templateParamsFor", () => {
  it("GIVEN values with a blank, a missing and a multi-line one WHEN filled THEN blanks are '-' and lines are folded", () => {
    const record = { bodyParams: '["customer_first_name","order_name","shop_name","nope"]', headerParam: "order_name", buttonParam: "tracking_number" };
    expect(templateParamsFor(record, { customer_first_name: "  ", order_name: "#1001", shop_name: "Sunrise\nCeramics" })).toEqual({
      body: ["-", "#1001", "Sunrise Ceramics", "-"],
      header: "#1001",
      button: "-",
    });
  });

  it("GIVEN no header or button and broken stored params WHEN filled THEN only an empty body", () => {
    expect(templateParamsFor({ bodyParams: "oops", headerParam: null, buttonParam: null }, SAMPLE_VALUES)).toEqual({ body: [] });
  });
});

describe("previewTemplate", () => {
  it("GIVEN mapped and unmapped placeholders WHEN previewed THEN mapped ones show the sample values and the rest stay as typed", () => {
    expect(previewTemplate("Hi {{1}}, order {{2}} ({{3}})", ["customer_first_name", "order_name"], SAMPLE_VALUES)).toBe("Hi Priya, order #1001 ({{3}})");
  });
});
