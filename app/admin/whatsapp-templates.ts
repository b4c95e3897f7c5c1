/**
 * The WhatsApp templates page's rules: one approved template's mapping as posted (zod),
 * the {{n}} placeholders of its body, the preview, and the parameters a message is filled
 * with. Pure; the worker uses `parseBodyParams` and `templateParamsFor` too, so those two
 * never throw on what is stored.
 */
import { z } from "zod";
import { fits } from "../kaleyra/limits";
import { ORDER_STATUSES, STATUS_LABEL, type OrderStatus } from "../kaleyra/statuses";
import {
  foldParameter,
  LANGUAGE_CODE_PATTERN,
  TEMPLATE_LIMITS,
  TEMPLATE_NAME_PATTERN,
  type TemplateParameters,
} from "../kaleyra/template-request";
import { isTemplateVariable, VARIABLE_TOKEN, type TemplateValues } from "../templates/variables";
import { controlCharacterIn, fieldErrorsOf, type FieldErrors } from "./form-data";
import { normaliseLineBreaks } from "./template-editing";

export const TEMPLATE_KINDS = ["utility", "order_status"] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

export const TEMPLATE_KIND_LABEL: Readonly<Record<TemplateKind, string>> = {
  utility: "Utility",
  order_status: "Meta order-status",
};

/** Meta's limit for a template's body as approved. */
export const TEMPLATE_BODY_LIMIT = 1024;

/** What a parameter becomes when its value is blank: WhatsApp refuses an empty one. */
export const BLANK_PARAMETER = "-";

/** The form field that maps placeholder {{n}}. */
export function bodyParamField(n: number): string {
  return `bodyParams.${n}`;
}

/** The stored mapping a message is filled from (a WhatsAppTemplate row has these columns). */
export interface TemplateMapping {
  bodyParams: string;
  headerParam: string | null;
  buttonParam: string | null;
}

/** The distinct {{n}} numbers in a body, ascending. */
export function placeholdersIn(body: string): number[] {
  const numbers = new Set<number>();
  for (const use of body.matchAll(VARIABLE_TOKEN)) {
    if (/^\d{1,4}$/.test(use[1] ?? "")) numbers.add(Number(use[1]));
  }
  return [...numbers].sort((a, b) => a - b);
}

/** Why a body's placeholders cannot be mapped, or undefined: they must be {{1}} to {{n}} without gaps. */
export function placeholderProblem(body: string): string | undefined {
  const named = [...body.matchAll(VARIABLE_TOKEN)].find((use) => !/^\d{1,4}$/.test(use[1] ?? ""));
  if (named) return `Paste the body as approved, with numbered placeholders like {{1}}: ${named[0]} is not one.`;
  const numbers = placeholdersIn(body);
  const missing = numbers.length > 0 ? numbers.findIndex((n, i) => n !== i + 1) : -1;
  if (missing < 0) return undefined;
  return `Placeholders must run from {{1}} to {{${numbers.length}}} without gaps: {{${missing + 1}}} is missing.`;
}

const variableChoice = z
  .string()
  .optional()
  .transform((value) => value?.trim() || null)
  .refine((value) => value === null || isTemplateVariable(value), { error: "Choose one of the app's variables." });

const formSchema = z
  .object({
    id: z
      .string()
      .optional()
      .transform((value) => value?.trim() || undefined),
    status: z.enum(ORDER_STATUSES, { error: "Choose the order status this template is for." }),
    kind: z.enum(TEMPLATE_KINDS, { error: "Choose the template's kind." }),
    language: z
      .string({ error: "Enter the template's language code." })
      .trim()
      .regex(LANGUAGE_CODE_PATTERN, "Enter the language code as WhatsApp Manager shows it, such as en, en_US or pt_BR."),
    name: z
      .string({ error: "Enter the template's name." })
      .trim()
      .min(1, "Enter the template's name as approved in WhatsApp Manager.")
      .max(TEMPLATE_LIMITS.name, `Use at most ${TEMPLATE_LIMITS.name} characters.`)
      .regex(TEMPLATE_NAME_PATTERN, "Use the approved name: lower-case letters, digits and _ only."),
    body: z
      .string({ error: "Paste the template's body as approved." })
      .transform((value) => normaliseLineBreaks(value).trim())
      .pipe(
        z
          .string()
          .min(1, "Paste the template's body as approved.")
          .refine((value) => fits(value, TEMPLATE_BODY_LIMIT), `The body is longer than WhatsApp's ${TEMPLATE_BODY_LIMIT.toLocaleString("en")} characters.`)
          .refine((value) => controlCharacterIn(value) === undefined, "Remove the invisible control characters from the body.")
          .superRefine((value, ctx) => {
            const problem = placeholderProblem(value);
            if (problem) ctx.addIssue({ code: "custom", message: problem });
          }),
      ),
    bodyParams: z.array(z.string().optional()),
    headerParam: variableChoice,
    buttonParam: variableChoice,
  })
  .superRefine(
    (form, ctx) => {
      if (typeof form.body === "string" && !placeholderProblem(form.body)) checkBodyParams(form.body, form.bodyParams, ctx);
      if (form.kind === "order_status" && form.buttonParam) {
        ctx.addIssue({ code: "custom", path: ["buttonParam"], message: "Leave it empty: the order-status template's button carries the order itself." });
      }
    },
    // Also when another field failed, so that every problem is reported at once.
    { when: () => true },
  )
  .transform((form) => ({ ...form, bodyParams: placeholdersIn(form.body).map((n) => form.bodyParams[n - 1]?.trim() ?? "") }));

/** One choice per placeholder, each an app variable. */
function checkBodyParams(body: string, params: Array<string | undefined>, ctx: z.RefinementCtx): void {
  placeholdersIn(body).forEach((n) => {
    const chosen = params[n - 1]?.trim() ?? "";
    const path = ["bodyParams", String(n)];
    if (chosen === "") ctx.addIssue({ code: "custom", path, message: `Choose what fills {{${n}}}.` });
    else if (!isTemplateVariable(chosen)) ctx.addIssue({ code: "custom", path, message: "Choose one of the app's variables." });
  });
}

/** The posted `bodyParams.1`, `bodyParams.2` ... as a list, {{1}} first (at most 999 are read). */
function postedBodyParams(raw: Record<string, unknown>): Array<string | undefined> {
  const params: Array<string | undefined> = [];
  for (const [name, value] of Object.entries(raw)) {
    const match = /^bodyParams\.([1-9]\d{0,2})$/.exec(name);
    if (match && typeof value === "string") params[Number(match[1]) - 1] = value;
  }
  // Holes (a placeholder nobody mapped) become undefined, which the schema reports.
  return Array.from(params, (value) => value);
}

export interface WhatsAppTemplateForm {
  /** The template being edited; absent when one is added. */
  id?: string;
  kind: TemplateKind;
  status: OrderStatus;
  language: string;
  name: string;
  body: string;
  bodyParams: string[];
  headerParam: string | null;
  buttonParam: string | null;
}

export type ParsedWhatsAppTemplate = { ok: true; template: WhatsAppTemplateForm } | { ok: false; errors: FieldErrors };

export function parseWhatsAppTemplateForm(raw: Record<string, unknown>): ParsedWhatsAppTemplate {
  const parsed = formSchema.safeParse({ ...raw, bodyParams: postedBodyParams(raw) });
  if (!parsed.success) return { ok: false, errors: fieldErrorsOf(parsed.error) };
  return { ok: true, template: parsed.data };
}

/** The stored body parameters' variable names; a broken or foreign value reads as none. */
export function parseBodyParams(record: Pick<TemplateMapping, "bodyParams">): string[] {
  try {
    const value: unknown = JSON.parse(record.bodyParams);
    return Array.isArray(value) && value.every((name) => typeof name === "string") ? value : [];
  } catch {
    return [];
  }
}

/** One parameter as WhatsApp takes it: folded onto one line, and never blank. */
function parameterOf(name: string | null | undefined, values: TemplateValues): string {
  const value = name && isTemplateVariable(name) ? values[name] : undefined;
  return foldParameter(value ?? "") || BLANK_PARAMETER;
}

/** The parameters a message is filled with, from the app's values for its order. */
export function templateParamsFor(record: TemplateMapping, values: TemplateValues): TemplateParameters {
  const params: TemplateParameters = { body: parseBodyParams(record).map((name) => parameterOf(name, values)) };
  if (record.headerParam) params.header = parameterOf(record.headerParam, values);
  if (record.buttonParam) params.button = parameterOf(record.buttonParam, values);
  return params;
}

/** The body as the shopper reads it: each mapped {{n}} filled as it would be sent; an unmapped one stays. */
export function previewTemplate(body: string, bodyParams: ReadonlyArray<string | null | undefined>, values: TemplateValues): string {
  return body.replace(VARIABLE_TOKEN, (token, inner: string) => {
    const name = /^\d{1,4}$/.test(inner) ? bodyParams[Number(inner) - 1] : undefined;
    return name ? parameterOf(name, values) : token;
  });
}

/** When WhatsApp gets this template instead of the interactive message (README: "Which form each message takes"). */
export function inUseFor(template: { kind: string; status: string }, siblings: ReadonlyArray<{ kind: string; status: string }>): string {
  const label = (ORDER_STATUSES as readonly string[]).includes(template.status) ? STATUS_LABEL[template.status as OrderStatus] : template.status;
  if (template.kind === "order_status") {
    return `“${label}” updates of orders placed in WhatsApp, outside the shopper's 24-hour window.`;
  }
  const hasOrderStatus = siblings.some((other) => other.kind === "order_status" && other.status === template.status);
  return hasOrderStatus
    ? `“${label}” updates of orders not placed in WhatsApp.`
    : `“${label}” updates of orders not placed in WhatsApp, and of WhatsApp orders outside the 24-hour window.`;
}
