/**
 * The Templates page's form as one zod schema: the five statuses' switch, body and
 * description, posted as flat fields (`shipped.body`), with the template validator's rules
 * (unknown variables, limits) as refinements. Used by the server module and tests.
 */
import { z } from "zod";
import { ORDER_STATUSES, type OrderStatus } from "../kaleyra/statuses";
import { validateTemplate } from "../templates/validate";
import { fieldErrorsOf, isTicked, type FieldErrors } from "./form-data";
import { normaliseLineBreaks, type TemplatesInput } from "./template-editing";

const templateText = z
  .string()
  .optional()
  .transform((value) => normaliseLineBreaks(value ?? ""));

const templateSchema = z
  .object({
    enabled: z.unknown().optional().transform(isTicked),
    body: templateText,
    description: templateText,
  })
  .superRefine((template, ctx) => {
    for (const error of validateTemplate(template).errors) {
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
    const group = dot > 0 ? nested[name.slice(0, dot)] : undefined;
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
