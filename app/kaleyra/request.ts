/**
 * Kaleyra "order_status" request: input validation and the exact wire shape of Kaleyra's
 * document. Pure: no I/O, so the worker, the admin preview and tests share it.
 *
 * Two layers, on purpose:
 * - `checkOrderStatusInput` / `buildOrderStatusRequest` validate everything (E.164 numbers,
 *   limits, SID alphabet) and are what the app uses.
 * - `renderOrderStatusRequest` only maps already-validated values onto the wire shape. It
 *   exists separately because Kaleyra's own sample uses X-masked phone numbers that no
 *   honest validator accepts; the acceptance test renders the sample through it and so
 *   proves the wire shape without weakening validation with a test bypass.
 */
import { isValidPhoneNumber } from "libphonenumber-js/max";
import { z } from "zod";
import { fits, LIMITS, REFERENCE_ID_PATTERN, strictLength, truncateToFit } from "./limits";
import { PODS, kaleyraBaseUrl, type Pod } from "./pods";
import { ORDER_STATUSES, WIRE_STATUS, type OrderStatus } from "./statuses";

// ---------------------------------------------------------------------------------------
// Types

export interface KaleyraCredentialsInput {
  sid: string;
  apiKey: string;
  /** The WhatsApp business number, E.164 (`+919876543210`). */
  businessNumber: string;
  /** Stored as text in the database, hence `string`; checked against PODS. */
  pod: string;
}

export interface KaleyraCredentials {
  sid: string;
  apiKey: string;
  businessNumber: string;
  pod: Pod;
}

export interface OrderStatusMessageInput {
  /** Shopper's WhatsApp number, E.164. */
  to: string;
  bodyText: string;
  referenceId: string;
  status: OrderStatus;
  /** Empty or null means "no description" (the key is left out of the request). */
  description?: string | null;
  /** Echoed back by Kaleyra in reports and callbacks; cut to 255 characters, strictly counted. */
  ref?: string | null;
  ref1?: string | null;
  ref2?: string | null;
}

/** A validated message: the values that go on the wire. */
export interface OrderStatusMessage {
  to: string;
  bodyText: string;
  referenceId: string;
  status: OrderStatus;
  description?: string;
  ref?: string;
  ref1?: string;
  ref2?: string;
}

export interface ValidationIssue {
  /** Where the value ends up: a wire path (`messaging_object.interactive.body.text`) or a credential name. */
  path: string;
  /** The input property (`bodyText`, `sid`), for mapping onto a form field. */
  field: string;
  /** Never contains the value itself (it could be the API key). */
  message: string;
}

export interface OrderStatusRequestBody {
  messaging_object: {
    messaging_product: "whatsapp";
    recipient_type: "individual";
    to: string;
    type: "interactive";
    interactive: {
      type: "order_status";
      body: { text: string };
      action: {
        name: "review_order";
        parameters: {
          reference_id: string;
          order: { status: string; description?: string };
        };
      };
    };
  };
  extra_info: { ref?: string; ref1?: string; ref2?: string; wa_source: "shopify" };
}

export interface KaleyraRequestHeaders {
  "Content-Type": "application/json";
  "api-key": string;
  "cache-control": "no-cache";
}

export interface OrderStatusRequest {
  url: string;
  headers: KaleyraRequestHeaders;
  body: OrderStatusRequestBody;
}

export class KaleyraValidationError extends Error {
  override readonly name = "KaleyraValidationError";
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[]) {
    super(`Invalid Kaleyra order-status input: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`);
    this.issues = issues;
  }
}

// ---------------------------------------------------------------------------------------
// Schemas

const E164_SHAPE = /^\+[1-9]\d{6,14}$/;
/** Strict on purpose: the SID is put into the URL path, so nothing that could change the path. */
const SID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Printable ASCII without spaces: anything else is a paste error and would break the header. */
const API_KEY_PATTERN = /^[\x21-\x7E]{1,512}$/;

const requiredString = z.string({
  error: (iss) => (iss.input === undefined || iss.input === null ? "is required" : "must be text"),
});

const e164 = requiredString.refine((v) => E164_SHAPE.test(v) && isValidPhoneNumber(v), {
  error: "must be a phone number with country code, for example +91 98765 43210",
});

/** Optional free text: null, undefined and "" all mean absent. */
const optionalText = z
  .string({ error: "must be text" })
  .nullish()
  .transform((v) => (v ? v : undefined));

/** How a limit is counted (kaleyra/limits.ts), in the words of a validation error. */
const STRICT_CHARACTERS = "characters counted the strict way (graphemes, code points and UTF-16 units)";

const optionalRef = optionalText.transform((v) => (v === undefined ? undefined : truncateToFit(v, LIMITS.ref)));

export const credentialsSchema = z.strictObject({
  sid: requiredString.regex(SID_PATTERN, { error: "must be 1-64 letters, digits, _ or -" }),
  apiKey: requiredString.regex(API_KEY_PATTERN, {
    error: "must be non-empty, without spaces or control characters",
  }),
  businessNumber: e164,
  pod: z.enum(PODS, { error: `must be one of ${PODS.join(", ")}` }),
});

export const orderStatusMessageSchema = z.strictObject({
  to: e164,
  bodyText: requiredString
    .refine((v) => v.trim() !== "", { error: "must not be blank" })
    .refine((v) => fits(v, LIMITS.bodyText), {
      error: (iss) => `must be at most ${LIMITS.bodyText} ${STRICT_CHARACTERS} (got ${strictLength(String(iss.input))})`,
    }),
  referenceId: requiredString.regex(REFERENCE_ID_PATTERN, {
    error: `must be 1-${LIMITS.referenceId} letters, digits, _, - or .`,
  }),
  status: z.enum(ORDER_STATUSES, { error: `must be one of ${ORDER_STATUSES.join(", ")}` }),
  description: optionalText.refine((v) => v === undefined || fits(v, LIMITS.description), {
    error: (iss) => `must be at most ${LIMITS.description} ${STRICT_CHARACTERS} (got ${strictLength(String(iss.input))})`,
  }),
  ref: optionalRef,
  ref1: optionalRef,
  ref2: optionalRef,
});

const MESSAGE_PATHS: Record<string, string> = {
  to: "messaging_object.to",
  bodyText: "messaging_object.interactive.body.text",
  referenceId: "messaging_object.interactive.action.parameters.reference_id",
  status: "messaging_object.interactive.action.parameters.order.status",
  description: "messaging_object.interactive.action.parameters.order.description",
  ref: "extra_info.ref",
  ref1: "extra_info.ref1",
  ref2: "extra_info.ref2",
};

function toIssues(error: z.ZodError, pathOf: (field: string) => string): ValidationIssue[] {
  return error.issues.map((issue) => {
    const field = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      return { path: field || "(input)", field, message: `unknown field(s): ${issue.keys.join(", ")}` };
    }
    return { path: field ? pathOf(field) : "(input)", field, message: issue.message };
  });
}

// ---------------------------------------------------------------------------------------
// API

export type CheckResult =
  | { ok: true; creds: KaleyraCredentials; message: OrderStatusMessage }
  | { ok: false; issues: ValidationIssue[] };

/** Validates credentials and message together, so one call reports every problem. */
export function checkOrderStatusInput(creds: unknown, message: unknown): CheckResult {
  const c = credentialsSchema.safeParse(creds);
  const m = orderStatusMessageSchema.safeParse(message);
  if (c.success && m.success) return { ok: true, creds: c.data, message: m.data };
  return {
    ok: false,
    issues: [
      ...(c.success ? [] : toIssues(c.error, (f) => f)),
      ...(m.success ? [] : toIssues(m.error, (f) => MESSAGE_PATHS[f] ?? f)),
    ],
  };
}

export function parseCredentials(input: KaleyraCredentialsInput): KaleyraCredentials {
  const r = credentialsSchema.safeParse(input);
  if (!r.success) throw new KaleyraValidationError(toIssues(r.error, (f) => f));
  return r.data;
}

export function parseOrderStatusMessage(input: OrderStatusMessageInput): OrderStatusMessage {
  const r = orderStatusMessageSchema.safeParse(input);
  if (!r.success) throw new KaleyraValidationError(toIssues(r.error, (f) => MESSAGE_PATHS[f] ?? f));
  return r.data;
}

/** Path segment that keeps `+` literal (valid in a path, and what Kaleyra's sample shows). */
function pathSegment(value: string): string {
  return encodeURIComponent(value).replace(/%2B/gi, "+");
}

/**
 * Maps validated values onto Kaleyra's wire shape. Does not validate (see the file
 * comment); refs are still cut to 255 characters (strictly counted) here so the wire limit holds
 * whatever the caller passes.
 */
export function renderOrderStatusRequest(
  creds: KaleyraCredentials,
  message: OrderStatusMessage,
  options: { baseUrl?: string } = {},
): OrderStatusRequest {
  const base = kaleyraBaseUrl(creds.pod, options.baseUrl);
  const order: { status: string; description?: string } = { status: WIRE_STATUS[message.status] };
  if (message.description) order.description = message.description;

  const refs: Partial<Record<"ref" | "ref1" | "ref2", string>> = {};
  for (const key of ["ref", "ref1", "ref2"] as const) {
    const value = message[key];
    if (value) refs[key] = truncateToFit(value, LIMITS.ref);
  }

  return {
    url: `${base}/v2/${pathSegment(creds.sid)}/whatsapp/${pathSegment(creds.businessNumber)}/messages`,
    headers: { "Content-Type": "application/json", "api-key": creds.apiKey, "cache-control": "no-cache" },
    body: {
      messaging_object: {
        messaging_product: "whatsapp",
        recipient_type: "individual",
        to: message.to,
        type: "interactive",
        interactive: {
          type: "order_status",
          body: { text: message.bodyText },
          action: { name: "review_order", parameters: { reference_id: message.referenceId, order } },
        },
      },
      extra_info: { ...refs, wa_source: "shopify" },
    },
  };
}

/** Validates and renders; throws `KaleyraValidationError` naming every failing field. */
export function buildOrderStatusRequest(
  creds: KaleyraCredentialsInput,
  message: OrderStatusMessageInput,
  options: { baseUrl?: string } = {},
): OrderStatusRequest {
  const checked = checkOrderStatusInput(creds, message);
  if (!checked.ok) throw new KaleyraValidationError(checked.issues);
  return renderOrderStatusRequest(checked.creds, checked.message, options);
}
