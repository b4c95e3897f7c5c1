import { createHash } from "node:crypto";
import { claimBody } from "../db/repositories/webhook-bodies.server";
import { recordEvent, webhookIdSeenElsewhere } from "../db/repositories/webhook-events.server";
import { timeOrderedId } from "../db/ids";
import type { SqlDatabase, SqlExecutor } from "../db/sql.server";
import { handleComplianceTopic } from "./compliance.server";
import { handleOrderTopic } from "../pipeline/order-events.server";
import { handleAppTopic } from "./shop-lifecycle.server";
import { namedShop } from "./named-shop";
import { isOrderTopic } from "./topics";
import type { IngestResult, TopicResult, WebhookDelivery } from "./types";

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

/** A webhook's 200 tells Shopify never to resend it: the event must be on disk first. */
export const WEBHOOK_COMMIT = { durable: true } as const;

/**
 * Keeps one webhook delivery and everything it causes (order facts, queued messages, shop
 * state) in one durable transaction. A delivery seen before changes nothing.
 */
export async function ingestWebhook(
  db: SqlDatabase,
  delivery: WebhookDelivery,
  now: Date,
): Promise<IngestResult> {
  try {
    return await db.transaction(async (tx) => {
      if (await webhookIdSeenElsewhere(tx, delivery.webhookId, delivery.shop)) throw new WebhookReplayError();
      if (!(await bodyBelongsTo(tx, delivery, now))) throw new WebhookReplayError();
      const result = await handleTopic(tx, delivery, now);
      if (result.unrecorded) return result;
      // The event is recorded last, with its outcome: one statement instead of an insert and
      // an update. A delivery seen before finds its row taken and rolls back what it did.
      const inserted = await recordEvent(tx, {
        id: timeOrderedId(),
        shopDomain: delivery.shop,
        eventKey: eventKey(delivery),
        webhookId: delivery.webhookId,
        topic: delivery.rawTopic,
        triggeredAt: delivery.triggeredAt ?? null,
        receivedAt: now,
        outcome: result.outcome,
        reason: result.reason ?? null,
        orderId: result.orderId ?? null,
      });
      if (!inserted) throw new SeenBefore();
      return result;
    }, WEBHOOK_COMMIT);
  } catch (error) {
    if (error instanceof SeenBefore) return { outcome: "duplicate", enqueued: 0 };
    throw error;
  }
}

/** Thrown inside the transaction to roll back a delivery whose event is already recorded. */
class SeenBefore extends Error {}

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

async function handleTopic(tx: SqlExecutor, delivery: WebhookDelivery, now: Date): Promise<TopicResult> {
  if (delivery.malformed) return { outcome: "ignored", reason: delivery.malformed, enqueued: 0 };
  const topic = delivery.topic;
  if (namedShop(topic, delivery.rawBody, delivery.shop) === "none") {
    return { outcome: "ignored", reason: `the ${topic} body does not name this shop`, enqueued: 0 };
  }
  if (!topic) {
    return { outcome: "ignored", reason: `topic ${delivery.rawTopic} is not one the app handles`, enqueued: 0 };
  }
  if (topic === "app/uninstalled" || topic === "app/scopes_update") {
    return handleAppTopic(tx, topic, delivery, now);
  }
  if (isOrderTopic(topic)) return handleOrderTopic(tx, topic, delivery, now);
  return handleComplianceTopic(tx, topic, delivery, now);
}
