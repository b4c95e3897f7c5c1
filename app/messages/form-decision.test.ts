import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decideForm, type FormFacts } from "./form-decision";

/**
 * The README's table is the decision's specification: each row is read from README.md, its
 * "–" cells expanded to every value, and the code must give the outcome of the first row that
 * matches, for every combination of the facts.
 */
const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

function tableRows(): string[][] {
  const start = README.indexOf("<!-- form-decision-table -->");
  const end = README.indexOf("<!-- /form-decision-table -->");
  if (start < 0 || end < start) throw new Error("the README has no form-decision table");
  return README.slice(start, end)
    .split("\n")
    .filter((line) => line.startsWith("| ") && !line.startsWith("| Consent"))
    .map((line) => line.split("|").slice(1, -1).map((cell) => cell.trim()));
}

const yesNo = (cell: string): boolean[] => (cell === "–" ? [true, false] : [cell === "yes"]);
const CONSENTS: Record<string, FormFacts["consent"][]> = {
  "opted out": ["opted_out"],
  none: [null],
  "opted in": ["opted_in"],
  "opted in or none": ["opted_in", null],
  "–": ["opted_in", "opted_out", null],
};
const POLICIES: Record<string, FormFacts["policy"][]> = { everyone: ["everyone"], "opted in only": ["opted_in"], "–": ["everyone", "opted_in"] };
const FORCED: Record<string, FormFacts["forced"][]> = {
  auto: ["auto"],
  interactive: ["interactive"],
  template: ["template"],
  "–": ["auto", "interactive", "template"],
};
const OUTCOMES: Record<string, (choice: ReturnType<typeof decideForm>) => boolean> = {
  interactive: (c) => c.send && c.form === "interactive",
  "order-status template": (c) => c.send && c.form === "order_status_template",
  "utility template": (c) => c.send && c.form === "template",
  "skipped: opted out": (c) => !c.send && c.reason.includes("opted out"),
  "skipped: not opted in": (c) => !c.send && c.reason.includes("only to shoppers who opted in"),
  "skipped: no template": (c) => !c.send && c.reason.includes("no approved template") && c.reason.includes("add it in Templates"),
};

function expand(row: string[]): FormFacts[] {
  const [consent, policy, forced, born, window, orderStatus, utility] = row as [string, string, string, string, string, string, string];
  const facts: FormFacts[] = [];
  for (const c of CONSENTS[consent]!)
    for (const p of POLICIES[policy]!)
      for (const f of FORCED[forced]!)
        for (const b of yesNo(born))
          for (const w of yesNo(window))
            for (const o of yesNo(orderStatus))
              for (const u of yesNo(utility))
                facts.push({ status: "shipped", consent: c, policy: p, forced: f, whatsappBorn: b, windowOpen: w, hasOrderStatusTemplate: o, hasUtilityTemplate: u });
  return facts;
}

describe("the form decision, row by row from the README's table", () => {
  const rows = tableRows();

  it("Given the README, Then its table has every rule's rows and only known cells", () => {
    expect(rows.length).toBeGreaterThanOrEqual(13);
    for (const row of rows) {
      expect(row).toHaveLength(8);
      expect(OUTCOMES[row[7]!], `outcome "${row[7]}"`).toBeDefined();
    }
  });

  const firstRowOf = (facts: FormFacts) => rows.find((r) => expand(r).some((f) => JSON.stringify(f) === JSON.stringify(facts)));

  it.each(tableRows().map((row) => [row.join(" | "), row] as const))("Row %s: every case it decides gives its outcome", (_name, row) => {
    const decided = expand([...row]).filter((facts) => firstRowOf(facts)?.join() === row.join());
    expect(decided.length, "a row that decides nothing is dead").toBeGreaterThan(0);
    for (const facts of decided) expect(OUTCOMES[row[7]!]!(decideForm(facts)), JSON.stringify({ facts, got: decideForm(facts) })).toBe(true);
  });

  it("Given every combination of the facts, Then exactly the first matching row decides it (the table leaves no case out)", () => {
    const everything = expand(["–", "–", "–", "–", "–", "–", "–"]);
    for (const facts of everything) {
      const row = firstRowOf(facts);
      expect(row, `no README row covers ${JSON.stringify(facts)}`).toBeDefined();
      expect(OUTCOMES[row![7]!]!(decideForm(facts)), JSON.stringify(facts)).toBe(true);
    }
  });

  it("Given a skipped message for want of a template, Then its reason names the status and the fix", () => {
    const choice = decideForm({ status: "partially_shipped", consent: null, policy: "everyone", forced: "auto", whatsappBorn: false, windowOpen: false, hasOrderStatusTemplate: false, hasUtilityTemplate: false });
    expect(choice).toEqual({ send: false, reason: expect.stringContaining('approve a utility template for "Partially shipped"') });
  });

  it("Given a message sent, Then the reason says why that form (the log shows it)", () => {
    const choice = decideForm({ status: "shipped", consent: null, policy: "everyone", forced: "auto", whatsappBorn: true, windowOpen: true, hasOrderStatusTemplate: true, hasUtilityTemplate: true });
    expect(choice).toEqual({ send: true, form: "interactive", reason: "ordered in WhatsApp, and the shopper wrote within 24 hours" });
  });
});

describe("a template asked for by name (Shopify Flow's override)", () => {
  const facts = (changes: Partial<FormFacts>): FormFacts => ({
    status: "shipped",
    consent: null,
    policy: "everyone",
    forced: "interactive",
    whatsappBorn: false,
    windowOpen: true,
    hasOrderStatusTemplate: false,
    hasUtilityTemplate: true,
    requestedTemplate: "delay_notice",
    ...changes,
  });

  it("Given a utility template of that name, When the shop sends the interactive message always, Then that template goes, saying Flow asked", () => {
    expect(decideForm(facts({}))).toEqual({ send: true, form: "template", reason: 'Shopify Flow asked for the template "delay_notice"' });
  });

  it("Given Meta's order-status template of that name, Then a WhatsApp order takes it and any other order is skipped, saying why", () => {
    const orderStatus = { hasOrderStatusTemplate: true, hasUtilityTemplate: false };
    expect(decideForm(facts({ ...orderStatus, whatsappBorn: true }))).toMatchObject({ send: true, form: "order_status_template" });
    expect(decideForm(facts(orderStatus))).toEqual({ send: false, reason: expect.stringContaining("only an order placed in WhatsApp can take") });
  });

  it("Given the shopper opted out, or the shop writes only to opted-in shoppers, Then the override changes nothing: skipped", () => {
    expect(decideForm(facts({ consent: "opted_out" }))).toEqual({ send: false, reason: "the shopper opted out of WhatsApp updates" });
    expect(decideForm(facts({ policy: "opted_in" }))).toMatchObject({ send: false });
  });
});
