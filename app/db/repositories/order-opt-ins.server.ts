import type { Selectable } from "kysely";
import type { OrderOptIn } from "../generated/kysely";
import { queries } from "../kysely.server";
import type { SqlExecutor } from "../sql.server";

/** The OrderOptIn table: a page's choice waiting for its order to arrive. */
export type OrderOptInRecord = Selectable<OrderOptIn>;

export async function findOrderOptIn(db: SqlExecutor, shop: string, orderId: string): Promise<OrderOptInRecord | undefined> {
  return queries(db).selectFrom("OrderOptIn").selectAll().where("shopDomain", "=", shop).where("orderId", "=", orderId).executeTakeFirst();
}

/** The latest choice for the order replaces an earlier one (the shopper toggled again). */
export async function saveOrderOptIn(db: SqlExecutor, row: OrderOptInRecord): Promise<void> {
  const { shopDomain: _shop, orderId: _order, ...changes } = row;
  await queries(db)
    .insertInto("OrderOptIn")
    .values(row)
    .onConflict((conflict) => conflict.columns(["shopDomain", "orderId"]).doUpdateSet(changes))
    .execute();
}

export async function deleteOrderOptIn(tx: SqlExecutor, shop: string, orderId: string): Promise<void> {
  await queries(tx).deleteFrom("OrderOptIn").where("shopDomain", "=", shop).where("orderId", "=", orderId).execute();
}

/** customers/redact: the waiting choices of the listed orders and of the shopper's numbers; returns their numbers. */
export async function deleteOrderOptInsOf(tx: SqlExecutor, shop: string, orderIds: readonly string[], phones: readonly string[]): Promise<string[]> {
  if (orderIds.length === 0 && phones.length === 0) return [];
  // "" keeps each IN list non-empty; no order id or number is "".
  const rows = await queries(tx)
    .selectFrom("OrderOptIn")
    .select("phone")
    .where("shopDomain", "=", shop)
    .where((eb) => eb.or([eb("orderId", "in", ["", ...orderIds]), eb("phone", "in", ["", ...phones])]))
    .execute();
  await queries(tx)
    .deleteFrom("OrderOptIn")
    .where("shopDomain", "=", shop)
    .where((eb) => eb.or([eb("orderId", "in", ["", ...orderIds]), eb("phone", "in", ["", ...phones])]))
    .execute();
  return rows.map((row) => row.phone);
}

/** Choices whose order never came within their time; returns how many were deleted. */
export async function deleteOrderOptInsBefore(db: SqlExecutor, before: Date, limit: number): Promise<number> {
  const stale = await queries(db).selectFrom("OrderOptIn").select(["shopDomain", "orderId"]).where("consentAt", "<", before).limit(limit).execute();
  for (const row of stale) await deleteOrderOptIn(db, row.shopDomain, row.orderId);
  return stale.length;
}
