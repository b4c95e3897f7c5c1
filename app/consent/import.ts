/**
 * Consents a shop already holds (collected at its own checkout or in-store), imported as
 * lines of `phone,consent[,wording]`: consent is opted_in or opted_out (in / out, yes / no).
 * Pure: every bad line is named at once, and nothing is imported while any is bad.
 */
export interface ImportedConsent {
  phone: string;
  consent: "opted_in" | "opted_out";
  wording: string | null;
}

export type ConsentImport = { ok: true; rows: ImportedConsent[] } | { ok: false; errors: string[] };

/** Lines read at most: an import is a list of shoppers, not a dump. */
export const MAX_IMPORT_LINES = 100_000;
const MAX_ERRORS_SHOWN = 20;

const CONSENT_WORDS: Record<string, ImportedConsent["consent"]> = {
  opted_in: "opted_in",
  in: "opted_in",
  yes: "opted_in",
  opted_out: "opted_out",
  out: "opted_out",
  no: "opted_out",
};

function lineOf(fields: string[]): ImportedConsent | string {
  const [rawPhone = "", rawConsent = "", ...rest] = fields;
  const phone = rawPhone.trim().replace(/[\s().-]/g, "");
  if (!/^\+[1-9]\d{6,14}$/.test(phone)) return `"${rawPhone.slice(0, 30)}" is not a phone number with country code (+91…)`;
  const consent = CONSENT_WORDS[rawConsent.trim().toLowerCase()];
  if (!consent) return `"${rawConsent.slice(0, 30)}" is not opted_in or opted_out`;
  const wording = rest.join(",").trim().slice(0, 500);
  return { phone, consent, wording: wording || null };
}

export function parseConsentImport(text: string): ConsentImport {
  const lines = text.split(/\r?\n/);
  if (lines.length > MAX_IMPORT_LINES) return { ok: false, errors: [`more than ${MAX_IMPORT_LINES} lines: split the file`] };
  const rows: ImportedConsent[] = [];
  const errors: string[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === "" || (index === 0 && /^\s*phone\s*,/i.test(line))) return;
    const read = lineOf(line.split(","));
    if (typeof read === "string") errors.push(`line ${index + 1}: ${read}`);
    else rows.push(read);
  });
  if (errors.length > 0) {
    const more = errors.length > MAX_ERRORS_SHOWN ? [`… and ${errors.length - MAX_ERRORS_SHOWN} more`] : [];
    return { ok: false, errors: [...errors.slice(0, MAX_ERRORS_SHOWN), ...more] };
  }
  return rows.length > 0 ? { ok: true, rows } : { ok: false, errors: ["no consent lines: phone,opted_in|opted_out[,wording]"] };
}
