import { describe, expect, it } from "vitest";
import { inUseFor, placeholderProblem, placeholdersIn } from "./whatsapp-templates";
import { parseWhatsAppTemplateForm } from "./whatsapp-templates.server";

/** A utility template for Shipped with two placeholders, as the page posts it. */
function posted(changes: Record<string, string> = {}): Record<string, string> {
  return {
    status: "shipped",
    kind: "utility",
    language: "en_US",
    name: "order_shipped",
    body: "Hi {{1}}, your order {{2}} has shipped.",
    "bodyParams.1": "customer_first_name",
    "bodyParams.2": "order_name",
    headerParam: "",
    buttonParam: "",
    ...changes,
  };
}

describe("parseWhatsAppTemplateForm", () => {
  it("GIVEN a complete mapping WHEN parsed THEN it comes back with one variable per placeholder and no header or button", () => {
    expect(parseWhatsAppTemplateForm(posted({ "bodyParams.3": "shop_name" }))).toEqual({
      ok: true,
      template: {
        id: undefined,
        status: "shipped",
        kind: "utility",
        language: "en_US",
        name: "order_shipped",
        body: "Hi {{1}}, your order {{2}} has shipped.",
        bodyParams: ["customer_first_name", "order_name"],
        headerParam: null,
        buttonParam: null,
      },
    });
  });

  it("GIVEN an edited template with CRLF lines, a header and a button WHEN parsed THEN its id, LF and both parameters are kept", () => {
    const parsed = parseWhatsAppTemplateForm(
      posted({ id: "t-1", body: "Hi {{1}}\r\nOrder {{2}}", headerParam: "order_name", buttonParam: "tracking_number" }),
    );
    expect(parsed).toMatchObject({ ok: true, template: { id: "t-1", body: "Hi {{1}}\nOrder {{2}}", headerParam: "order_name", buttonParam: "tracking_number" } });
  });

  it("GIVEN a body with {{1}} and {{3}} WHEN parsed THEN the body is refused for the gap", () => {
    const parsed = parseWhatsAppTemplateForm(posted({ body: "Hi {{1}}, order {{3}}" }));
    expect(parsed).toEqual({ ok: false, errors: { body: "Placeholders must run from {{1}} to {{2}} without gaps: {{2}} is missing." } });
  });

  it("GIVEN two placeholders with one mapped and one unknown WHEN parsed THEN each select has its own error", () => {
    expect(parseWhatsAppTemplateForm(posted({ body: "{{1}} {{2}} {{3}}", "bodyParams.2": "order_number" }))).toEqual({
      ok: false,
      errors: { "bodyParams.2": "Choose one of the app's variables.", "bodyParams.3": "Choose what fills {{3}}." },
    });
  });

  it("GIVEN a bad name, language, kind, status, header and body WHEN parsed THEN every field says what to fix", () => {
    const parsed = parseWhatsAppTemplateForm(
      posted({ name: "Order Shipped", language: "english", kind: "marketing", status: "lost", headerParam: "secret", body: "{{1}} {{3}}" }),
    );
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.errors).toEqual({
        name: "Use the approved name: lower-case letters, digits and _ only.",
        language: "Enter the language code as WhatsApp Manager shows it, such as en, en_US or pt_BR.",
        kind: "Choose the template's kind.",
        status: "Choose the order status this template is for.",
        headerParam: "Choose one of the app's variables.",
        body: "Placeholders must run from {{1}} to {{2}} without gaps: {{2}} is missing.",
      });
    }
  });

  it("GIVEN a wrong kind with a missing mapping, or no body at all WHEN parsed THEN each is reported without throwing", () => {
    expect(parseWhatsAppTemplateForm(posted({ kind: "marketing", "bodyParams.2": "" }))).toEqual({
      ok: false,
      errors: { kind: "Choose the template's kind.", "bodyParams.2": "Choose what fills {{2}}." },
    });
    const { body: _body, ...withoutBody } = posted();
    expect(parseWhatsAppTemplateForm(withoutBody)).toEqual({ ok: false, errors: { body: "Paste the template's body as approved." } });
  });

  it("GIVEN a body over 1,024 characters, an empty body and a 513-character name WHEN parsed THEN the limits are named", () => {
    expect(parseWhatsAppTemplateForm(posted({ body: `{{1}}{{2}}${"x".repeat(1015)}` })).ok).toBe(false);
    expect(parseWhatsAppTemplateForm(posted({ body: `{{1}}{{2}}${"x".repeat(1014)}` })).ok).toBe(true);
    expect(parseWhatsAppTemplateForm(posted({ body: "  " }))).toEqual({ ok: false, errors: { body: "Paste the template's body as approved." } });
    expect(parseWhatsAppTemplateForm(posted({ name: "a".repeat(513) }))).toEqual({ ok: false, errors: { name: "Use at most 512 characters." } });
  });

  it("GIVEN an order-status template with a button parameter WHEN parsed THEN the button is refused (Meta's button carries the order)", () => {
    expect(parseWhatsAppTemplateForm(posted({ kind: "order_status", buttonParam: "tracking_url" }))).toMatchObject({
      ok: false,
      errors: { buttonParam: expect.stringContaining("Leave it empty") },
    });
  });

  it("GIVEN a body with no placeholders WHEN parsed THEN it is valid with no body parameters", () => {
    expect(parseWhatsAppTemplateForm(posted({ body: "Your order has shipped." }))).toMatchObject({ ok: true, template: { bodyParams: [] } });
  });
});

describe("placeholders", () => {
  it("GIVEN repeated and unordered placeholders WHEN read THEN the distinct numbers come back ascending", () => {
    expect(placeholdersIn("{{2}} and {{1}} and {{2}} again")).toEqual([1, 2]);
    expect(placeholderProblem("{{2}} and {{1}} and {{2}} again")).toBeUndefined();
  });

  it("GIVEN a body starting at {{2}} or using a named placeholder WHEN checked THEN each is explained", () => {
    expect(placeholderProblem("Hi {{2}}")).toBe("Placeholders must run from {{1}} to {{1}} without gaps: {{1}} is missing.");
    expect(placeholderProblem("Hi {{order_name}}")).toContain("{{order_name}} is not one");
  });
});

describe("inUseFor", () => {
  it("GIVEN a utility template with and without an order-status one beside it WHEN described THEN it says which orders it serves", () => {
    const utility = { kind: "utility", status: "shipped" };
    expect(inUseFor(utility, [utility])).toContain("and of WhatsApp orders outside the 24-hour window");
    expect(inUseFor(utility, [utility, { kind: "order_status", status: "shipped" }])).toBe("“Shipped” updates of orders not placed in WhatsApp.");
    expect(inUseFor({ kind: "order_status", status: "completed" }, [])).toContain("“Delivered” updates of orders placed in WhatsApp");
  });
});
