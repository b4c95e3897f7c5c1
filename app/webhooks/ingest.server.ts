import { createHash } from "node:crypto";
import { keepDelivery } from "../db/repositories/webhook-events.server";
import { arrivalOrderedId } from "../db/ids";
import type { SqlDatabase } from "../db/sql.server";
import { namedShop } from "./named-shop";
import type { AcceptResult, WebhookDelivery } from "./types";

/**
 * A signed body replayed under headers it was not sent with (the signature covers the body
 * only): its webhook id or its body already delivered for another shop, or its body for
 * another topic, or a body naming another shop than its header.
 */
export class WebhookReplayError extends Error {
  override name = "WebhookReplayError";
  constructor() {
    super("webhook id or body already seen for another shop or topic");
  }
}

/** Same shop and event id (else webhook id): the same event, however often it is delivered. */
export function eventKey(delivery: Pick<WebhookDelivery, "eventId" | "webhookId">): string {
  return delivery.eventId ? `event:${delivery.eventId}` : `webhook:${delivery.webhookId}`;
}

/**
 * Keeps one authenticated delivery in the inbox, durably, de-duplicated on the event key,
 * unless it is a replay (WebhookReplayError, nothing kept). Nothing is decided here; the inbox
 * processor (app/inbox) does that afterwards. A body that is not JSON is kept as ignored.
 */
export async function acceptWebhook(db: SqlDatabase, delivery: WebhookDelivery, now: Date): Promise<AcceptResult> {
  // The signature covers the body only: a compliance or uninstall body naming another shop
  // than its header is a replay.
  if (namedShop(delivery.topic, delivery.rawBody, delivery.shop) === "other") throw new WebhookReplayError();
  const kept = await keepDelivery(db, {
    event: {
      id: arrivalOrderedId(now.getTime()),
      shopDomain: delivery.shop,
      eventKey: eventKey(delivery),
      webhookId: delivery.webhookId,
      topic: delivery.rawTopic,
      lane: delivery.lane ?? "",
      triggeredAt: delivery.triggeredAt ?? null,
      receivedAt: now,
      outcome: delivery.malformed ? "ignored" : "received",
      reason: delivery.malformed ?? null,
      body: delivery.malformed ? null : delivery.rawBody,
      processedAt: delivery.malformed ? now : null,
    },
    // A body first accepted for one shop and topic, arriving under another shop's or topic's
    // header (with a fresh webhook id, say), is a replay: an orders/create body re-sent as
    // orders/cancelled or shop/redact. The library names a topic `ORDERS_CREATE`, the header
    // `orders/create`: one name per topic.
    body: { hash: createHash("sha256").update(delivery.rawBody).digest("hex"), topic: delivery.topic ?? delivery.rawTopic },
  });
  if (kept === "replay") throw new WebhookReplayError();
  if (kept === "duplicate") return "duplicate";
  return delivery.malformed ? "ignored" : "received";
}
