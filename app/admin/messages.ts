/**
 * The message log's pure parts: the list's filters, how a row is shown, the link to the
 * order in the Shopify admin and the request as the merchant may see it. Server side only
 * (zod); the page's labels are in message-states.ts.
 */
import { z } from "zod";
import { maskPhone, NO_GIFT_PHONE_REASON, NO_PHONE_REASON } from "../orders/recipient";
import { FILTER_STATES, MESSAGE_FILTER_STATES, type MessageFilterState } from "./message-states";

export const PAGE_SIZE = 20;

/** Query parameters of the log; anything malformed falls back to "no filter" instead of an error page. */
export const messageFilterSchema = z.object({
  state: z.enum(MESSAGE_FILTER_STATES).optional().catch(undefined),
  q: z
    .string()
    .trim()
    .max(100)
    .optional()
    .catch(undefined)
    .transform((value) => (value ? value : undefined)),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
  /** Only messages created in the last `days` days (Home's counts link with it). */
  days: z.coerce.number().int().min(1).max(366).optional().catch(undefined),
});

export type MessageFilter = z.infer<typeof messageFilterSchema>;

export function parseMessageFilter(params: URLSearchParams): MessageFilter {
  return messageFilterSchema.parse({
    state: params.get("state") ?? undefined,
    q: params.get("q") ?? undefined,
    page: params.get("page") ?? undefined,
    days: params.get("days") ?? undefined,
  });
}

/** The states a filter matches. */
export function statesFor(filter: MessageFilterState): string[] {
  return [...FILTER_STATES[filter]];
}

/** The order's page in the Shopify admin (opened in the top window, out of the app's frame). */
export function orderAdminUrl(shopDomain: string, orderId: string): string {
  const handle = shopDomain.replace(/\.myshopify\.com$/, "");
  return `https://admin.shopify.com/store/${encodeURIComponent(handle)}/orders/${encodeURIComponent(orderId)}`;
}

export interface ShownRecipient {
  /** The masked number, or whose number is missing. */
  text: string;
  missing: boolean;
  /** Why there is no number, when the message's skip reason says (the planner's words after its prefix). */
  why: string | null;
}

/**
 * The recipient as the log shows it. A message has no number only when none of the order's
 * phones could be used (the planner picks one for every message, skipped or not), so the
 * log says so, and for whom, instead of a dash.
 */
export function shownRecipient(recipient: string | null, audience: string, skipReason: string | null): ShownRecipient {
  if (recipient) return { text: maskPhone(recipient), missing: false, why: null };
  const text = audience === "gift_recipient" ? "no phone number for the gift recipient" : "no phone number for the buyer";
  const prefix = [NO_PHONE_REASON, NO_GIFT_PHONE_REASON].find((start) => skipReason?.startsWith(`${start}: `));
  return { text, missing: true, why: prefix && skipReason ? skipReason.slice(prefix.length + 2) : null };
}

export function isRetryable(state: string): boolean {
  return state === "failed" || state === "skipped";
}

const SECRET_HEADERS = new Set(["api-key", "authorization"]);

/**
 * The stored request, pretty-printed for the detail page: secret headers are left out
 * entirely and the shopper's number is masked like everywhere else in the admin.
 */
export function requestForDisplay(requestJson: string | null): string | null {
  if (!requestJson) return null;
  let request: { url?: unknown; headers?: unknown; body?: unknown };
  try {
    request = JSON.parse(requestJson) as typeof request;
  } catch {
    return null;
  }
  const headers =
    request.headers && typeof request.headers === "object"
      ? Object.fromEntries(
          Object.entries(request.headers as Record<string, unknown>).filter(([name]) => !SECRET_HEADERS.has(name.toLowerCase())),
        )
      : undefined;
  const body = structuredClone(request.body) as { messaging_object?: { to?: unknown } } | undefined;
  if (body?.messaging_object && typeof body.messaging_object.to === "string") {
    body.messaging_object.to = maskPhone(body.messaging_object.to);
  }
  return JSON.stringify({ method: "POST", url: request.url, headers, body }, null, 2);
}
