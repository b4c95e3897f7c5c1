/**
 * The HTTP limits, in one place (SECURITY.md, "Request limits", says why each is what it is).
 * Every body is read up to its route's limit before anything parses it; past it the answer
 * is 413 and the rest is never read.
 */
import { INBOUND_PATH_PREFIX } from "../consent/kaleyra-inbound";
import { CALLBACK_PATH_PREFIX } from "../receipts/kaleyra-callback";

/** Shopify sends webhooks well under this; a larger body is refused (413) before it is kept. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

/** Kaleyra's status callbacks and inbound messages: one status is about 1 KB; a body naming a few hundred fits. */
export const MAX_CALLBACK_BYTES = 256 * 1024;

/**
 * The admin's forms. The largest is Templates: five bodies and descriptions, each within the
 * bound app/admin/templates.ts reads before it counts anything (8 code units a character of
 * Kaleyra's limit), URL-encoded at up to 9 bytes a code unit (a 3-byte UTF-8 character as
 * %XX%XX%XX): 5 × (8,192 + 960) × 9 ≈ 412 KB.
 */
export const MAX_FORM_BYTES = 512 * 1024;

/** /auth/* (the login form posts one shop domain) and every other route. */
export const MAX_OTHER_BYTES = 8 * 1024;

/** The body limit of a request to `path`. */
export function bodyLimitFor(path: string): number {
  if (path === "/webhooks" || path.startsWith("/webhooks/")) return MAX_WEBHOOK_BYTES;
  if (path === "/app" || path.startsWith("/app/")) return MAX_FORM_BYTES;
  if (path.startsWith(CALLBACK_PATH_PREFIX) || path.startsWith(INBOUND_PATH_PREFIX)) return MAX_CALLBACK_BYTES;
  return MAX_OTHER_BYTES;
}

/** Node's HTTP server timeouts and connection cap (server.ts applies them). */
export const SERVER_LIMITS = {
  /** All of a request's headers must arrive within this (Node's default is 60 s). */
  headersTimeoutMs: 10_000,
  /** The whole request, body included (Node's default is 300 s); Shopify gives a webhook 5 s. */
  requestTimeoutMs: 30_000,
  /** An idle keep-alive socket is closed after this: longer than the 60 s idle timeout of the usual load balancers, so they close first. */
  keepAliveTimeoutMs: 65_000,
  /** How often Node checks the two timeouts above (its default, 30 s, would let them run 30 s late). */
  connectionsCheckingIntervalMs: 1_000,
  /** Open connections at once; past it new ones are closed at once, before they cost anything. */
  maxConnections: 2_000,
} as const;

/** No log line carries more of a foreign message than this many characters. */
export const MAX_LOGGED_MESSAGE_CHARS = 1_000;
