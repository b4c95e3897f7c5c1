import { describe, expect, it } from "vitest";
import { ORDER_STATUSES } from "../kaleyra/statuses";
import { DEFAULT_TEMPLATES } from "../templates/defaults";
import { liveTemplateErrors, previewTemplate, templateFieldName } from "./template-editing";
import { nestTemplateFields, parseTemplatesForm } from "./templates";

/** The five templates as the page posts them (defaults, all switched on). */
function posted(changes: Record<string, string> = {}): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const status of ORDER_STATUSES) {
    fields[templateFieldName(status, "enabled")] = "true";
    fields[templateFieldName(status, "body")] = DEFAULT_TEMPLATES[status].body;
    fields[templateFieldName(status, "description")] = DEFAULT_TEMPLATES[status].description;
  }
  return { ...fields, ...changes };
}

describe("templates form", () => {
  it("GIVEN the defaults as posted WHEN parsed THEN all five come back as they are", () => {
    const parsed = parseTemplatesForm(posted());
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.templates.shipped).toEqual({ enabled: true, ...DEFAULT_TEMPLATES.shipped });
  });

  it("GIVEN a body posted with CRLF line breaks and a switch off WHEN parsed THEN LF is stored and the switch is off", () => {
    const parsed = parseTemplatesForm(posted({ "cancelled.body": "Hi\r\nBye {{order_name}}", "cancelled.enabled": "false" }));
    expect(parsed.ok && parsed.templates.cancelled).toEqual({
      enabled: false,
      body: "Hi\nBye {{order_name}}",
      description: DEFAULT_TEMPLATES.cancelled.description,
    });
  });

  it("GIVEN an unknown variable and a long description WHEN parsed THEN both are refused next to their fields", () => {
    const parsed = parseTemplatesForm(
      posted({ "processing.body": "Order {{order_number}} received", "shipped.description": "x".repeat(121) }),
    );
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(Object.keys(parsed.errors).sort()).toEqual(["processing.body", "shipped.description"]);
      expect(parsed.errors["processing.body"]).toMatch(/^Unknown variable \{\{order_number\}\}\. Use one of: \{\{customer_first_name\}\}/);
      expect(parsed.errors["shipped.description"]).toBe("The description is 121 characters long; the limit is 120.");
    }
  });

  it("GIVEN fields of an unknown status or without a status WHEN nested THEN they are dropped", () => {
    const nested = nestTemplateFields({ "shipped.body": "a", "returned.body": "b", body: "c", ".body": "d" });
    expect(nested.shipped).toEqual({ body: "a" });
    expect(Object.keys(nested).sort()).toEqual([...ORDER_STATUSES].sort());
  });

  it("GIVEN a missing status WHEN parsed THEN its body is refused as empty instead of being stored blank", () => {
    const fields = posted();
    delete fields["completed.body"];
    const parsed = parseTemplatesForm(fields);
    expect(!parsed.ok && parsed.errors["completed.body"]).toContain("The message body is empty");
  });
});

describe("template editing helpers", () => {
  it("GIVEN a template WHEN previewed THEN the sample order fills it under the shop's name", () => {
    expect(previewTemplate({ body: "{{shop_name}}: {{order_name}} for {{customer_first_name}}", description: "{{tracking_company}}" }, "Sunrise")).toEqual({
      text: "Sunrise: #1001 for Priya",
      description: "Blue Dart",
      omittedLinks: [],
    });
  });

  it("GIVEN a template being typed WHEN checked live THEN errors carry the form field names", () => {
    expect(liveTemplateErrors("shipped", { body: "Hi {{name}}", description: "" })).toEqual({
      "shipped.body": expect.stringContaining("Unknown variable {{name}}"),
    });
    expect(liveTemplateErrors("shipped", DEFAULT_TEMPLATES.shipped)).toEqual({});
  });
});
