import { handleInbound } from "../consent/inbound.server";
import { INBOUND_TOPIC } from "../consent/kaleyra-inbound";
import type { SqlExecutor } from "../db/sql.server";
import { handleOrderTopic } from "../pipeline/order-events.server";
import { handleStatusCallback } from "../receipts/apply.server";
import { handleComplianceTopic } from "./compliance.server";
import { namedShop } from "./named-shop";
import { handleAppTopic } from "./shop-lifecycle.server";
import { isOrderTopic } from "./topics";
import type { TopicResult, WebhookDelivery } from "./types";

/**
 * The decision for one delivery taken from the inbox, inside the processor's transaction:
 * what the topic's handler does with it (order facts, queued messages, shop state, redaction),
 * or, for Kaleyra's status callbacks, the delivery state of the messages they name, and for
 * inbound messages, the shopper's window and consent.
 */
export async function handleTopic(tx: SqlExecutor, delivery: WebhookDelivery, now: Date): Promise<TopicResult> {
  if (delivery.malformed) return { outcome: "ignored", reason: delivery.malformed, enqueued: 0 };
  if (delivery.source === "kaleyra" && delivery.rawTopic === INBOUND_TOPIC) {
    return handleInbound(tx, delivery.shop, delivery.rawBody, delivery.receivedAt ?? now, now);
  }
  if (delivery.source === "kaleyra") {
    return handleStatusCallback(tx, delivery.shop, delivery.rawBody, delivery.receivedAt ?? now, now);
  }
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
