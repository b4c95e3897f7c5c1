import { config } from "../config.server";
import { sql } from "../db/sql-instance.server";
import { logger } from "../logger.server";
import { MAX_WEBHOOK_BYTES } from "../server/limits";
import { authenticate } from "../shopify.server";
import { hasValidHmac } from "./hmac.server";
import { ingestWebhook, WebhookReplayError, type WebhookDelivery } from "./ingest.server";
import { normaliseTopic } from "./topics";
import { wakeDeliveryWorkers } from "../outbox/wake.server";

const log = logger.child({ module: "webhooks" });

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

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
export async function receiveWebhook(request: Request): Promise<Response> {
  if (request.method !== "POST") return status(405);
  if (Number(request.headers.get("content-length") ?? 0) > MAX_WEBHOOK_BYTES) return status(413);
  const rawBody = await request.clone().text();
  if (Buffer.byteLength(rawBody) > MAX_WEBHOOK_BYTES) return status(413);

  let delivery: WebhookDelivery;
  if (!isJson(rawBody)) {
    // The library parses the body after checking the signature and would fail with a 500,
    // which Shopify retries for hours. A signed body that is not JSON is kept as ignored.
    const secret = config().SHOPIFY_API_SECRET;
    if (!hasValidHmac(rawBody, request.headers.get("x-shopify-hmac-sha256"), secret)) return status(401);
    const shop = request.headers.get("x-shopify-shop-domain") ?? "";
    const webhookId = request.headers.get("x-shopify-webhook-id") ?? "";
    const rawTopic = request.headers.get("x-shopify-topic") ?? "";
    if (!SHOP_DOMAIN.test(shop) || !webhookId || !rawTopic) return status(400);
    delivery = {
      shop,
      rawTopic,
      topic: normaliseTopic(rawTopic),
      webhookId,
      eventId: request.headers.get("x-shopify-event-id") ?? undefined,
      triggeredAt: parseDate(request.headers.get("x-shopify-triggered-at")),
      rawBody,
      malformed: "the body is not valid JSON",
    };
  } else {
    let context;
    try {
      context = await authenticate.webhook(request);
    } catch (error) {
      if (error instanceof Response) return error;
      // Reading the shop's session failed: the database is not answering.
      log.error({ err: error }, "webhook authentication failed");
      return status(503);
    }
    delivery = {
      shop: context.shop,
      rawTopic: context.topic,
      topic: normaliseTopic(context.topic),
      webhookId: context.webhookId,
      eventId: context.eventId || undefined,
      triggeredAt: parseDate(context.triggeredAt ?? null),
      rawBody,
    };
  }

  try {
    const result = await ingestWebhook(sql(), delivery, new Date());
    if (result.enqueued > 0) wakeDeliveryWorkers();
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

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function parseDate(value: string | null): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
