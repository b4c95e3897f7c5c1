/**
 * What the WhatsApp templates page computes while the merchant types: the kinds, the {{n}}
 * placeholders of an approved body and what is wrong with them, the form's field names, and
 * when WhatsApp gets a template. No zod here, so the browser bundle stays small; the form's
 * schema is in whatsapp-templates.server.ts, and how a template is filled (the preview and
 * the parameters sent) in templates/approved.ts.
 */
import { ORDER_STATUSES, STATUS_LABEL, type OrderStatus } from "../kaleyra/statuses";
import { VARIABLE_TOKEN } from "../templates/variables";

export const TEMPLATE_KINDS = ["utility", "order_status"] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

export const TEMPLATE_KIND_LABEL: Readonly<Record<TemplateKind, string>> = {
  utility: "Utility",
  order_status: "Meta order-status",
};

/** Meta's limit for a template's body as approved. */
export const TEMPLATE_BODY_LIMIT = 1024;

/** The form field that maps placeholder {{n}}. */
export function bodyParamField(n: number): string {
  return `bodyParams.${n}`;
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
