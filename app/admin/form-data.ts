/**
 * Form plumbing shared by the admin pages: the browser posts FormData, the server parses it
 * with the page's zod schema and answers `{ errors: { field: message } }` for the fields
 * to show inline. Pure, so the same code runs in tests without a server.
 */
import type { z } from "zod";

export type FieldErrors = Record<string, string>;

/** What a page answers when the request's body is no form at all. */
export const UNREADABLE_FORM = "The form could not be read. Reload the page and try again.";

/**
 * The posted form, or null when the body is not one (JSON, plain text, a broken multipart
 * body): that is the sender's mistake, answered with 400, not a server error.
 */
export async function readForm(request: Request): Promise<FormData | null> {
  try {
    return await request.formData();
  } catch {
    return null;
  }
}

/** FormData as a plain object; a repeated name keeps its last value (no field here repeats). */
export function formToObject(form: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of form.entries()) {
    if (typeof value === "string") out[name] = value;
  }
  return out;
}

/** "must be text" -> "Must be text." : the shared schemas word messages as fragments. */
export function asSentence(message: string): string {
  const trimmed = message.trim();
  if (trimmed === "") return trimmed;
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?)]$/.test(capital) ? capital : `${capital}.`;
}

/** The first message per field (a field shows one error at a time), keyed by the dotted path. */
export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.map(String).join(".") || "form";
    errors[field] ??= asSentence(issue.message);
  }
  return errors;
}

/**
 * The first C0 control character or DEL in `text` as "U+0000", or undefined when there is
 * none. Tab and line breaks are text; the others are invisible, never typed, and NUL
 * cannot be stored in PostgreSQL.
 */
export function controlCharacterIn(text: string): string | undefined {
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if ((unit < 0x20 && unit !== 0x09 && unit !== 0x0a && unit !== 0x0d) || unit === 0x7f) {
      return `U+${unit.toString(16).toUpperCase().padStart(4, "0")}`;
    }
  }
  return undefined;
}

/** A checkbox posts "true" (our forms) or "on" (a plain HTML checkbox) when ticked, nothing when not. */
export function isTicked(value: unknown): boolean {
  return value === "true" || value === "on";
}

/**
 * The form's values after a save the page reloaded from: each field the merchant left alone
 * since pressing Save shows what is stored now; a field edited while the save was in flight
 * keeps the edit (still unsaved, so the save bar stays open for it).
 */
export function keepEditsMadeDuringSave<T extends object>(current: T, submitted: T, stored: T): T {
  const merged = { ...stored };
  for (const key of Object.keys(current) as Array<keyof T>) {
    if (JSON.stringify(current[key]) !== JSON.stringify(submitted[key])) merged[key] = current[key];
  }
  return merged;
}

/** The first field, in the page's order, that has an error (`form` last: it has no field). */
export function firstErrorField(errors: FieldErrors, order: readonly string[]): string | undefined {
  return order.find((name) => errors[name] !== undefined) ?? Object.keys(errors).find((name) => name !== "form") ?? (errors.form ? "form" : undefined);
}
