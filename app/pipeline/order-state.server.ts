import type { SqlExecutor } from "../db/sql.server";
import type { OrderKnowledge } from "../orders/knowledge";

export interface StoredOrder {
  knowledge: OrderKnowledge | undefined;
  lookupAttempts: number;
}

/**
 * The order's knowledge, locked for this transaction: on PostgreSQL two webhooks for the
 * same order must not merge their facts from the same old version (a lost update).
 */
export async function loadOrderForUpdate(tx: SqlExecutor, shop: string, orderId: string, now: Date): Promise<StoredOrder> {
  // PostgreSQL: one statement creates the row if need be and locks it (a conflicting upsert
  // takes the row lock, waits for another holder, then returns the latest committed version).
  // SQLite: the transaction already holds the database's only write lock.
  const rows =
    tx.provider === "postgresql"
      ? await tx.query<{ knowledge: string; lookupAttempts: number }>(
          `INSERT INTO "OrderState" ("shopDomain", "orderId", "knowledge", "updatedAt") VALUES (?, ?, '', ?)
           ON CONFLICT ("shopDomain", "orderId") DO UPDATE SET "orderId" = excluded."orderId"
           RETURNING "knowledge", "lookupAttempts"`,
          [shop, orderId, now],
        )
      : await tx.query<{ knowledge: string; lookupAttempts: number }>(
          `SELECT "knowledge", "lookupAttempts" FROM "OrderState" WHERE "shopDomain" = ? AND "orderId" = ?`,
          [shop, orderId],
        );
  const row = rows[0];
  return {
    knowledge: row?.knowledge ? (JSON.parse(row.knowledge) as OrderKnowledge) : undefined,
    lookupAttempts: Number(row?.lookupAttempts ?? 0),
  };
}

export async function saveOrder(
  tx: SqlExecutor,
  shop: string,
  knowledge: OrderKnowledge,
  lookup: { dueAt: Date | null; attempts?: number; error?: string | null },
  now: Date,
): Promise<void> {
  await tx.execute(
    `INSERT INTO "OrderState" ("shopDomain", "orderId", "orderName", "knowledge", "lookupDueAt", "lookupAttempts", "lookupError", "updatedAt")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT ("shopDomain", "orderId") DO UPDATE SET "orderName" = excluded."orderName", "knowledge" = excluded."knowledge",
       "lookupDueAt" = excluded."lookupDueAt", "lookupAttempts" = excluded."lookupAttempts", "lookupError" = excluded."lookupError",
       "updatedAt" = excluded."updatedAt"`,
    [
      shop,
      knowledge.orderId,
      knowledge.orderName,
      JSON.stringify(knowledge),
      lookup.dueAt,
      lookup.attempts ?? 0,
      lookup.error ?? null,
      now,
    ],
  );
}

/** The order's knowledge and its stored text, without a lock (null when the app has none). */
export async function readOrderKnowledge(
  tx: SqlExecutor,
  shop: string,
  orderId: string,
): Promise<{ knowledge: OrderKnowledge; text: string } | undefined> {
  const rows = await tx.query<{ knowledge: string }>(
    `SELECT "knowledge" FROM "OrderState" WHERE "shopDomain" = ? AND "orderId" = ?`,
    [shop, orderId],
  );
  const text = rows[0]?.knowledge;
  return text ? { knowledge: JSON.parse(text) as OrderKnowledge, text } : undefined;
}

/** Replaces the knowledge only if it is still `expected`; leaves the lookup schedule alone. Returns rows changed. */
export async function replaceKnowledgeIfUnchanged(
  tx: SqlExecutor,
  shop: string,
  knowledge: OrderKnowledge,
  expected: string,
): Promise<number> {
  return tx.execute(`UPDATE "OrderState" SET "knowledge" = ? WHERE "shopDomain" = ? AND "orderId" = ? AND "knowledge" = ?`, [
    JSON.stringify(knowledge),
    shop,
    knowledge.orderId,
    expected,
  ]);
}
