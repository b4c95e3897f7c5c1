/**
 * How the editor and the validator tell a merchant a text's length: the strict count that
 * decides whether it fits (see kaleyra/limits.ts), which count that is when the three
 * readings differ, and what the merchant sees. Browser-safe (no zod, no server modules).
 */
import { bindingUnit, measureText, type LengthUnit } from "../kaleyra/limits";

const NUMBER = new Intl.NumberFormat("en");

const WHY: Record<Exclude<LengthUnit, "graphemes">, string> = {
  codePoints: "in code points, where accents and vowel signs count apart",
  utf16Units: "in UTF-16 units, where most emoji count 2 or more",
};

/** The strict count, and when the readings differ which one it is and what the merchant sees. */
function strictCount(text: string): { strict: string; which: string } {
  const length = measureText(text);
  const unit = bindingUnit(length);
  const strict = NUMBER.format(length.utf16Units);
  if (unit === "graphemes") return { strict, which: "" };
  return { strict, which: ` as WhatsApp may count them (${WHY[unit]}; you see ${NUMBER.format(length.graphemes)})` };
}

/** The counter under a field: "1,024 of 1,024 characters as WhatsApp may count them (…)". */
export function counterText(text: string, limit: number): string {
  const { strict, which } = strictCount(text);
  return `${strict} of ${NUMBER.format(limit)} characters${which}`;
}

/** The validator's error for a text over its limit. */
export function tooLongText(label: string, text: string, limit: number): string {
  const { strict, which } = strictCount(text);
  return `${label} is ${strict} characters long${which}; the limit is ${NUMBER.format(limit)}.`;
}
