/**
 * Form plumbing shared by the admin pages: the browser posts FormData, the server parses it
 * with the page's zod schema and answers `{ errors: { field: message } }` for the fields
 * to show inline. Pure, so the same code runs in tests without a server.
 */
import type { z } from "zod";

export type FieldErrors = Record<string, string>;

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

/** A checkbox posts "true" (our forms) or "on" (a plain HTML checkbox) when ticked, nothing when not. */
export function isTicked(value: unknown): boolean {
  return value === "true" || value === "on";
}
