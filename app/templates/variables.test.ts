import { describe, expect, it } from "vitest";
import { ORDER_STATUSES } from "../kaleyra/statuses";
import { DEFAULT_TEMPLATES } from "./defaults";
import { isTemplateVariable, SAMPLE_VALUES, TEMPLATE_VARIABLES, TEMPLATE_VARIABLE_NAMES, variablesIn } from "./variables";

describe("template variables", () => {
  it("GIVEN the variable list THEN it has the seven variables of the requirement, each with a label and a sample", () => {
    expect(TEMPLATE_VARIABLE_NAMES).toEqual([
      "customer_first_name",
      "order_name",
      "shop_name",
      "tracking_company",
      "tracking_number",
      "tracking_url",
      "order_status_url",
    ]);
    for (const v of TEMPLATE_VARIABLES) {
      expect(v.label.trim()).not.toBe("");
      expect(SAMPLE_VALUES[v.name]).toBe(v.sample);
      expect(v.sample.trim()).not.toBe("");
    }
  });

  it("GIVEN text with variables WHEN scanned THEN each use is found with its trimmed name", () => {
    expect(variablesIn("{{a}} {{ order_name }} {{}} {x} {{ b c }}")).toEqual([
      { token: "{{a}}", name: "a" },
      { token: "{{ order_name }}", name: "order_name" },
      { token: "{{}}", name: "" },
      { token: "{{ b c }}", name: "b c" },
    ]);
    expect(isTemplateVariable("order_name")).toBe(true);
    expect(isTemplateVariable("Order_Name")).toBe(false);
  });

  it("GIVEN the defaults THEN there is one for every status and they only use known variables", () => {
    expect(Object.keys(DEFAULT_TEMPLATES).sort()).toEqual([...ORDER_STATUSES].sort());
    for (const status of ORDER_STATUSES) {
      const { body, description } = DEFAULT_TEMPLATES[status];
      for (const use of [...variablesIn(body), ...variablesIn(description)]) expect(isTemplateVariable(use.name)).toBe(true);
    }
  });
});
