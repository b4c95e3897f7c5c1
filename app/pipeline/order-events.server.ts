import type { SqlExecutor } from "../db/sql.server";
import { parseShopifyJson } from "../orders/shopify-json";
import { applyOrderWebhook, readOrderWebhook } from "../orders/webhook-event";
import { ensureShop } from "../shops/shop-rows.server";
import type { TopicResult, WebhookDelivery } from "../webhooks/ingest.server";
import type { OrderTopic } from "../webhooks/topics";
import { planAndEnqueue } from "./enqueue.server";
import { loadOrderForUpdate, saveOrder } from "./order-state.server";

/**
 * An order or fulfillment webhook: merge its facts into what the app knows of the order,
 * decide the messages, queue them. When the order's line items are unknown (the app missed
 * orders/create) the event is deferred: the worker reads the order from the Admin API.
 */
export async function handleOrderTopic(
  tx: SqlExecutor,
  topic: OrderTopic,
  delivery: WebhookDelivery,
  now: Date,
): Promise<TopicResult> {
  let body: unknown;
  try {
    body = parseShopifyJson(delivery.rawBody);
  } catch {
    return { outcome: "ignored", reason: "the body is not valid JSON", enqueued: 0 };
  }
  const read = readOrderWebhook(topic, body);
  if (!read.ok) return { outcome: "ignored", reason: read.reason, enqueued: 0 };
  const { event } = read;

  const shop = await ensureShop(tx, delivery.shop, now);
  if (!shop.installed) {
    return { outcome: "ignored", reason: "the shop has uninstalled the app", orderId: event.orderId, enqueued: 0 };
  }

  const stored = await loadOrderForUpdate(tx, shop.domain, event.orderId, now);
  const knowledge = applyOrderWebhook(stored.knowledge, event);
  const result = await planAndEnqueue(tx, shop, knowledge, event.trigger, now);
  const deferred = result.decision.kind === "needs_order";
  await saveOrder(
    tx,
    shop.domain,
    knowledge,
    { dueAt: deferred ? now : null, attempts: deferred ? stored.lookupAttempts : 0 },
    now,
  );
  return {
    outcome: deferred ? "deferred" : "processed",
    reason: result.decision.reason,
    orderId: event.orderId,
    enqueued: result.enqueued,
  };
}
