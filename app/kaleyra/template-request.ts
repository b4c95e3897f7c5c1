/**
 * Kaleyra's template and text messages: the other forms the app sends through the seed's
 * endpoint (`messaging_object.type = "template"` or `"text"`), with the same headers and
 * `extra_info`. Pure, like request.ts: validation, then the wire shape.
 *
 * - "template": the shop's approved UTILITY template (ordinary web-store orders).
 * - "order_status_template": Meta's order-status template for WhatsApp-born orders outside the
 *   24-hour window; its button carries the order's `reference_id` and status as the seed does.
 * - "text": a reply inside the window (the STOP confirmation).
 */
import { z } from "zod";
import { fits, LIMITS, REFERENCE_ID_PATTERN, truncateToFit } from "./limits";
import { kaleyraBaseUrl } from "./pods";
import {
  credentialsSchema,
  type KaleyraCredentials,
  type KaleyraCredentialsInput,
  type KaleyraRequestHeaders,
  type ValidationIssue,
} from "./request";
import { ORDER_STATUSES, WIRE_STATUS, type OrderStatus } from "./statuses";
import { LANGUAGE_CODE_PATTERN, TEMPLATE_LIMITS, TEMPLATE_NAME_PATTERN, type TemplateParameters } from "./template-limits";

export { foldParameter, LANGUAGE_CODE_PATTERN, TEMPLATE_LIMITS, TEMPLATE_NAME_PATTERN, type TemplateParameters } from "./template-limits";

export interface TemplateMessageInput {
  form: "template" | "order_status_template";
  to: string;
  name: string;
  language: string;
  params: TemplateParameters;
  /** For the order-status template: what its button updates (the seed's fields). */
  order?: { referenceId: string; status: OrderStatus; description?: string | null };
  ref?: string | null;
  ref1?: string | null;
  ref2?: string | null;
}

export interface TextMessageInput {
  form: "text";
  to: string;
  text: string;
  ref?: string | null;
  ref1?: string | null;
  ref2?: string | null;
}

type TextParameter = { type: "text"; text: string };

export type TemplateComponent =
  | { type: "header"; parameters: TextParameter[] }
  | { type: "body"; parameters: TextParameter[] }
  | { type: "button"; sub_type: "url"; index: "0"; parameters: TextParameter[] }
  | {
      type: "button";
      sub_type: "order_status";
      index: "0";
      parameters: [{ type: "order_status"; order_status: { reference_id: string; order: { status: string; description?: string } } }];
    };

interface Refs {
  ref?: string;
  ref1?: string;
  ref2?: string;
  wa_source: "shopify";
}

export interface TemplateRequestBody {
  messaging_object: {
    messaging_product: "whatsapp";
    recipient_type: "individual";
    to: string;
    type: "template";
    template: { name: string; language: { policy: "deterministic"; code: string }; components: TemplateComponent[] };
  };
  extra_info: Refs;
}

export interface TextRequestBody {
  messaging_object: {
    messaging_product: "whatsapp";
    recipient_type: "individual";
    to: string;
    type: "text";
    text: { preview_url: false; body: string };
  };
  extra_info: Refs;
}

const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, { error: "must be a phone number with country code" });
const parameter = (limit: number) =>
  z
    .string()
    .refine((v) => v.trim() !== "", { error: "must not be blank (WhatsApp refuses an empty parameter)" })
    .refine((v) => fits(v, limit), { error: `must be at most ${limit} characters` });

const templateSchema = z.object({
  form: z.enum(["template", "order_status_template"]),
  to: e164,
  name: z.string().regex(TEMPLATE_NAME_PATTERN, { error: "must be the approved name: lower-case letters, digits and _" }),
  language: z.string().regex(LANGUAGE_CODE_PATTERN, { error: "must be a WhatsApp language code such as en or pt_BR" }),
  params: z.object({
    body: z.array(parameter(TEMPLATE_LIMITS.bodyParameter)),
    header: parameter(TEMPLATE_LIMITS.headerParameter).optional(),
    button: parameter(TEMPLATE_LIMITS.buttonParameter).optional(),
  }),
  order: z
    .object({
      referenceId: z.string().regex(REFERENCE_ID_PATTERN, { error: `must be 1-${LIMITS.referenceId} letters, digits, _, - or .` }),
      status: z.enum(ORDER_STATUSES),
      description: z.string().nullish(),
    })
    .optional(),
  ref: z.string().nullish(),
  ref1: z.string().nullish(),
  ref2: z.string().nullish(),
});

const textSchema = z.object({
  form: z.literal("text"),
  to: e164,
  text: parameter(TEMPLATE_LIMITS.text),
  ref: z.string().nullish(),
  ref1: z.string().nullish(),
  ref2: z.string().nullish(),
});

function issuesOf(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => {
    const field = issue.path.map(String).join(".");
    return { path: field || "(input)", field, message: issue.message };
  });
}

export type CheckedForm<T> = { ok: true; creds: KaleyraCredentials; message: T } | { ok: false; issues: ValidationIssue[] };

/** Validates credentials and a template message together; an order-status template needs its order. */
export function checkTemplateInput(creds: KaleyraCredentialsInput, message: TemplateMessageInput): CheckedForm<TemplateMessageInput> {
  const c = credentialsSchema.safeParse(creds);
  const m = templateSchema.safeParse(message);
  const issues = [...(c.success ? [] : issuesOf(c.error)), ...(m.success ? [] : issuesOf(m.error))];
  if (message.form === "order_status_template" && !message.order) {
    issues.push({ path: "order", field: "order", message: "the order-status template needs the order's reference id and status" });
  }
  if (issues.length > 0 || !c.success || !m.success) return { ok: false, issues };
  return { ok: true, creds: c.data, message };
}

export function checkTextInput(creds: KaleyraCredentialsInput, message: TextMessageInput): CheckedForm<TextMessageInput> {
  const c = credentialsSchema.safeParse(creds);
  const m = textSchema.safeParse(message);
  if (!c.success || !m.success) return { ok: false, issues: [...(c.success ? [] : issuesOf(c.error)), ...(m.success ? [] : issuesOf(m.error))] };
  return { ok: true, creds: c.data, message };
}

function refsOf(message: { ref?: string | null; ref1?: string | null; ref2?: string | null }): Refs {
  const refs: Refs = { wa_source: "shopify" };
  for (const key of ["ref", "ref1", "ref2"] as const) {
    const value = message[key];
    if (value) refs[key] = truncateToFit(value, LIMITS.ref);
  }
  return refs;
}

const texts = (values: string[]): TextParameter[] => values.map((text) => ({ type: "text", text }));

/** The components in Meta's order: header, body, then the button. */
export function templateComponents(message: TemplateMessageInput): TemplateComponent[] {
  const { params, order } = message;
  const components: TemplateComponent[] = [];
  if (params.header !== undefined) components.push({ type: "header", parameters: texts([params.header]) });
  if (params.body.length > 0) components.push({ type: "body", parameters: texts(params.body) });
  if (message.form === "order_status_template" && order) {
    const wireOrder: { status: string; description?: string } = { status: WIRE_STATUS[order.status] };
    if (order.description) wireOrder.description = order.description;
    components.push({
      type: "button",
      sub_type: "order_status",
      index: "0",
      parameters: [{ type: "order_status", order_status: { reference_id: order.referenceId, order: wireOrder } }],
    });
  } else if (params.button !== undefined) {
    components.push({ type: "button", sub_type: "url", index: "0", parameters: texts([params.button]) });
  }
  return components;
}

function messagesUrl(creds: KaleyraCredentials, baseUrl: string | undefined): string {
  const segment = (value: string) => encodeURIComponent(value).replace(/%2B/gi, "+");
  return `${kaleyraBaseUrl(creds.pod, baseUrl)}/v2/${segment(creds.sid)}/whatsapp/${segment(creds.businessNumber)}/messages`;
}

function headersOf(creds: KaleyraCredentials): KaleyraRequestHeaders {
  return { "Content-Type": "application/json", "api-key": creds.apiKey, "cache-control": "no-cache" };
}

type Rendered<B> = { url: string; headers: KaleyraRequestHeaders; body: B };
type Addressed = { to: string; ref?: string | null; ref1?: string | null; ref2?: string | null };

/** The envelope every form shares (the seed's endpoint, headers, recipient and extra_info) around its own part. */
function envelope<P extends { type: string }>(creds: KaleyraCredentials, message: Addressed, part: P, baseUrl: string | undefined) {
  return {
    url: messagesUrl(creds, baseUrl),
    headers: headersOf(creds),
    body: {
      messaging_object: { messaging_product: "whatsapp" as const, recipient_type: "individual" as const, to: message.to, ...part },
      extra_info: refsOf(message),
    },
  };
}

export function renderTemplateRequest(creds: KaleyraCredentials, message: TemplateMessageInput, options: { baseUrl?: string } = {}): Rendered<TemplateRequestBody> {
  const template = { name: message.name, language: { policy: "deterministic" as const, code: message.language }, components: templateComponents(message) };
  return envelope(creds, message, { type: "template" as const, template }, options.baseUrl);
}

export function renderTextRequest(creds: KaleyraCredentials, message: TextMessageInput, options: { baseUrl?: string } = {}): Rendered<TextRequestBody> {
  return envelope(creds, message, { type: "text" as const, text: { preview_url: false as const, body: message.text } }, options.baseUrl);
}
