import { createHash } from "node:crypto";
import { claimBody } from "../db/repositories/webhook-bodies.server";
import { recordEvent, webhookIdSeenElsewhere } from "../db/repositories/webhook-events.server";
import { arrivalOrderedId } from "../db/ids";
import type { SqlDatabase, SqlExecutor } from "../db/sql.server";
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

/** A webhook's 200 tells Shopify never to resend it: the delivery must be on disk first. */
export const WEBHOOK_COMMIT = { durable: true } as const;

/**
 * Keeps one authenticated delivery in the inbox, in one durable transaction: the replay
 * checks and one insert, de-duplicated on the event key. Nothing is decided here; the inbox
 * processor (app/inbox) does that afterwards. A body that is not JSON is kept as ignored.
 */
export async function acceptWebhook(db: SqlDatabase, delivery: WebhookDelivery, now: Date): Promise<AcceptResult> {
  return db.transaction(async (tx) => {
    if (await webhookIdSeenElsewhere(tx, delivery.webhookId, delivery.shop)) throw new WebhookReplayError();
    if (!(await bodyBelongsTo(tx, delivery, now))) throw new WebhookReplayError();
    const inserted = await recordEvent(tx, {
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
    });
    if (!inserted) return "duplicate";
    return delivery.malformed ? "ignored" : "received";
  }, WEBHOOK_COMMIT);
}

/**
 * The signature covers the body only. A body first accepted for one shop and topic, now
 * arriving under another shop's or another topic's header (with a fresh webhook id, say), is
 * a replay: an orders/create body re-sent as orders/cancelled or shop/redact. So is a
 * compliance or uninstall body that names a different shop than its header.
 */
async function bodyBelongsTo(tx: SqlExecutor, delivery: WebhookDelivery, now: Date): Promise<boolean> {
  if (namedShop(delivery.topic, delivery.rawBody, delivery.shop) === "other") return false;
  const hash = createHash("sha256").update(delivery.rawBody).digest("hex");
  // The library names a topic `ORDERS_CREATE`, the header `orders/create`: one name per topic.
  const topic = delivery.topic ?? delivery.rawTopic;
  // One statement: RETURNING names the first owner of a known body. A row kept before topics
  // were bound takes the topic of its next delivery.
  const owner = await claimBody(tx, { hash, shopDomain: delivery.shop, topic, receivedAt: now });
  return owner?.shopDomain === delivery.shop && owner?.topic === topic;
}
