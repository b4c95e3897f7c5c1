import { hasValidHmac } from "./hmac.server";

/** The headers of Shopify's classic webhooks and of its newer event deliveries. */
export const DELIVERY_HEADERS = {
  webhooks: {
    hmac: "x-shopify-hmac-sha256",
    topic: "x-shopify-topic",
    domain: "x-shopify-shop-domain",
    apiVersion: "x-shopify-api-version",
    webhookId: "x-shopify-webhook-id",
    eventId: "x-shopify-event-id",
    triggeredAt: "x-shopify-triggered-at",
  },
  events: {
    hmac: "shopify-hmac-sha256",
    topic: "shopify-topic",
    domain: "shopify-shop-domain",
    apiVersion: "shopify-api-version",
    webhookId: "shopify-webhook-id",
    eventId: "shopify-event-id",
    triggeredAt: "shopify-triggered-at",
  },
} as const;

/** Every Shopify header of both delivery kinds: none may come twice. */
export const SHOPIFY_HEADERS = [...Object.values(DELIVERY_HEADERS.webhooks), ...Object.values(DELIVERY_HEADERS.events)];

export interface SignedHeaders {
  shop: string;
  /** As Shopify's library stores a topic: `ORDERS_CREATE` for `orders/create`. */
  rawTopic: string;
  webhookId: string;
  eventId?: string;
  triggeredAt?: string;
}

export type HeaderCheck = { ok: true; headers: SignedHeaders } | { ok: false; status: 400 | 401 };

/**
 * Authenticates a delivery as Shopify's library does, in its order and with its answers: the
 * signature first (missing: 400, wrong: 401), then the headers every delivery carries (any
 * missing: 400; an event delivery also needs its event id). The signature is checked over
 * the bytes received, not over decoded text.
 */
export function checkDeliveryHeaders(get: (name: string) => string | null | undefined, rawBody: Uint8Array, secret: string): HeaderCheck {
  const names = get(DELIVERY_HEADERS.events.hmac) ? DELIVERY_HEADERS.events : DELIVERY_HEADERS.webhooks;
  const hmac = get(names.hmac);
  if (!hmac) return { ok: false, status: 400 };
  if (!hasValidHmac(rawBody, hmac, secret)) return { ok: false, status: 401 };
  const topic = get(names.topic);
  const shop = get(names.domain);
  const webhookId = get(names.webhookId);
  const eventId = get(names.eventId) || undefined;
  if (!topic || !shop || !get(names.apiVersion) || !webhookId) return { ok: false, status: 400 };
  if (names === DELIVERY_HEADERS.events && !eventId) return { ok: false, status: 400 };
  return {
    ok: true,
    headers: {
      shop,
      rawTopic: topic.toUpperCase().replace(/[/.]/g, "_"),
      webhookId,
      eventId,
      triggeredAt: get(names.triggeredAt) || undefined,
    },
  };
}
