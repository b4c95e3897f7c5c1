/**
 * What becomes of a Flow trigger firing after its flowTriggerReceive call. Pure: the worker
 * (runner.server.ts) records what `decideAfterCall` returns.
 *
 * A firing is at most once per message and trigger: flowTriggerReceive has no idempotency
 * key, so a call Shopify may have taken is never made again. The firing is marked `firing`
 * (durably) before the call, and afterwards:
 *
 * 1. Shopify took it (200, `flowTriggerReceive` with no userErrors): `fired`.
 * 2. Shopify certainly did not take it, and may later: HTTP 429 or 5xx, a THROTTLED GraphQL
 *    error, no connection made (refused, unknown host, connect timeout), userErrors that say
 *    to try again, the shop's session could not be read: `pending` again after the app's
 *    backoff (Retry-After when longer), until MAX_FIRING_ATTEMPTS; then `not_fired`.
 * 3. Shopify did not take it and will not: any other 4xx (a revoked token, a shop that is
 *    gone), other GraphQL errors, other userErrors, no offline session, the app uninstalled:
 *    `not_fired`, with the reason.
 * 4. Nobody knows: the deadline passed after the request left, the connection broke during
 *    the call, a 200 that cannot be read, or the worker stopped between the call and the
 *    record (the firing's lease ran out while `firing`): `unknown`, with the reason, logged,
 *    and never fired again.
 */
import { doublingDelayMs } from "../backoff";

export type FiringState = "pending" | "firing" | "fired" | "not_fired" | "unknown";

export type CallOutcome =
  | { kind: "taken" }
  | { kind: "not_taken"; retryable: boolean; reason: string; retryAfterMs?: number }
  | { kind: "ambiguous"; reason: string };

export type Decision =
  | { state: "fired" }
  | { state: "pending"; delayMs: number; error: string }
  | { state: "not_fired"; error: string }
  | { state: "unknown"; error: string };

/** Ten calls over about four and a half hours: Shopify's outages are shorter than that. */
export const MAX_FIRING_ATTEMPTS = 10;
const RETRY = { firstMs: 30_000, capMs: 60 * 60_000 };

/** The wait after `attempts` calls that Shopify certainly did not take. */
export function firingRetryDelayMs(attempts: number, retryAfterMs?: number): number {
  return Math.max(doublingDelayMs(attempts - 1, RETRY), retryAfterMs ?? 0);
}

/** What the firing becomes after its `attempts`-th call ended with `outcome`. */
export function decideAfterCall(
  outcome: CallOutcome,
  attempts: number,
  retryDelay: (attempts: number, retryAfterMs?: number) => number = firingRetryDelayMs,
): Decision {
  if (outcome.kind === "taken") return { state: "fired" };
  if (outcome.kind === "ambiguous") return { state: "unknown", error: `${outcome.reason}; Shopify may have run the workflows, so it is not fired again` };
  if (!outcome.retryable) return { state: "not_fired", error: outcome.reason };
  if (attempts >= MAX_FIRING_ATTEMPTS) return { state: "not_fired", error: `${outcome.reason} (gave up after ${attempts} attempts)` };
  return { state: "pending", delayMs: retryDelay(attempts, outcome.retryAfterMs), error: outcome.reason };
}

/** Why a firing whose lease ran out while `firing` is `unknown` (rule 4). */
export const LAPSED_REASON =
  "the worker stopped between the call and recording its answer; Shopify may have run the workflows, so it is not fired again";

/** Network errors raised before a connection existed: the request never left. */
const NOT_CONNECTED = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

/** The error's code, or its cause's (fetch wraps the socket's error as `cause`). */
export function networkErrorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && typeof current === "object" && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A call that ended without an answer. */
export function classifyNetworkError(error: unknown): CallOutcome {
  const name = error instanceof Error ? error.name : "";
  if (name === "TimeoutError" || name === "AbortError") return { kind: "ambiguous", reason: "Shopify did not answer in time" };
  const code = networkErrorCode(error);
  if (code && NOT_CONNECTED.has(code)) return { kind: "not_taken", retryable: true, reason: `could not connect to Shopify (${code})` };
  return { kind: "ambiguous", reason: `the connection to Shopify failed during the call (${code ?? (error instanceof Error ? error.message : "unknown error")})` };
}

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (value && typeof value === "object" ? (value as Json) : {});
const messagesOf = (list: unknown): string[] =>
  Array.isArray(list) ? list.map((item) => String(obj(item).message ?? "")).filter(Boolean) : [];

/** userErrors that ask the caller to come back later. */
const TRY_LATER = /throttl|try again|too many|rate limit|temporar/i;

/** Retry-After as milliseconds (Shopify sends seconds). */
function retryAfterMs(header: string | null): number | undefined {
  const seconds = header === null ? NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** A call that Shopify answered: its status, body (parsed JSON, or undefined) and Retry-After. */
export function classifyAnswer(status: number, body: unknown, retryAfter: string | null = null): CallOutcome {
  if (status === 429) return { kind: "not_taken", retryable: true, reason: "Shopify answered 429 (too many requests)", retryAfterMs: retryAfterMs(retryAfter) };
  if (status >= 500) return { kind: "not_taken", retryable: true, reason: `Shopify answered ${status}` };
  if (status !== 200) return { kind: "not_taken", retryable: false, reason: `Shopify refused the call (${status})` };
  const errors = obj(body).errors;
  if (Array.isArray(errors) && errors.length > 0) {
    const throttled = errors.some((error) => obj(obj(error).extensions).code === "THROTTLED");
    const words = messagesOf(errors).join("; ") || "GraphQL error";
    return { kind: "not_taken", retryable: throttled, reason: `Shopify refused the call: ${words}` };
  }
  const result = obj(obj(body).data).flowTriggerReceive;
  if (!result || typeof result !== "object") return { kind: "ambiguous", reason: "Shopify's answer could not be read" };
  const userErrors = messagesOf(obj(result).userErrors);
  if (userErrors.length === 0) return { kind: "taken" };
  const words = userErrors.join("; ");
  return { kind: "not_taken", retryable: TRY_LATER.test(words), reason: `Shopify refused the trigger: ${words}` };
}
