import {
  lockOrderState,
  readKnowledgeText,
  replaceKnowledgeIf,
  saveOrderState,
} from "../db/repositories/order-states.server";
import type { SqlExecutor } from "../db/sql.server";
import { applyOrder, type OrderKnowledge } from "../orders/knowledge";
import type { OrderPayload } from "../orders/payloads";

export interface StoredOrder {
  knowledge: OrderKnowledge | undefined;
  lookupAttempts: number;
}

/**
 * The order's knowledge, locked for this transaction: two webhooks for the same order must
 * not merge their facts from the same old version (a lost update).
 */
export async function loadOrderForUpdate(tx: SqlExecutor, shop: string, orderId: string, now: Date): Promise<StoredOrder> {
  const row = await lockOrderState(tx, shop, orderId, now);
  return {
    knowledge: row?.knowledge ? (JSON.parse(row.knowledge) as OrderKnowledge) : undefined,
    lookupAttempts: row?.lookupAttempts ?? 0,
  };
}

export async function saveOrder(
  tx: SqlExecutor,
  shop: string,
  knowledge: OrderKnowledge,
  lookup: { dueAt: Date | null; attempts?: number; error?: string | null },
  now: Date,
): Promise<void> {
  await saveOrderState(tx, {
    shopDomain: shop,
    orderId: knowledge.orderId,
    orderName: knowledge.orderName,
    knowledge: JSON.stringify(knowledge),
    lookupDueAt: lookup.dueAt,
    lookupAttempts: lookup.attempts ?? 0,
    lookupError: lookup.error ?? null,
    updatedAt: now,
  });
}

/** The order's knowledge and its stored text, without a lock (null when the app has none). */
export async function readOrderKnowledge(
  tx: SqlExecutor,
  shop: string,
  orderId: string,
): Promise<{ knowledge: OrderKnowledge; text: string } | undefined> {
  const text = await readKnowledgeText(tx, shop, orderId);
  return text ? { knowledge: JSON.parse(text) as OrderKnowledge, text } : undefined;
}

/** Replaces the knowledge only if it is still `expected`; leaves the lookup schedule alone. Returns rows changed. */
export async function replaceKnowledgeIfUnchanged(
  tx: SqlExecutor,
  shop: string,
  knowledge: OrderKnowledge,
  expected: string,
): Promise<number> {
  return replaceKnowledgeIf(tx, shop, knowledge.orderId, JSON.stringify(knowledge), expected);
}

/**
 * An order read from the Admin API merged into what the app knows, under the order's lock.
 * A lookup already scheduled stays so: the webhook it waits for is decided when it runs.
 */
export async function mergeOrderRead(tx: SqlExecutor, shop: string, order: OrderPayload, now: Date): Promise<OrderKnowledge> {
  const row = await lockOrderState(tx, shop, order.id, now);
  const stored = row?.knowledge ? (JSON.parse(row.knowledge) as OrderKnowledge) : undefined;
  const knowledge = applyOrder(stored, order);
  if (row?.knowledge) await replaceKnowledgeIf(tx, shop, order.id, JSON.stringify(knowledge), row.knowledge);
  else await saveOrder(tx, shop, knowledge, { dueAt: null }, now);
  return knowledge;
}
