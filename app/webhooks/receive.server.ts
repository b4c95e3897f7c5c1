import { SHOP_DOMAIN } from "../shops/domain";
import { config } from "../config.server";
import { sql } from "../db/sql-instance.server";
import { laneOf } from "../inbox/lane";
import { logger } from "../logger.server";
import { announceInboxDeliveries } from "../outbox/notify.server";
import { acknowledge } from "../outbox/wake.server";
import { MAX_WEBHOOK_BYTES } from "../server/limits";
import { checkDeliveryHeaders, SHOPIFY_HEADERS } from "./delivery-headers";
import { acceptWebhook, WebhookReplayError } from "./ingest.server";
import { normaliseTopic } from "./topics";
import type { WebhookDelivery } from "./types";

const log = logger.child({ module: "webhooks" });

function status(code: number): Response {
  return new Response(null, { status: code });
}

/** A request header's value, or undefined when absent. */
export type HeaderLookup = (name: string) => string | null | undefined;

/**
 * Every webhook route: authenticate (HMAC), keep the delivery in the inbox, answer. Nothing is
 * decided here: the inbox processor decides, the delivery worker sends. 200 means the
 * delivery is stored durably; any storage failure answers 503 so that Shopify retries.
 *
 * The delivery is authenticated here rather than by `authenticate.webhook`: the same checks
 * and answers (delivery-headers.ts), but over the bytes received (decoded text would let a
 * dropped byte-order mark pass under another body's signature), on one read of the body,
 * and without the library's second request and its conversion (bench/README.md).
 */
export function receiveWebhook(incoming: Request): Promise<Response> {
  return acknowledge(async () => {
    if (incoming.method !== "POST") return status(405);
    if (Number(incoming.headers.get("content-length") ?? 0) > MAX_WEBHOOK_BYTES) return status(413);
    // A chunked body has no length to check up front: read it up to the limit, no further.
    const rawBytes = await readBodyWithin(incoming, MAX_WEBHOOK_BYTES);
    if (rawBytes === undefined) return status(413);
    return status(await answerDelivery((name) => incoming.headers.get(name), rawBytes));
  });
}

/**
 * The answer to a POSTed delivery whose body was read within MAX_WEBHOOK_BYTES: the status
 * code receiveWebhook answers with. The production server calls it without building a Fetch
 * Request (app/server/http.server.ts), inside `acknowledge` as receiveWebhook does.
 */
export async function answerDelivery(header: HeaderLookup, rawBytes: Uint8Array): Promise<number> {
  // Shopify sends each of its headers once and none of their values holds a comma; a comma
  // is two copies of a header joined together, which no genuine delivery has.
  if (SHOPIFY_HEADERS.some((name) => header(name)?.includes(","))) return 400;
  const checked = checkDeliveryHeaders(header, rawBytes, config().SHOPIFY_API_SECRET);
  if (!checked.ok) return checked.status;
  const { headers } = checked;
  // The signature covers the body only: the shop header must at least be a shop's domain.
  if (!SHOP_DOMAIN.test(headers.shop)) return 400;

  // Decoded as Request.text() decodes (a leading BOM dropped).
  const rawBody = new TextDecoder().decode(rawBytes);
  const topic = normaliseTopic(headers.rawTopic);
  const payload = parseJson(rawBody);
  const delivery: WebhookDelivery = {
    shop: headers.shop,
    rawTopic: headers.rawTopic,
    topic,
    webhookId: headers.webhookId,
    eventId: headers.eventId,
    triggeredAt: parseDate(headers.triggeredAt),
    rawBody,
    lane: laneOf(topic, payload),
    // A signed body that is not JSON is kept as ignored: a 5xx would have Shopify retry it for hours.
    malformed: payload === NOT_JSON ? "the body is not valid JSON" : undefined,
  };
  return keep(delivery);
}

/** Stores an authenticated delivery and answers: 200 once kept, 503 when it could not be. */
async function keep(delivery: WebhookDelivery): Promise<number> {
  try {
    const result = await acceptWebhook(sql(), delivery, new Date());
    if (result === "received") announceInboxDeliveries(sql(), log);
    log.debug({ shop: delivery.shop, topic: delivery.rawTopic, webhookId: delivery.webhookId, result }, "webhook kept");
    return 200;
  } catch (error) {
    if (error instanceof WebhookReplayError) {
      log.warn({ shop: delivery.shop, topic: delivery.rawTopic, webhookId: delivery.webhookId }, error.message);
      return 401;
    }
    log.error(
      { err: error, shop: delivery.shop, topic: delivery.rawTopic, webhookId: delivery.webhookId },
      "webhook not stored; asking Shopify to retry",
    );
    return 503;
  }
}

const NOT_JSON = Symbol("not JSON");

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
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

function parseDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
