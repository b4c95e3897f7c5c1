import type { Insertable, Selectable } from "kysely";
import type { OrderState } from "../generated/kysely";
import { queries } from "../kysely.server";
import type { SqlExecutor } from "../sql.server";

/** The OrderState table: what the app knows of an order (JSON text), and its pending lookup. */
export type OrderStateRecord = Selectable<OrderState>;

const byOrder = (shop: string, orderId: string) => ({ shopDomain: shop, orderId });

/**
 * The order's row, locked for this transaction. PostgreSQL: one statement creates the row if
 * need be and locks it (a conflicting upsert takes the row lock, waits for another holder,
 * then returns the latest committed version), so two webhooks for one order cannot merge
 * their facts into the same old version. SQLite: the transaction already holds the database's
 * only write lock, and a missing row stays missing.
 */
export async function lockOrderState(
  tx: SqlExecutor,
  shop: string,
  orderId: string,
  now: Date,
): Promise<Pick<OrderStateRecord, "knowledge" | "lookupAttempts"> | undefined> {
  if (tx.provider === "postgresql") {
    return queries(tx)
      .insertInto("OrderState")
      .values({ ...byOrder(shop, orderId), knowledge: "", updatedAt: now })
      .onConflict((conflict) => conflict.columns(["shopDomain", "orderId"]).doUpdateSet((eb) => ({ orderId: eb.ref("excluded.orderId") })))
      .returning(["knowledge", "lookupAttempts"])
      .executeTakeFirst();
  }
  return queries(tx)
    .selectFrom("OrderState")
    .select(["knowledge", "lookupAttempts"])
    .where("shopDomain", "=", shop)
    .where("orderId", "=", orderId)
    .executeTakeFirst();
}

/** Writes the whole row, creating it if need be. */
export async function saveOrderState(tx: SqlExecutor, row: Insertable<OrderState> & { updatedAt: Date }): Promise<void> {
  const { shopDomain: _shop, orderId: _order, ...changes } = row;
  await queries(tx)
    .insertInto("OrderState")
    .values(row)
    .onConflict((conflict) => conflict.columns(["shopDomain", "orderId"]).doUpdateSet(changes))
    .execute();
}

/** The order's stored knowledge text, without a lock. */
export async function readKnowledgeText(tx: SqlExecutor, shop: string, orderId: string): Promise<string | undefined> {
  const row = await queries(tx)
    .selectFrom("OrderState")
    .select("knowledge")
    .where((eb) => eb.and({ shopDomain: shop, orderId }))
    .executeTakeFirst();
  return row?.knowledge;
}

/** Replaces the knowledge only if it is still `expected`; returns rows changed. */
export async function replaceKnowledgeIf(tx: SqlExecutor, shop: string, orderId: string, knowledge: string, expected: string): Promise<number> {
  const result = await queries(tx)
    .updateTable("OrderState")
    .set({ knowledge })
    .where((eb) => eb.and({ shopDomain: shop, orderId, knowledge: expected }))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Orders whose lookup is due at `now`, the longest-waiting first. */
export async function dueLookups(
  db: SqlExecutor,
  now: Date,
  limit: number,
): Promise<Array<Pick<OrderStateRecord, "shopDomain" | "orderId" | "lookupAttempts">>> {
  return queries(db)
    .selectFrom("OrderState")
    .select(["shopDomain", "orderId", "lookupAttempts"])
    .where("lookupDueAt", "is not", null)
    .where("lookupDueAt", "<=", now)
    .orderBy("lookupDueAt")
    .limit(limit)
    .execute();
}

/** Drops an order's pending lookup. */
export async function cancelLookup(tx: SqlExecutor, shop: string, orderId: string): Promise<void> {
  await queries(tx).updateTable("OrderState").set({ lookupDueAt: null }).where("shopDomain", "=", shop).where("orderId", "=", orderId).execute();
}

export async function deleteOrderState(tx: SqlExecutor, shop: string, orderId: string): Promise<void> {
  await queries(tx).deleteFrom("OrderState").where("shopDomain", "=", shop).where("orderId", "=", orderId).execute();
}

/** Deletes the row only while it holds no knowledge: one `lockOrderState` created just to wait on the order. */
export async function deleteEmptyOrderState(tx: SqlExecutor, shop: string, orderId: string): Promise<void> {
  await queries(tx).deleteFrom("OrderState").where("shopDomain", "=", shop).where("orderId", "=", orderId).where("knowledge", "=", "").execute();
}
