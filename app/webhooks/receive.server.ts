import { SHOP_DOMAIN } from "../shops/domain";
import { config } from "../config.server";
import { sql } from "../db/sql-instance.server";
import { logger } from "../logger.server";
import { MAX_WEBHOOK_BYTES } from "../server/limits";
import { authenticate } from "../shopify.server";
import { withoutSessionReads } from "../shops/session-storage.server";
import { hasValidHmac } from "./hmac.server";
import { ingestWebhook, WebhookReplayError } from "./ingest.server";
import type { WebhookDelivery } from "./types";
import { normaliseTopic } from "./topics";
import { announceQueuedMessages } from "../outbox/notify.server";

const log = logger.child({ module: "webhooks" });


function status(code: number, body?: unknown): Response {
  return body === undefined
    ? new Response(null, { status: code })
    : Response.json(body, { status: code });
}

/**
 * Every webhook route: authenticate (HMAC), keep the event and its consequences in one
 * transaction, answer. Nothing remote is called here; the delivery worker sends later.
 * 200 means the event is stored; any storage failure answers 503 so that Shopify retries.
 */
export async function receiveWebhook(incoming: Request): Promise<Response> {
  if (incoming.method !== "POST") return status(405);
  if (Number(incoming.headers.get("content-length") ?? 0) > MAX_WEBHOOK_BYTES) return status(413);
  // Shopify sends each of its headers once and none of their values holds a comma; a comma
  // is two copies of a header joined together, which no genuine delivery has.
  if (SHOPIFY_HEADERS.some((name) => incoming.headers.get(name)?.includes(","))) return status(400);
  // A chunked body has no length to check up front: read it up to the limit, no further.
  const rawBytes = await readBodyWithin(incoming, MAX_WEBHOOK_BYTES);
  if (rawBytes === undefined) return status(413);
  // The signature is over the bytes Shopify sent. The library checks it again over the
  // decoded text, which is not the same thing: a byte-order mark, dropped by decoding,
  // would pass there under another body's signature.
  const signature = incoming.headers.get("x-shopify-hmac-sha256") ?? incoming.headers.get("shopify-hmac-sha256");
  if (signature !== null && !hasValidHmac(rawBytes, signature, config().SHOPIFY_API_SECRET)) return status(401);
  // Decoded as Request.text() decodes (a leading BOM dropped), so the library reads the same text.
  const rawBody = new TextDecoder().decode(rawBytes);

  // A signed body under a header that is not a shop's domain: the library would fail on it
  // with a 500 (which Shopify would retry); it is a bad request.
  const shopHeader = incoming.headers.get("x-shopify-shop-domain") ?? incoming.headers.get("shopify-shop-domain");
  const hmacHeader = incoming.headers.get("x-shopify-hmac-sha256") ?? incoming.headers.get("shopify-hmac-sha256");
  if (shopHeader !== null && !SHOP_DOMAIN.test(shopHeader) && hasValidHmac(rawBody, hmacHeader, config().SHOPIFY_API_SECRET)) {
    return status(400);
  }
  let delivery: WebhookDelivery;
  // An empty body is "missing" to the library (400); signed, it is kept as ignored like any
  // other body that is not JSON.
  if (rawBody.length === 0) {
    const unparsable = unparsableDelivery(incoming.headers, rawBody);
    if (unparsable instanceof Response) return unparsable;
    return keep(unparsable);
  }
  // The library reads the body itself: it gets the text already read (and size-checked), and
  // only Shopify's headers, which are all it reads (it canonicalises every header it is given
  // on every lookup, and proxies add many).
  const request = new Request(incoming.url, { method: "POST", headers: shopifyHeadersOf(incoming.headers), body: rawBody });
  try {
    const context = await withoutSessionReads(() => authenticate.webhook(request));
    // The signature covers the body only: the shop header must at least be a shop's domain.
    if (!SHOP_DOMAIN.test(context.shop) || !context.webhookId) return status(400);
    delivery = {
      shop: context.shop,
      rawTopic: context.topic,
      topic: normaliseTopic(context.topic),
      webhookId: context.webhookId,
      eventId: context.eventId || undefined,
      triggeredAt: parseDate(context.triggeredAt ?? null),
      rawBody,
    };
  } catch (error) {
    // 400 for a missing header or signature, 401 for a wrong one, as the library answers.
    if (error instanceof Response) return error;
    // The library parses the body after checking the signature; a signed body that is not
    // JSON would be a 500, which Shopify retries for hours. It is kept as ignored.
    if (error instanceof SyntaxError) {
      const unparsable = unparsableDelivery(incoming.headers, rawBody);
      if (unparsable instanceof Response) return unparsable;
      delivery = unparsable;
    } else {
      log.error({ err: error }, "webhook authentication failed");
      return status(503);
    }
  }

  return keep(delivery);
}

/** Stores an authenticated delivery and answers: 200 once kept, 503 when it could not be. */
async function keep(delivery: WebhookDelivery): Promise<Response> {
  try {
    const result = await ingestWebhook(sql(), delivery, new Date());
    if (result.enqueued > 0) announceQueuedMessages(sql(), log);
    log.debug(
      { shop: delivery.shop, topic: delivery.rawTopic, webhookId: delivery.webhookId, ...result },
      "webhook kept",
    );
    return status(200);
  } catch (error) {
    if (error instanceof WebhookReplayError) {
      log.warn({ shop: delivery.shop, topic: delivery.rawTopic, webhookId: delivery.webhookId }, error.message);
      return status(401);
    }
    log.error(
      { err: error, shop: delivery.shop, topic: delivery.rawTopic, webhookId: delivery.webhookId },
      "webhook not stored; asking Shopify to retry",
    );
    return status(503);
  }
}

/** The headers of Shopify's classic webhooks and of its newer event deliveries. */
const DELIVERY_HEADERS = {
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
const SHOPIFY_HEADERS = [...Object.values(DELIVERY_HEADERS.webhooks), ...Object.values(DELIVERY_HEADERS.events)];

function shopifyHeadersOf(headers: Headers): Headers {
  const kept = new Headers();
  for (const [name, value] of headers) {
    if (name.startsWith("x-shopify-") || name.startsWith("shopify-") || name === "content-type") kept.set(name, value);
  }
  return kept;
}

/** The body's bytes, or undefined as soon as it grows past `limit` bytes (the rest is never read). */
async function readBodyWithin(request: Request, limit: number): Promise<Uint8Array | undefined> {
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      reader.releaseLock();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** A signed delivery whose body is not JSON, checked here since the library could not finish. */
function unparsableDelivery(headers: Headers, rawBody: string): WebhookDelivery | Response {
  // As the library answers: 400 without a signature, 401 for a wrong one.
  const hmac = headers.get("x-shopify-hmac-sha256");
  if (!hmac) return status(400);
  if (!hasValidHmac(rawBody, hmac, config().SHOPIFY_API_SECRET)) return status(401);
  const shop = headers.get("x-shopify-shop-domain") ?? "";
  const webhookId = headers.get("x-shopify-webhook-id") ?? "";
  const rawTopic = headers.get("x-shopify-topic") ?? "";
  if (!SHOP_DOMAIN.test(shop) || !webhookId || !rawTopic) return status(400);
  return {
    shop,
    rawTopic,
    topic: normaliseTopic(rawTopic),
    webhookId,
    eventId: headers.get("x-shopify-event-id") ?? undefined,
    triggeredAt: parseDate(headers.get("x-shopify-triggered-at")),
    rawBody,
    malformed: "the body is not valid JSON",
  };
}

function parseDate(value: string | null): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
