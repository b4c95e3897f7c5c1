/**
 * What a Kaleyra send came to, as a typed value the delivery worker can switch on without
 * parsing strings. Pure: classification only, no I/O.
 *
 * Rules, in order:
 * 1. HTTP 429 is a rate limit whatever the body says (Kaleyra documents no 429, but a
 *    gateway in front of it may answer one).
 * 2. A known Kaleyra `code` in a JSON body wins over the HTTP status.
 * 3. 2xx with a `data.message_id` is accepted (WA202 per the seed; Kaleyra's error-code
 *    page also lists WA200 as success).
 * 4. Otherwise by HTTP status: 5xx -> retry, other 4xx -> rejected, and 2xx without a
 *    message id -> retry ("unexpected_response"). That last one is a judgement call: such
 *    an answer most likely comes from a proxy or a misconfigured base URL, not Kaleyra; it
 *    gives us no id to match delivery callbacks to, and a repeated order_status update is a
 *    smaller harm than a silently lost one. The worker's retry cap bounds duplicates.
 */
import type { ValidationIssue } from "./request";

export const CONFIG_ERROR_REASONS = [
  "credentials",
  "number_not_in_account",
  "account_not_enabled",
  "number_api_version",
] as const;
export const PAUSE_REASONS = ["low_balance", "daily_limit"] as const;
export const REJECTED_REASONS = ["payload", "unknown"] as const;
export const RETRY_REASONS = ["server_error", "rate_limited", "network", "timeout", "unexpected_response"] as const;

export type ConfigErrorReason = (typeof CONFIG_ERROR_REASONS)[number];
export type PauseReason = (typeof PAUSE_REASONS)[number];
export type RejectedReason = (typeof REJECTED_REASONS)[number];
export type RetryReason = (typeof RETRY_REASONS)[number];

export type KaleyraOutcome =
  | { kind: "accepted"; code: string | null; httpStatus: number; messageId: string }
  | { kind: "config_error"; code: string; httpStatus: number; reason: ConfigErrorReason; detail: string }
  | { kind: "pause"; code: string; httpStatus: number; reason: PauseReason; detail: string }
  | { kind: "rejected"; code: string | null; httpStatus: number; reason: RejectedReason; detail: string }
  | {
      kind: "retry";
      code: string | null;
      httpStatus?: number;
      retryAfterMs?: number;
      reason: RetryReason;
      detail: string;
    }
  /** Our own validation refused the input; nothing was sent. */
  | { kind: "invalid"; issues: ValidationIssue[]; detail: string };

export type OutcomeKind = KaleyraOutcome["kind"];
export type RetryOutcome = Extract<KaleyraOutcome, { kind: "retry" }>;

/** Raw response text kept in `detail` is cut to this many characters. */
export const DETAIL_MAX = 500;

export type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110). */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function cut(text: string): string {
  return text.length > DETAIL_MAX ? `${text.slice(0, DETAIL_MAX)}…` : text;
}

interface KaleyraBody {
  code?: unknown;
  message?: unknown;
  data?: unknown;
  error?: unknown;
}

function parseBody(rawText: string): KaleyraBody | undefined {
  try {
    const parsed: unknown = JSON.parse(rawText);
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as KaleyraBody) : undefined;
  } catch {
    return undefined;
  }
}

/** Kaleyra's message plus its `error` object, e.g. "Refer to correct payload format (payload: Incorrect payload format)". */
function describe(body: KaleyraBody): string {
  const message = typeof body.message === "string" ? body.message : "";
  const errors =
    body.error && typeof body.error === "object"
      ? Object.entries(body.error as Record<string, unknown>)
          .filter(([, v]) => typeof v === "string" && v !== message)
          .map(([k, v]) => `${k}: ${String(v)}`)
      : [];
  return cut(errors.length ? `${message} (${errors.join("; ")})` : message);
}

function errorKeys(body: KaleyraBody): string[] {
  return body.error && typeof body.error === "object" ? Object.keys(body.error) : [];
}

export function classifyResponse(
  httpStatus: number,
  headers: HeaderSource,
  rawText: string,
  now: number = Date.now(),
): KaleyraOutcome {
  const body = parseBody(rawText);
  const code = typeof body?.code === "string" ? body.code : null;
  const detail = body && code ? describe(body) : cut(rawText);
  const retryAfterMs = parseRetryAfter(header(headers, "retry-after"), now);
  const withRetryAfter = retryAfterMs === undefined ? {} : { retryAfterMs };

  if (httpStatus === 429) return { kind: "retry", code, httpStatus, reason: "rate_limited", detail, ...withRetryAfter };

  switch (code) {
    case "RBC001":
      return { kind: "config_error", code, httpStatus, reason: "credentials", detail };
    case "WA401":
      return { kind: "config_error", code, httpStatus, reason: "number_not_in_account", detail };
    case "WA-401": {
      // Two different answers share WA-401; the `error` key tells them apart, the text is the fallback.
      const keys = errorKeys(body!);
      const aboutNumber = keys.includes("phone_number") || (!keys.includes("account") && /version/i.test(detail));
      return { kind: "config_error", code, httpStatus, reason: aboutNumber ? "number_api_version" : "account_not_enabled", detail };
    }
    case "E110":
      return { kind: "pause", code, httpStatus, reason: "low_balance", detail };
    case "WAV2101":
      return { kind: "pause", code, httpStatus, reason: "daily_limit", detail };
    case "WA400":
      return { kind: "rejected", code, httpStatus, reason: "payload", detail };
    case "WA500":
      return { kind: "retry", code, httpStatus, reason: "server_error", detail, ...withRetryAfter };
  }

  const data = body?.data as { message_id?: unknown } | undefined;
  if (httpStatus >= 200 && httpStatus < 300 && typeof data?.message_id === "string" && data.message_id) {
    return { kind: "accepted", code, httpStatus, messageId: data.message_id };
  }
  if (httpStatus >= 500) return { kind: "retry", code, httpStatus, reason: "server_error", detail, ...withRetryAfter };
  if (httpStatus >= 400) return { kind: "rejected", code, httpStatus, reason: "unknown", detail };
  return { kind: "retry", code, httpStatus, reason: "unexpected_response", detail, ...withRetryAfter };
}

const TIMEOUT_CODES = new Set([
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
]);

/**
 * A failure before any HTTP answer (refused, reset, DNS, timeout). All are retryable: the
 * request either never reached Kaleyra or its fate is unknown. Walks `cause` because
 * undici and fetch wrap the socket error.
 */
export function classifyNetworkError(err: unknown): RetryOutcome {
  let code: string | undefined;
  let timedOut = false;
  const messages: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth += 1) {
    const e = current as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown };
    if (typeof e.code === "string") code ??= e.code;
    if (e.name === "TimeoutError" || (typeof e.code === "string" && TIMEOUT_CODES.has(e.code))) timedOut = true;
    if (typeof e.message === "string" && e.message) messages.push(e.message);
    current = e.cause;
  }
  const detail = cut([code, ...messages].filter(Boolean).join(": ") || String(err));
  return { kind: "retry", code: null, reason: timedOut ? "timeout" : "network", detail };
}

// ---------------------------------------------------------------------------------------
// Plain-English help for the merchant

export interface OutcomeHelp {
  title: string;
  explanation: string;
  action: string;
}

/** Stable key of an outcome class: `kind` or `kind:reason`. Stored with delivery records. */
export type OutcomeKey =
  | "accepted"
  | "invalid"
  | `config_error:${ConfigErrorReason}`
  | `pause:${PauseReason}`
  | `rejected:${RejectedReason}`
  | `retry:${RetryReason}`;

/** Every outcome class, for exhaustive checks and admin filters. */
export const OUTCOME_KEYS: readonly OutcomeKey[] = [
  "accepted",
  "invalid",
  ...CONFIG_ERROR_REASONS.map((r) => `config_error:${r}` as const),
  ...PAUSE_REASONS.map((r) => `pause:${r}` as const),
  ...REJECTED_REASONS.map((r) => `rejected:${r}` as const),
  ...RETRY_REASONS.map((r) => `retry:${r}` as const),
];

export function outcomeKey(outcome: KaleyraOutcome): OutcomeKey {
  switch (outcome.kind) {
    case "accepted":
    case "invalid":
      return outcome.kind;
    case "config_error":
      return `config_error:${outcome.reason}`;
    case "pause":
      return `pause:${outcome.reason}`;
    case "rejected":
      return `rejected:${outcome.reason}`;
    case "retry":
      return `retry:${outcome.reason}`;
  }
}

export const OUTCOME_HELP: Readonly<Record<OutcomeKey, OutcomeHelp>> = {
  accepted: {
    title: "Sent to Kaleyra",
    explanation: "Kaleyra accepted the message for delivery on WhatsApp.",
    action: "Nothing to do. Delivery updates arrive from Kaleyra later.",
  },
  invalid: {
    title: "Message not sent: it did not pass our checks",
    explanation:
      "The message or the saved Kaleyra settings break one of Kaleyra's rules (for example a text over 1,024 characters, an order reference with characters WhatsApp does not allow, or a phone number that is not in international format).",
    action: "Open the details to see which field is wrong, fix the template or settings, then resend.",
  },
  "config_error:credentials": {
    title: "Kaleyra rejected the SID or API key",
    explanation: "Kaleyra answered that the account SID or the API key is incorrect.",
    action:
      "Check the SID, API key and Kaleyra region in Settings and save any correction. If they are right, press Resume sending: it checks them with Kaleyra.",
  },
  "config_error:number_not_in_account": {
    title: "WhatsApp number not in this Kaleyra account",
    explanation: "The business phone number is missing or does not belong to the Kaleyra account of this SID.",
    action:
      "Check the WhatsApp business number in Settings: it must be the number registered in your Kaleyra account, with country code. If it is right (for example just added), press Resume sending.",
  },
  "config_error:account_not_enabled": {
    title: "WhatsApp API not enabled for this Kaleyra account",
    explanation: "Kaleyra says the API is not available for your account type.",
    action: "Contact Kaleyra support and ask them to enable the WhatsApp API (V2) for your account.",
  },
  "config_error:number_api_version": {
    title: "WhatsApp number is on a different Kaleyra API version",
    explanation: "The business number is set up on another version of Kaleyra's WhatsApp API than the one this app uses (V2).",
    action: "Ask Kaleyra support to move the number to WhatsApp API V2, or use a number that is already on V2.",
  },
  "pause:low_balance": {
    title: "Kaleyra balance too low",
    explanation: "Your prepaid Kaleyra balance has run out, so messages are paused.",
    action: "Top up your Kaleyra balance. Paused messages are sent again afterwards.",
  },
  "pause:daily_limit": {
    title: "Kaleyra daily limit reached",
    explanation: "Your Kaleyra account has reached its daily sending limit.",
    action: "Messages resume when the limit resets. To send more per day, ask Kaleyra to raise the limit.",
  },
  "rejected:payload": {
    title: "Kaleyra refused the message format",
    explanation: "Kaleyra answered that the message does not match its format. Resending the same message will not help.",
    action:
      "Fix the template's text (or the order reference setting), then press Retry: the message is planned again from your current template. If they look right, contact the app's support.",
  },
  "rejected:unknown": {
    title: "Kaleyra refused the message",
    explanation: "Kaleyra refused the message with an answer this app does not recognise.",
    action: "Open the details for Kaleyra's answer; contact Kaleyra or the app's support if it is unclear.",
  },
  "retry:server_error": {
    title: "Kaleyra had a temporary problem",
    explanation: "Kaleyra's server answered with an error. This is usually temporary.",
    action: "Nothing to do: the message is retried automatically.",
  },
  "retry:rate_limited": {
    title: "Sending too fast for Kaleyra",
    explanation: "Kaleyra asked us to slow down.",
    action: "Nothing to do: the message is retried automatically after a pause.",
  },
  "retry:network": {
    title: "Could not reach Kaleyra",
    explanation: "The connection to Kaleyra failed or was cut off.",
    action: "Nothing to do: the message is retried automatically. If this persists, check Kaleyra's status page.",
  },
  "retry:timeout": {
    title: "Kaleyra did not answer in time",
    explanation: "Kaleyra took too long to answer.",
    action: "Nothing to do: the message is retried automatically.",
  },
  "retry:unexpected_response": {
    title: "Unexpected answer from Kaleyra",
    explanation: "The answer looked successful but had no message id, so it may not have come from Kaleyra.",
    action: "Nothing to do: the message is retried automatically. If this persists, contact the app's support.",
  },
};

export function explainOutcome(outcome: KaleyraOutcome): OutcomeHelp {
  return OUTCOME_HELP[outcomeKey(outcome)];
}
