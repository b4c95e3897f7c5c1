import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GIFT_RECIPIENT_CHOICES } from "./gift-recipients";
import { RECIPIENT_SOURCES } from "./recipient";
import { DECISION_TABLE } from "./status-decision";

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

/** The body rows of the Markdown table whose header row is `header`, as trimmed cells. */
function tableRows(header: string): string[][] {
  const lines = README.split("\n");
  const start = lines.indexOf(header);
  if (start === -1) throw new Error(`README has no table headed ${header}`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(line.slice(1, -1).split(" | ").map((cell) => cell.trim()));
  }
  return rows;
}

describe("README tables", () => {
  it("GIVEN the README's decision table THEN it lists the code's rules, row by row", () => {
    const rows = tableRows("| What the app knows (after this webhook) | Already queued for the order | Message |");
    expect(rows).toEqual(DECISION_TABLE.map((row) => [...row]));
  });

  it("GIVEN the README's recipient table THEN it lists the code's phone sources in the code's order, with their rules", () => {
    const rows = tableRows("| Priority | Phone | Used |");
    expect(rows).toEqual(RECIPIENT_SOURCES.map((s, i) => [String(i + 1), s.label, s.rule]));
  });

  it("GIVEN the README's gift-order table THEN it lists the Settings choices in the code's order, saying who each tells", () => {
    const rows = tableRows("| Gift orders (Settings) | Who is told |");
    expect(rows).toEqual(GIFT_RECIPIENT_CHOICES.map((c) => [c.label, c.told]));
  });
});
