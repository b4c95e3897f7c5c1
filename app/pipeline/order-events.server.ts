import type { SqlExecutor } from "../db/sql.server";
import { parseShopifyJson } from "../orders/shopify-json";
import { applyOrderWebhook, readOrderWebhook, type OrderWebhookEvent } from "../orders/webhook-event";
import { ensureShop } from "../db/repositories/shops.server";
import type { TopicResult, WebhookDelivery } from "../webhooks/types";
import type { OrderTopic } from "../webhooks/topics";
import { planAndEnqueue } from "./enqueue.server";
import { loadOrderForUpdate, readOrderKnowledge, replaceKnowledgeIfUnchanged, saveOrder } from "./order-state.server";
import { sameFacts } from "../orders/knowledge";
import { applyPendingOptIn } from "../consent/opt-in.server";

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

  if (event.topic === "orders/updated" && (await keptAsNoChange(tx, shop.domain, event))) {
    return { outcome: "processed", reason: "orders/updated changed nothing the app uses", orderId: event.orderId, enqueued: 0 };
  }

  const stored = await loadOrderForUpdate(tx, shop.domain, event.orderId, now);
  const knowledge = applyOrderWebhook(stored.knowledge, event);
  // A choice made on the thank-you page before this order arrived counts for its first messages.
  await applyPendingOptIn(tx, shop.domain, event.orderId, now, knowledge);
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

/**
 * orders/updated comes for every change to an order (tags, notes, payments, ...). One that
 * changes nothing the app knows decides nothing and costs one read, plus at most one
 * compare-and-set write keeping its newer timestamp (no row lock: if another webhook changed
 * the order meanwhile, the full path runs instead).
 */
async function keptAsNoChange(tx: SqlExecutor, shop: string, event: OrderWebhookEvent): Promise<boolean> {
  const current = await readOrderKnowledge(tx, shop, event.orderId);
  if (current === undefined) return false;
  const next = applyOrderWebhook(current.knowledge, event);
  if (!sameFacts(current.knowledge, next)) return false;
  if (next.orderUpdatedAt === current.knowledge.orderUpdatedAt) return true;
  return (await replaceKnowledgeIfUnchanged(tx, shop, next, current.text)) > 0;
}
