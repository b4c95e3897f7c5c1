/**
 * The sandbox's synchronous payload check: the three forms Kaleyra takes on the seed's endpoint
 * (`interactive` order_status, `template`, `text`). A malformed body is refused with WA400 at
 * once; whether a well-formed template exists is judged later, as Meta does (see verdicts.ts).
 *
 * Written by hand rather than reusing the app's request builders, so a bug there is caught
 * instead of mirrored. Only the seed's limits and statuses are shared.
 */
import { LIMITS, REFERENCE_ID_PATTERN } from "../app/kaleyra/limits";
import { WIRE_STATUS } from "../app/kaleyra/statuses";

// ---------------------------------------------------------------------------------------
// Lengths, counted the strict way: Kaleyra's document says "characters" without saying
// which, so the sandbox refuses a text over the limit in graphemes, code points OR UTF-16
// units. Counted here independently of the app's kaleyra/limits.ts.

const graphemeCounter = new Intl.Segmenter("en", { granularity: "grapheme" });

/** The largest of the three counts and the name of the first (coarsest) reading that reaches it. */
export function strictCount(text: string): { count: number; unit: string } {
  const counts: Array<[string, number]> = [
    ["graphemes", Array.from(graphemeCounter.segment(text)).length],
    ["code points", Array.from(text).length],
    ["UTF-16 units", text.length],
  ];
  const [unit, count] = counts.reduce((a, b) => (b[1] > a[1] ? b : a));
  return { count, unit };
}

function overLimit(field: string, text: string, limit: number): string | undefined {
  const { count, unit } = strictCount(text);
  return count > limit ? `${field}: over ${limit} characters (${count} ${unit})` : undefined;
}

// ---------------------------------------------------------------------------------------
// Shared pieces

const E164 = /^\+[1-9]\d{6,14}$/;
const WIRE_STATUSES = new Set(Object.values(WIRE_STATUS));
export const WA_SOURCES = new Set([
  "api", "clevertap", "zoho", "webengage", "shopify", "leadsquared", "responsys",
  "braze", "hubspot", "salesforce", "zapier", "eloqua", "moengage",
]);
/** WhatsApp's limit for a text message's body. */
const TEXT_BODY_LIMIT = 4096;
const FORMS = ["interactive", "template", "text"] as const;
export type MessageForm = (typeof FORMS)[number];

export type Json = Record<string, unknown>;
export const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** First unknown or missing key of `obj`, as a failure reason. */
function keyProblem(obj: Json, path: string, allowed: readonly string[], required: readonly string[]): string | null {
  for (const key of Object.keys(obj)) if (!allowed.includes(key)) return `${path}${key}: unknown field`;
  for (const key of required) if (!(key in obj)) return `${path}${key}: required`;
  return null;
}

const nonEmptyText = (v: unknown) => typeof v === "string" && v.length > 0;

/** The seed's `{ reference_id, order: { status, description? } }`, shared by order_status messages and buttons. */
function orderUpdateProblem(params: unknown, path: string): string | null {
  if (!isObject(params)) return `${path.slice(0, -1)}: not an object`;
  const paramKeys = keyProblem(params, path, ["reference_id", "order"], ["reference_id", "order"]);
  if (paramKeys) return paramKeys;
  if (typeof params.reference_id !== "string" || !REFERENCE_ID_PATTERN.test(params.reference_id)) {
    return `${path}reference_id: not 1-${LIMITS.referenceId} letters, digits, _, - or .`;
  }
  const order = params.order;
  if (!isObject(order)) return `${path}order: not an object`;
  const orderKeys = keyProblem(order, `${path}order.`, ["status", "description"], ["status"]);
  if (orderKeys) return orderKeys;
  if (typeof order.status !== "string" || !WIRE_STATUSES.has(order.status)) return `${path}order.status: unknown status`;
  if ("description" in order) {
    if (typeof order.description !== "string") return `${path}order.description: must be text`;
    return overLimit(`${path}order.description`, order.description, LIMITS.description) ?? null;
  }
  return null;
}

// ---------------------------------------------------------------------------------------
// The three forms

function interactiveProblem(it: unknown, pi: string): string | null {
  if (!isObject(it)) return `${pi.slice(0, -1)}: not an object`;
  const itKeys = keyProblem(it, pi, ["type", "body", "action"], ["type", "body", "action"]);
  if (itKeys) return itKeys;
  if (it.type !== "order_status") return `${pi}type: must be "order_status"`;

  if (!isObject(it.body)) return `${pi}body: not an object`;
  const bodyKeys = keyProblem(it.body, `${pi}body.`, ["text"], ["text"]);
  if (bodyKeys) return bodyKeys;
  const text = it.body.text;
  if (!nonEmptyText(text)) return `${pi}body.text: must be non-empty text`;
  const longBody = overLimit(`${pi}body.text`, text as string, LIMITS.bodyText);
  if (longBody) return longBody;

  const action = it.action;
  if (!isObject(action)) return `${pi}action: not an object`;
  const actionKeys = keyProblem(action, `${pi}action.`, ["name", "parameters"], ["name", "parameters"]);
  if (actionKeys) return actionKeys;
  if (action.name !== "review_order") return `${pi}action.name: must be "review_order"`;
  return orderUpdateProblem(action.parameters, `${pi}action.parameters.`);
}

function textProblem(text: unknown, pt: string): string | null {
  if (!isObject(text)) return `${pt.slice(0, -1)}: not an object`;
  const keys = keyProblem(text, pt, ["preview_url", "body"], ["body"]);
  if (keys) return keys;
  if ("preview_url" in text && typeof text.preview_url !== "boolean") return `${pt}preview_url: must be true or false`;
  if (!nonEmptyText(text.body)) return `${pt}body: must be non-empty text`;
  return overLimit(`${pt}body`, text.body as string, TEXT_BODY_LIMIT) ?? null;
}

function textParameterProblem(param: unknown, path: string): string | null {
  if (!isObject(param)) return `${path}: not an object`;
  const keys = keyProblem(param, `${path}.`, ["type", "text"], ["type", "text"]);
  if (keys) return keys;
  if (param.type !== "text") return `${path}.type: must be "text"`;
  return nonEmptyText(param.text) ? null : `${path}.text: must be non-empty text`;
}

function orderStatusParameterProblem(param: unknown, path: string): string | null {
  if (!isObject(param)) return `${path}: not an object`;
  const keys = keyProblem(param, `${path}.`, ["type", "order_status"], ["type", "order_status"]);
  if (keys) return keys;
  if (param.type !== "order_status") return `${path}.type: must be "order_status"`;
  return orderUpdateProblem(param.order_status, `${path}.order_status.`);
}

function componentProblem(component: unknown, path: string): string | null {
  if (!isObject(component)) return `${path}: not an object`;
  const isButton = component.type === "button";
  const allowed = isButton ? ["type", "sub_type", "index", "parameters"] : ["type", "parameters"];
  const keys = keyProblem(component, `${path}.`, allowed, allowed);
  if (keys) return keys;
  if (!["header", "body", "button"].includes(String(component.type))) return `${path}.type: must be "header", "body" or "button"`;
  if (isButton && component.sub_type !== "url" && component.sub_type !== "order_status") {
    return `${path}.sub_type: must be "url" or "order_status"`;
  }
  if (isButton && (typeof component.index !== "string" || !/^\d$/.test(component.index))) return `${path}.index: must be "0" to "9"`;
  if (!Array.isArray(component.parameters)) return `${path}.parameters: not a list`;
  const check = component.sub_type === "order_status" ? orderStatusParameterProblem : textParameterProblem;
  for (const [i, param] of component.parameters.entries()) {
    const problem = check(param, `${path}.parameters[${i}]`);
    if (problem) return problem;
  }
  return null;
}

function templateProblem(template: unknown, pt: string): string | null {
  if (!isObject(template)) return `${pt.slice(0, -1)}: not an object`;
  const keys = keyProblem(template, pt, ["name", "language", "components"], ["name", "language"]);
  if (keys) return keys;
  if (!nonEmptyText(template.name)) return `${pt}name: must be non-empty text`;
  const language = template.language;
  if (!isObject(language)) return `${pt}language: not an object`;
  const languageKeys = keyProblem(language, `${pt}language.`, ["policy", "code"], ["code"]);
  if (languageKeys) return languageKeys;
  if ("policy" in language && language.policy !== "deterministic") return `${pt}language.policy: must be "deterministic"`;
  if (!nonEmptyText(language.code)) return `${pt}language.code: must be non-empty text`;
  if (!("components" in template)) return null;
  if (!Array.isArray(template.components)) return `${pt}components: not a list`;
  const seen = new Set<string>();
  for (const [i, component] of template.components.entries()) {
    const problem = componentProblem(component, `${pt}components[${i}]`);
    if (problem) return problem;
    const type = String((component as Json).type);
    if (seen.has(type)) return `${pt}components[${i}].type: a second "${type}"`;
    seen.add(type);
  }
  return null;
}

const FORM_CHECKS: Record<MessageForm, (value: unknown, path: string) => string | null> = {
  interactive: interactiveProblem,
  template: templateProblem,
  text: textProblem,
};

function extraInfoProblem(extra: unknown): string | null {
  if (!isObject(extra)) return "extra_info: not an object";
  const extraKeys = keyProblem(extra, "extra_info.", ["ref", "ref1", "ref2", "wa_source"], []);
  if (extraKeys) return extraKeys;
  for (const key of ["ref", "ref1", "ref2", "wa_source"]) {
    if (key in extra && typeof extra[key] !== "string") return `extra_info.${key}: must be text`;
  }
  return null;
}

/** Returns why the payload breaks Kaleyra's rules (a field path first), or null if it is fine. */
export function payloadProblem(payload: unknown): string | null {
  if (!isObject(payload)) return "(body): not a JSON object";
  const top = keyProblem(payload, "", ["messaging_object", "extra_info"], ["messaging_object"]);
  if (top) return top;

  const mo = payload.messaging_object;
  if (!isObject(mo)) return "messaging_object: not an object";
  const p = "messaging_object.";
  const moKeys = keyProblem(mo, p, ["messaging_product", "recipient_type", "to", "type", ...FORMS], ["messaging_product", "to"]);
  if (moKeys) return moKeys;
  if (mo.messaging_product !== "whatsapp") return `${p}messaging_product: must be "whatsapp"`;
  if ("recipient_type" in mo && mo.recipient_type !== "individual") return `${p}recipient_type: must be "individual"`;
  if (typeof mo.to !== "string" || !E164.test(mo.to)) return `${p}to: not an E.164 number`;
  // `type` defaults to "text" on WhatsApp; required here so a body never means two things.
  const form = FORMS.find((f) => f === mo.type);
  if (!form) return `${p}type: must be "interactive", "template" or "text"`;
  const other = FORMS.find((f) => f !== form && f in mo);
  if (other) return `${p}type: "${form}" cannot carry ${other}`;
  if (!(form in mo)) return `${p}${form}: required`;
  const problem = FORM_CHECKS[form](mo[form], `${p}${form}.`);
  if (problem) return problem;
  return "extra_info" in payload ? extraInfoProblem(payload.extra_info) : null;
}

// ---------------------------------------------------------------------------------------
// What arrived, for inspection

export interface TemplateSummary {
  name: string;
  language: string;
  header?: string;
  body: string[];
  /** A url button's text, or an order_status button's update. */
  button?: { subType: string; text?: string; referenceId?: string; status?: string };
}

export interface MessageSummary {
  form: MessageForm;
  to: string;
  template?: TemplateSummary;
  text?: string;
}

const texts = (c: Json | undefined) => ((c?.parameters ?? []) as Json[]).map((p) => String(p.text));

function buttonOf(button: Json | undefined): TemplateSummary["button"] {
  if (!button) return undefined;
  const param = ((button.parameters ?? []) as Json[])[0];
  if (button.sub_type !== "order_status") return { subType: String(button.sub_type), text: param ? String(param.text) : undefined };
  const update = param?.order_status as { reference_id?: string; order?: { status?: string } } | undefined;
  return { subType: "order_status", referenceId: update?.reference_id, status: update?.order?.status };
}

function templateSummary(template: Json): TemplateSummary {
  const components = (template.components ?? []) as Json[];
  const find = (type: string) => components.find((c) => c.type === type);
  const header = find("header");
  return {
    name: String(template.name),
    language: String((template.language as Json).code),
    ...(header ? { header: texts(header)[0] } : {}),
    body: texts(find("body")),
    ...(find("button") ? { button: buttonOf(find("button")) } : {}),
  };
}

/** The form and contents of a payload that passed `payloadProblem`. */
export function summarize(payload: Json): MessageSummary {
  const mo = payload.messaging_object as Json;
  const form = mo.type as MessageForm;
  const summary: MessageSummary = { form, to: String(mo.to) };
  if (form === "template") summary.template = templateSummary(mo.template as Json);
  if (form === "text") summary.text = String((mo.text as Json).body);
  return summary;
}
