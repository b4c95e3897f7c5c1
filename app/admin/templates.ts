/**
 * The Templates page's form as one zod schema: the five statuses' switch, body and
 * description, posted as flat fields (`shipped.body`), with the template validator's rules
 * (unknown variables, limits) as refinements. Used by the server module and tests.
 */
import { z } from "zod";
import { LIMITS, strictLength } from "../kaleyra/limits";
import { ORDER_STATUSES, type OrderStatus } from "../kaleyra/statuses";
import { validateTemplate } from "../templates/validate";
import { controlCharacterIn, fieldErrorsOf, isTicked, type FieldErrors } from "./form-data";
import { normaliseLineBreaks, type TemplatesInput } from "./template-editing";

const templateText = z
  .string()
  .optional()
  .transform((value) => normaliseLineBreaks(value ?? ""));

/**
 * Bounds on what the template validator is given, so that one posted form cannot stall the
 * server for every shop. Counting graphemes (Intl.Segmenter) takes time growing with the
 * square of the text's length (seconds for 100,000 characters), and the variable pattern
 * backtracks with the cube of the text between a `{{` and the next brace (minutes for
 * `{{` and 8,000 spaces). Past these bounds a text is refused with the validator's own
 * words, and the validator sees a harmless stand-in for it.
 */
const COUNTED_UNITS_PER_CHARACTER = 8; // past this, no reading of the text could fit
const LONGEST_VARIABLE = 32; // the longest variable name has 19 characters
const BROKEN_VARIABLE = "A variable is not written correctly: write variables with double braces, like {{order_name}}.";
const NUMBER = new Intl.NumberFormat("en");

const PARTS = [
  { field: "body", label: "message body", name: "The body", limit: LIMITS.bodyText, standIn: "x" },
  { field: "description", label: "description", name: "The description", limit: LIMITS.description, standIn: "" },
] as const;

/**
 * The text's strict length (see kaleyra/limits.ts) when it is far past `limit`, else undefined
 * (then the validator counts it and says which reading binds, which means segmenting it).
 */
function farTooLong(text: string, limit: number): number | undefined {
  return text.length > limit * COUNTED_UNITS_PER_CHARACTER ? strictLength(text) : undefined;
}

/** A `{{` followed by more than LONGEST_VARIABLE characters before the next brace: never a variable. */
function hasOverlongVariable(text: string): boolean {
  for (let open = text.indexOf("{{"); open >= 0; open = text.indexOf("{{", open + 1)) {
    let end = open + 2;
    while (end < text.length && text[end] !== "{" && text[end] !== "}") end += 1;
    if (end - open - 2 > LONGEST_VARIABLE) return true;
  }
  return false;
}

const templateSchema = z
  .object({
    enabled: z.unknown().optional().transform(isTicked),
    body: templateText,
    description: templateText,
  })
  .superRefine((template, ctx) => {
    const checked = { ...template };
    for (const { field, label, name, limit, standIn } of PARTS) {
      const control = controlCharacterIn(template[field]);
      if (control) {
        ctx.addIssue({
          code: "custom",
          path: [field],
          message: `Remove the invisible control character ${control} from the ${label}: it cannot be stored or sent.`,
        });
      }
      const length = farTooLong(template[field], limit);
      if (length !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: [field],
          message: `${name} is ${NUMBER.format(length)} characters long; the limit is ${NUMBER.format(limit)}.`,
        });
        checked[field] = standIn;
      } else if (hasOverlongVariable(template[field])) {
        ctx.addIssue({ code: "custom", path: [field], message: BROKEN_VARIABLE });
        checked[field] = standIn;
      }
    }
    for (const error of validateTemplate(checked).errors) {
      ctx.addIssue({ code: "custom", path: [error.field], message: error.message });
    }
  });

export const templatesFormSchema = z.object(
  Object.fromEntries(ORDER_STATUSES.map((status) => [status, templateSchema])) as Record<
    OrderStatus,
    typeof templateSchema
  >,
);

/** `{"shipped.body": "..."}` -> `{ shipped: { body: "..." } }`; fields of no known status are dropped. */
export function nestTemplateFields(raw: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const nested: Record<string, Record<string, unknown>> = {};
  for (const status of ORDER_STATUSES) nested[status] = {};
  for (const [name, value] of Object.entries(raw)) {
    const dot = name.indexOf(".");
    const prefix = name.slice(0, Math.max(dot, 0));
    // Own statuses only: `__proto__.x` or `constructor.x` must not reach Object.prototype.
    const group = dot > 0 && Object.hasOwn(nested, prefix) ? nested[prefix] : undefined;
    if (group) group[name.slice(dot + 1)] = value;
  }
  return nested;
}

export type ParsedTemplates = { ok: true; templates: TemplatesInput } | { ok: false; errors: FieldErrors };

export function parseTemplatesForm(raw: Record<string, unknown>): ParsedTemplates {
  const parsed = templatesFormSchema.safeParse(nestTemplateFields(raw));
  if (!parsed.success) return { ok: false, errors: fieldErrorsOf(parsed.error) };
  return { ok: true, templates: parsed.data };
}
