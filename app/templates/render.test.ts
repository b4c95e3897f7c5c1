import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { atLimit, SCRIPT_SAMPLES, type ScriptName } from "../kaleyra/__fixtures__/scripts";
import { fits, LIMITS, strictLength } from "../kaleyra/limits";
import { ORDER_STATUSES } from "../kaleyra/statuses";
import { fulfillmentPayload, LINE_A, LINE_B, orderPayload } from "../orders/__fixtures__/lifecycle";
import { applyFulfillment, applyOrder, type OrderKnowledge } from "../orders/knowledge";
import { parseFulfillmentPayload, parseOrderPayload } from "../orders/payloads";
import { DEFAULT_TEMPLATES, RECIPIENT_TEMPLATES } from "./defaults";
import { renderField, renderMessage, renderWithin, templateValuesFor } from "./render";
import { validateTemplate } from "./validate";
import { SAMPLE_VALUES, TEMPLATE_VARIABLE_NAMES } from "./variables";

const NO_TRACKING = { ...SAMPLE_VALUES, tracking_company: "", tracking_number: null, tracking_url: undefined };
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const graphemes = (text: string) => [...new Intl.Segmenter("en", { granularity: "grapheme" }).segment(text)].map((s) => s.segment);

describe("renderMessage with the default templates", () => {
  it.each(ORDER_STATUSES)("GIVEN the sample order WHEN %s renders THEN it is within limits with every variable filled", (status) => {
    const { text, description } = renderMessage(DEFAULT_TEMPLATES[status], SAMPLE_VALUES);
    expect(fits(text, LIMITS.bodyText)).toBe(true);
    expect(fits(description, LIMITS.description)).toBe(true);
    expect(text).not.toMatch(/[{}]/);
    expect(text).toContain("#1001");
    expect(description).toContain("#1001");
  });

  it("GIVEN the sample order WHEN shipped renders THEN the shopper reads a friendly message with tracking", () => {
    expect(renderMessage(DEFAULT_TEMPLATES.shipped, SAMPLE_VALUES)).toEqual({
      text: [
        "Hi Priya,",
        "Good news: your order #1001 from Sunrise Ceramics is on its way.",
        "Carrier: Blue Dart",
        "Tracking number: BD123456789IN",
        "Track it here: https://bluedart.com/track?awb=BD123456789IN",
      ].join("\n"),
      description: "Your order #1001 is on its way.",
      omittedLinks: [],
    });
  });

  it("GIVEN no tracking at all WHEN shipped renders THEN the tracking lines are dropped cleanly", () => {
    const { text } = renderMessage(DEFAULT_TEMPLATES.shipped, NO_TRACKING);
    expect(text).toBe("Hi Priya,\nGood news: your order #1001 from Sunrise Ceramics is on its way.");
    expect(text).not.toMatch(/Carrier|Tracking|:\s*$|with :/m);
  });

  it("GIVEN only a tracking number WHEN partially_shipped renders THEN only that tracking line stays", () => {
    const { text } = renderMessage(DEFAULT_TEMPLATES.partially_shipped, { ...NO_TRACKING, tracking_number: "JD0001" });
    expect(text.split("\n")).toEqual([
      "Hi Priya,",
      "Part of your order #1001 from Sunrise Ceramics is on its way. We'll send the rest as soon as it's ready.",
      "Tracking number: JD0001",
    ]);
  });

  it("GIVEN no first name WHEN rendered THEN the greeting line is dropped, not left as 'Hi ,'", () => {
    const { text } = renderMessage(DEFAULT_TEMPLATES.completed, { ...SAMPLE_VALUES, customer_first_name: "  " });
    expect(text.startsWith("Your order #1001 from Sunrise Ceramics has been delivered.")).toBe(true);
    expect(text).not.toContain("Hi");
  });

  it("GIVEN a 5,000-character shop name WHEN rendered THEN the body is at most 1,024 and only the shop name is shortened", () => {
    const shop = "S".repeat(5_000);
    const { text, description } = renderMessage(DEFAULT_TEMPLATES.shipped, { ...SAMPLE_VALUES, shop_name: shop });
    expect(strictLength(text)).toBe(LIMITS.bodyText); // shortened exactly as far as needed
    expect(text.startsWith("Hi Priya,\nGood news: your order #1001 from SSS")).toBe(true);
    expect(text).toMatch(/S… is on its way\.\nCarrier: Blue Dart\nTracking number: BD123456789IN\nTrack it here: https:\/\/bluedart\.com\/track\?awb=BD123456789IN$/);
    expect(description).toBe("Your order #1001 is on its way.");
  });

  it("GIVEN a huge order name WHEN rendered THEN the description is at most 120 and ends its sentence", () => {
    const { description } = renderMessage(DEFAULT_TEMPLATES.shipped, { ...SAMPLE_VALUES, order_name: "#".repeat(500) });
    expect(strictLength(description)).toBe(LIMITS.description);
    expect(description).toMatch(/^Your order #+… is on its way\.$/);
  });

  it("GIVEN a shop name of 2,000 emoji with skin tone WHEN rendered THEN each counts by its UTF-16 units and none is split", () => {
    const emoji = "👩🏽‍💻";
    const { text } = renderMessage(DEFAULT_TEMPLATES.shipped, { ...SAMPLE_VALUES, shop_name: emoji.repeat(2_000) });
    expect(fits(text, LIMITS.bodyText)).toBe(true);
    expect(strictLength(text)).toBeGreaterThan(LIMITS.bodyText - emoji.length); // shortened no further than needed
    const shopPart = text.slice(text.indexOf("from ") + 5, text.indexOf("…"));
    expect(new Set(graphemes(shopPart))).toEqual(new Set([emoji]));
  });

  it.each(Object.keys(SCRIPT_SAMPLES) as ScriptName[])(
    "GIVEN a %s shop name as long as the body WHEN rendered THEN the body fits all three counts, the link stays whole and no grapheme is split",
    (script) => {
      const shopName = atLimit(script, LIMITS.bodyText);
      const { text, omittedLinks } = renderMessage(DEFAULT_TEMPLATES.shipped, { ...SAMPLE_VALUES, shop_name: shopName });
      expect(fits(text, LIMITS.bodyText)).toBe(true);
      expect(strictLength(text)).toBeGreaterThan(LIMITS.bodyText - 12); // no grapheme of these samples is 12 units long
      expect(text).toContain(`Track it here: ${SAMPLE_VALUES.tracking_url}`);
      expect(omittedLinks).toEqual([]);
      const shopPart = text.slice(text.indexOf("from ") + 5, text.indexOf("…"));
      expect(shopName.startsWith(shopPart)).toBe(true);
      expect(graphemes(shopPart)).toEqual(graphemes(shopName).slice(0, graphemes(shopPart).length));
    },
  );
});

describe("links are never shortened", () => {
  const longUrl = (length: number) => `https://track.example/${"p".repeat(length - 22)}`;

  it("GIVEN a long tracking link and a long shop name WHEN they cannot both fit THEN the shop name gives way and the link stays whole", () => {
    const url = longUrl(600);
    const out = renderField(DEFAULT_TEMPLATES.shipped.body, { ...SAMPLE_VALUES, shop_name: "S".repeat(900), tracking_url: url }, LIMITS.bodyText);
    expect(strictLength(out.text)).toBe(LIMITS.bodyText);
    expect(out.text).toContain(`Track it here: ${url}`);
    expect(out.text).toMatch(/from S+… is on its way/);
    expect(out.omittedLinks).toEqual([]);
  });

  it("GIVEN a tracking link longer than the body WHEN rendered THEN its line is dropped whole and the link is kept for the log", () => {
    const url = longUrl(1_100);
    const out = renderField(DEFAULT_TEMPLATES.shipped.body, { ...SAMPLE_VALUES, tracking_url: url }, LIMITS.bodyText);
    expect(out.text).toBe(
      "Hi Priya,\nGood news: your order #1001 from Sunrise Ceramics is on its way.\nCarrier: Blue Dart\nTracking number: BD123456789IN",
    );
    expect(out.omittedLinks).toEqual([url]);
  });

  it("GIVEN two links that cannot both fit WHEN rendered THEN the line of the longer goes and the shorter stays whole", () => {
    const template = "Your order {{order_name}}\nTrack: {{tracking_url}}\nOrder page: {{order_status_url}}";
    const values = { order_name: "#1", tracking_url: longUrl(70), order_status_url: longUrl(60) };
    const out = renderField(template, values, 100);
    expect(out.text).toBe(`Your order #1\nOrder page: ${values.order_status_url}`);
    expect(out.omittedLinks).toEqual([values.tracking_url]);
  });

  it("GIVEN a description holding only a link line that cannot fit WHEN rendered THEN the link is left out, not cut", () => {
    const url = longUrl(200);
    const out = renderField("Track: {{tracking_url}}", { tracking_url: url }, LIMITS.description);
    expect(out).toEqual({ text: "Track:", omittedLinks: [url] });
  });

  it("GIVEN a template whose own text holds a link and is too long WHEN cut THEN the cut stops before the link", () => {
    const out = renderWithin(`${"x".repeat(90)} see https://shop.example/help for help`, {}, 100);
    expect(out).toBe(`${"x".repeat(90)} see…`);
  });

  it("PROPERTY: any text the app accepts renders within all three counts, with no grapheme split and every link whole or left out", () => {
    const script = fc.constantFrom(...Object.values(SCRIPT_SAMPLES));
    const names = TEMPLATE_VARIABLE_NAMES;
    const piece = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 30 }),
      script,
      fc.constantFrom(...names).map((n) => `{{ ${n} }}`),
      fc.constantFrom("\n", "\n\n", " ", ": ", "👩🏽‍💻", "e\u0301"),
    );
    const text = fc.oneof(fc.constant(""), fc.string({ unit: "grapheme", maxLength: 80 }), script, fc.string({ unit: "grapheme", minLength: 200, maxLength: 1_500 }));
    // A link carries a marker found nowhere else, so any piece of it in the output is found.
    const link = (marker: string) =>
      fc.oneof(fc.constant(""), fc.integer({ min: 30, max: 1_200 }).map((n) => `https://${marker}.example/${"q".repeat(n)}`));
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 1, maxLength: 40 }).map((parts) => parts.join("")),
        fc.array(piece, { maxLength: 5 }).map((parts) => parts.join("")),
        fc.record({ customer_first_name: text, order_name: text, shop_name: text, tracking_company: text, tracking_number: text }, { requiredKeys: [] }),
        link("zqtrackzq"),
        link("zqstatuszq"),
        (body, description, values, trackingUrl, statusUrl) => {
          const template = { body, description };
          // Only what the validator lets a merchant save is rendered for real.
          fc.pre(validateTemplate(template).ok);
          const out = renderMessage(template, { ...values, tracking_url: trackingUrl, order_status_url: statusUrl });
          for (const [rendered, limit] of [[out.text, LIMITS.bodyText], [out.description, LIMITS.description]] as const) {
            expect(Math.max(graphemes(rendered).length, [...rendered].length, rendered.length)).toBeLessThanOrEqual(limit);
            expect(rendered).not.toMatch(LONE_SURROGATE);
            for (const [url, marker] of [[trackingUrl, "zqtrackzq"], [statusUrl, "zqstatuszq"]] as const) {
              if (rendered.includes(marker)) expect(rendered).toContain(url);
            }
          }
          for (const url of out.omittedLinks) expect([trackingUrl, statusUrl]).toContain(url);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("renderWithin rules", () => {
  it("GIVEN spaces inside the braces THEN the variable is still filled", () => {
    expect(renderWithin("Order {{ order_name }} / {{order_name  }}", { order_name: "#7" }, 100)).toBe("Order #7 / #7");
  });

  it("GIVEN a value that looks like a variable or holds line breaks THEN it is inserted literally, on one line", () => {
    expect(renderWithin("Shop: {{shop_name}}\nEnd", { shop_name: "{{order_name}}\r\nLtd" }, 100)).toBe("Shop: {{order_name}} Ltd\nEnd");
    expect(renderWithin("{{shop_name}}", { shop_name: "$& $1 $$" }, 100)).toBe("$& $1 $$");
  });

  it("GIVEN an unknown variable THEN it renders empty (validation refuses it earlier)", () => {
    expect(renderWithin("Hello {{nope}}!\nBye", {}, 100)).toBe("Bye");
  });

  it("GIVEN some but not all variables of a line empty THEN the line stays, without double spaces or a space before punctuation", () => {
    expect(renderWithin("Hi {{customer_first_name}}, your order {{order_name}} is ready.", { order_name: "#9" }, 100)).toBe(
      "Hi, your order #9 is ready.",
    );
  });

  it("GIVEN every line would be dropped THEN the lines stay with empty values rather than an empty message", () => {
    expect(renderWithin("Track: {{tracking_url}}", {}, 100)).toBe("Track:");
  });

  it("GIVEN dropped lines between paragraphs THEN no run of blank lines is left", () => {
    const template = "Hi\n\n{{tracking_url}}\n\nBye\n{{tracking_number}}";
    expect(renderWithin(template, {}, 100)).toBe("Hi\n\nBye");
  });

  it("GIVEN lines without variables THEN they are kept exactly, blank lines included", () => {
    expect(renderWithin("A\n\n\nB  C", {}, 100)).toBe("A\n\n\nB  C");
  });

  it("GIVEN a template whose own text is too long THEN the text is cut with an ellipsis as a last resort", () => {
    const out = renderWithin("x".repeat(2_000), {}, LIMITS.bodyText);
    expect(out).toBe(`${"x".repeat(1_023)}…`);
  });

  it("GIVEN two long values THEN the longest is shortened first and the shorter one stays whole", () => {
    const values = { shop_name: "S".repeat(300), tracking_url: `https://t.example/${"u".repeat(40)}` };
    const out = renderWithin("{{shop_name}} {{tracking_url}}", values, 120);
    expect(strictLength(out)).toBe(120);
    expect(out.endsWith(` ${values.tracking_url}`)).toBe(true);
  });

  it("PROPERTY: whatever the template and values, the output fits its limit and never splits a grapheme", () => {
    const names = [...TEMPLATE_VARIABLE_NAMES, "unknown"];
    const piece = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 30 }),
      fc.constantFrom(...names).map((n) => `{{ ${n} }}`),
      fc.constantFrom("\n", "\n\n", " ", ": ", "👩🏽‍💻", "e\u0301"),
    );
    const value = fc.oneof(fc.constant(""), fc.string({ unit: "grapheme", maxLength: 80 }), fc.string({ unit: "grapheme", minLength: 200, maxLength: 1_500 }));
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 40 }).map((parts) => parts.join("")),
        fc.dictionary(fc.constantFrom(...TEMPLATE_VARIABLE_NAMES), value),
        fc.constantFrom(LIMITS.bodyText, LIMITS.description, 10),
        (template, values, limit) => {
          const out = renderWithin(template, values, limit);
          expect(fits(out, limit)).toBe(true);
          expect(out).not.toMatch(LONE_SURROGATE);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("PROPERTY: a shortened value is cut between graphemes, in any script", () => {
    // Without line breaks and tabs, which the renderer turns into spaces before anything else.
    const value = fc.oneof(
      fc.string({ unit: "grapheme", minLength: 60, maxLength: 300 }).filter((s) => !/[\r\n\t\v\f\u0085\u2028\u2029]/.test(s)),
      fc.constantFrom(...Object.values(SCRIPT_SAMPLES)).map((sample) => sample.repeat(3)),
    );
    fc.assert(
      fc.property(value, fc.integer({ min: 20, max: 120 }), (shopName, limit) => {
        const out = renderWithin("A {{shop_name}} B", { shop_name: shopName }, limit);
        expect(fits(out, limit)).toBe(true);
        if (!out.includes("…")) return;
        const kept = out.slice(2, out.lastIndexOf("…"));
        const whole = graphemes(shopName.trim());
        expect(graphemes(kept)).toEqual(whole.slice(0, graphemes(kept).length));
      }),
      { numRuns: 500 },
    );
  });

  it("PROPERTY: when everything fits, every value appears whole", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== "" && !/[\n\r\t\v\f\u0085\u2028\u2029]/.test(s)), (name) => {
        const out = renderWithin("Order {{order_name}} is ready", { order_name: name }, LIMITS.bodyText);
        expect(out).toBe(`Order ${name.trim()} is ready`);
      }),
      { numRuns: 200 },
    );
  });
});

describe("templateValuesFor", () => {
  function knowledge(): OrderKnowledge {
    const order = parseOrderPayload(orderPayload());
    if (!order.ok) throw new Error(order.reason);
    let k = applyOrder(undefined, order.value);
    for (const spec of [
      { id: "5001", status: "success", lines: [[LINE_A, 2]] as Array<[string, number]>, created: 10, tracking: { company: "DHL", number: "JD1", url: "https://dhl.example/JD1" } },
      { id: "5002", status: "success", lines: [[LINE_B, 1]] as Array<[string, number]>, created: 20, tracking: { company: "UPS", number: "1Z2", url: null } },
      { id: "5003", status: "cancelled", lines: [[LINE_B, 1]] as Array<[string, number]>, created: 30 },
    ]) {
      const f = parseFulfillmentPayload(fulfillmentPayload(spec));
      if (!f.ok) throw new Error(f.reason);
      k = applyFulfillment(k, f.value);
    }
    return k;
  }

  it("GIVEN a fulfillment id WHEN values are built THEN tracking comes from that fulfillment", () => {
    expect(templateValuesFor(knowledge(), { shopName: "Sunrise", fulfillmentId: "5001" })).toEqual({
      customer_first_name: "John",
      order_name: "#1001",
      shop_name: "Sunrise",
      tracking_company: "DHL",
      tracking_number: "JD1",
      tracking_url: "https://dhl.example/JD1",
      order_status_url: "https://jsmith.myshopify.com/548380009/orders/123456abcd/authenticate?key=abcdefg",
    });
  });

  it("GIVEN no fulfillment id WHEN values are built THEN the latest successful fulfillment gives tracking; a missing url is empty", () => {
    expect(templateValuesFor(knowledge(), { shopName: "Sunrise" })).toMatchObject({ tracking_company: "UPS", tracking_number: "1Z2", tracking_url: "" });
  });

  it("GIVEN an order with no fulfillment WHEN shipped renders THEN no tracking line appears", () => {
    const order = parseOrderPayload(orderPayload());
    if (!order.ok) throw new Error(order.reason);
    const values = templateValuesFor(applyOrder(undefined, order.value), { shopName: "Sunrise" });
    expect(renderMessage(DEFAULT_TEMPLATES.shipped, values).text).toBe("Hi John,\nGood news: your order #1001 from Sunrise is on its way.");
  });
});

describe("the gift recipient's built-in wordings", () => {
  it.each(Object.entries(RECIPIENT_TEMPLATES))(
    "GIVEN %s WHEN rendered with sample values THEN it is valid, speaks to the recipient, and carries no link to the buyer's order page",
    (_wording, template) => {
      expect(validateTemplate(template).ok).toBe(true);
      const rendered = renderMessage(template, SAMPLE_VALUES);
      expect(rendered.text).toMatch(/order from .+ (is|has|that)/i);
      expect(`${rendered.text}\n${rendered.description}`).not.toMatch(/\byour order\b/i);
      expect(`${template.body}${template.description}`).not.toMatch(/order_status_url|customer_first_name/);
    },
  );
});
