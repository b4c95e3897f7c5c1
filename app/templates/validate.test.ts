import { describe, expect, it } from "vitest";
import { ORDER_STATUSES } from "../kaleyra/statuses";
import { atLimit, SCRIPT_SAMPLES, type ScriptName } from "../kaleyra/__fixtures__/scripts";
import { LIMITS } from "../kaleyra/limits";
import { DEFAULT_TEMPLATES } from "./defaults";
import { counterText } from "./length-words";
import { validateTemplate } from "./validate";

const KNOWN =
  "{{customer_first_name}}, {{order_name}}, {{shop_name}}, {{tracking_company}}, {{tracking_number}}, {{tracking_url}}, {{order_status_url}}";

describe("validateTemplate", () => {
  it.each(ORDER_STATUSES)("GIVEN the default %s template THEN it is valid", (status) => {
    expect(validateTemplate(DEFAULT_TEMPLATES[status])).toEqual({ ok: true, errors: [] });
  });

  it("GIVEN an unknown variable THEN the body error names it and lists the known ones", () => {
    expect(validateTemplate({ body: "Order {{order_number}} shipped", description: "" })).toEqual({
      ok: false,
      errors: [{ field: "body", message: `Unknown variable {{order_number}}. Use one of: ${KNOWN}.` }],
    });
  });

  it("GIVEN several unknown variables, one only miscased THEN each is named once, with a suggestion", () => {
    const result = validateTemplate({ body: "Hi", description: "{{ Order_Name }} {{foo}} {{foo}}" });
    expect(result.errors).toEqual([
      { field: "description", message: `Unknown variables {{Order_Name}} (did you mean {{order_name}}?), {{foo}}. Use one of: ${KNOWN}.` },
    ]);
  });

  it("GIVEN spaces inside the braces THEN known variables are accepted", () => {
    expect(validateTemplate({ body: "Order {{ order_name }} from {{shop_name  }}", description: "{{ order_name}}" }).ok).toBe(true);
  });

  it("GIVEN an empty or blank body THEN the body error says so", () => {
    expect(validateTemplate({ body: " \n ", description: "x" }).errors).toEqual([
      { field: "body", message: "The message body is empty. Write the text the shopper will receive." },
    ]);
  });

  it("GIVEN a body made only of variables THEN it is refused, since it could render empty", () => {
    expect(validateTemplate({ body: "{{tracking_url}}\n{{order_status_url}}", description: "" }).errors).toEqual([
      { field: "body", message: "Add some text besides the variables, so that the message is never empty." },
    ]);
  });

  it("GIVEN a body of 1,025 characters THEN it is too long; 1,024 are not", () => {
    expect(validateTemplate({ body: "a".repeat(1_025), description: "" }).errors).toEqual([
      { field: "body", message: "The body is 1,025 characters long; the limit is 1,024." },
    ]);
    expect(validateTemplate({ body: "a".repeat(1_024), description: "" }).ok).toBe(true);
  });

  it("GIVEN 1,024 emoji with skin tone THEN they are too long as WhatsApp may count them, and the error says which count and what the merchant sees", () => {
    expect(validateTemplate({ body: "👍🏽".repeat(1_024), description: "" }).errors).toEqual([
      {
        field: "body",
        message:
          "The body is 4,096 characters long as WhatsApp may count them (in UTF-16 units, where most emoji count 2 or more; you see 1,024); the limit is 1,024.",
      },
    ]);
    expect(validateTemplate({ body: "👍🏽".repeat(256), description: "" }).ok).toBe(true);
  });

  it.each(Object.keys(SCRIPT_SAMPLES) as ScriptName[])("GIVEN a %s body at the strict limit THEN it is accepted, and one more letter is refused", (script) => {
    const body = atLimit(script, LIMITS.bodyText);
    expect(validateTemplate({ body, description: "" }).ok).toBe(true);
    const [error] = validateTemplate({ body: `${body}क`, description: "" }).errors;
    expect(error?.message).toMatch(/^The body is 1,025 characters long as WhatsApp may count them \((in code points|in UTF-16 units)/);
  });
  it("GIVEN a description of 121 characters THEN the description error gives both numbers", () => {
    expect(validateTemplate({ body: "Hello", description: "d".repeat(121) }).errors).toEqual([
      { field: "description", message: "The description is 121 characters long; the limit is 120." },
    ]);
  });

  it("GIVEN a variable with a missing brace THEN it is refused with how to write it", () => {
    expect(validateTemplate({ body: "Order {{order_name} shipped", description: "" }).errors).toEqual([
      { field: "body", message: "A variable is not written correctly: write variables with double braces, like {{order_name}}." },
    ]);
  });

  it("GIVEN problems in both fields THEN every error carries its field", () => {
    const result = validateTemplate({ body: "", description: `{{x}}${"d".repeat(130)}` });
    expect(result.ok).toBe(false);
    expect(result.errors.map((e) => e.field)).toEqual(["body", "description", "description"]);
  });
});

describe("counterText: the counter under a field", () => {
  it("GIVEN a text whose readings agree THEN the counter shows one count", () => {
    expect(counterText("Hello", 1_024)).toBe("5 of 1,024 characters");
  });

  it("GIVEN Hindi at the limit THEN the counter shows the binding count, names it, and says what the merchant sees", () => {
    const body = atLimit("hindi", LIMITS.bodyText);
    const seen = [...new Intl.Segmenter("en", { granularity: "grapheme" }).segment(body)].length;
    expect(counterText(body, LIMITS.bodyText)).toBe(
      `1,024 of 1,024 characters as WhatsApp may count them (in code points, where accents and vowel signs count apart; you see ${seen})`,
    );
  });

  it("GIVEN emoji THEN the counter counts UTF-16 units and says so", () => {
    expect(counterText("👍🏽👍🏽", 120)).toBe("8 of 120 characters as WhatsApp may count them (in UTF-16 units, where most emoji count 2 or more; you see 2)");
  });
});
