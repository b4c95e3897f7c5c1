import type { Insertable, Selectable, Updateable } from "kysely";
import type { FlowTriggerFiring } from "../generated/kysely";
import { insertUnlessKeyTaken, queries } from "../kysely.server";
import type { SqlDatabase, SqlExecutor } from "../sql.server";

/** The FlowTriggerFiring table: the Shopify Flow triggers owed per message, and what became of each. */
export type FlowTriggerFiringRecord = Selectable<FlowTriggerFiring>;

/** A firing claimed by a worker, as it needs it to call Shopify. */
export type ClaimedFiring = Pick<FlowTriggerFiringRecord, "id" | "shopDomain" | "messageId" | "trigger" | "payload" | "attempts">;

/** Adds a pending firing unless the message already has one for the trigger. Returns whether it did. */
export async function insertFiring(tx: SqlExecutor, row: Insertable<FlowTriggerFiring>): Promise<boolean> {
  return insertUnlessKeyTaken(tx, "FlowTriggerFiring", row, ["messageId", "trigger"]);
}

/**
 * Marks up to `limit` due pending firings `firing` until `leaseUntil` and returns them, in one
 * statement: the mark is on disk before any call goes out (on SQLite a durable commit, which
 * survives a power cut too, unlike the worker's other commits). Concurrent workers on
 * PostgreSQL pass each other's rows (SKIP LOCKED); SQLite has one writer.
 */
export async function claimDueFirings(db: SqlDatabase, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedFiring[]> {
  // Most passes find nothing due: one indexed probe, and no write lock or durable commit.
  if (!(await anyDue(db, now))) return [];
  const claim = (executor: SqlExecutor) => claimStatement(executor, now, leaseUntil, limit);
  // PostgreSQL commits a lone statement durably.
  return db.provider === "postgresql" ? claim(db) : db.transaction(claim, { durable: true });
}

async function anyDue(db: SqlExecutor, now: Date): Promise<boolean> {
  const row = await queries(db)
    .selectFrom("FlowTriggerFiring")
    .select("id")
    .where("state", "=", "pending")
    .where("nextAttemptAt", "<=", now)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

function claimStatement(db: SqlExecutor, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedFiring[]> {
  const q = queries(db);
  const due = q
    .selectFrom("FlowTriggerFiring")
    .select("id")
    .where("state", "=", "pending")
    .where("nextAttemptAt", "<=", now)
    .orderBy("nextAttemptAt")
    .limit(limit)
    .$if(db.provider === "postgresql", (query) => query.forUpdate().skipLocked());
  return q
    .updateTable("FlowTriggerFiring")
    .set((eb) => ({ state: "firing", nextAttemptAt: leaseUntil, attempts: eb("attempts", "+", 1) }))
    .where("id", "in", due)
    .where("state", "=", "pending")
    .returning(["id", "shopDomain", "messageId", "trigger", "payload", "attempts"])
    .execute();
}

/**
 * Firings still `firing` after their lease: the worker stopped between the call and its
 * record. They become `unknown` with `reason` (never called again) and are returned.
 */
export async function abandonLapsedFirings(
  db: SqlExecutor,
  now: Date,
  reason: string,
): Promise<Array<Pick<FlowTriggerFiringRecord, "id" | "shopDomain" | "messageId" | "trigger" | "attempts">>> {
  return queries(db)
    .updateTable("FlowTriggerFiring")
    .set({ state: "unknown", lastError: reason })
    .where("state", "=", "firing")
    .where("nextAttemptAt", "<=", now)
    .returning(["id", "shopDomain", "messageId", "trigger", "attempts"])
    .execute();
}

/**
 * Writes a call's outcome, only for the claim it belongs to (`attempts` as counted by that
 * claim). A firing already given up as `unknown` still takes it: the answer is better news.
 */
export async function recordFiring(
  db: SqlExecutor,
  id: string,
  attempts: number,
  changes: Updateable<FlowTriggerFiring>,
): Promise<boolean> {
  const result = await queries(db)
    .updateTable("FlowTriggerFiring")
    .set(changes)
    .where("id", "=", id)
    .where("attempts", "=", attempts)
    .where("state", "in", ["firing", "unknown"])
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The firings of one message (the admin's and the tests' view). */
export async function firingsOfMessage(db: SqlExecutor, messageId: string): Promise<FlowTriggerFiringRecord[]> {
  return queries(db).selectFrom("FlowTriggerFiring").selectAll().where("messageId", "=", messageId).orderBy("trigger").execute();
}

/**
 * customers/redact: the firings of the orders' messages. Their payloads hold no phone or name,
 * but a failure's explanation may quote Meta's own words for a code the app does not know.
 */
export async function deleteFiringsOfOrders(tx: SqlExecutor, shop: string, orderIds: readonly string[]): Promise<void> {
  if (orderIds.length === 0) return;
  const q = queries(tx);
  await q
    .deleteFrom("FlowTriggerFiring")
    .where("shopDomain", "=", shop)
    .where("messageId", "in", q.selectFrom("Message").select("id").where("shopDomain", "=", shop).where("orderId", "in", orderIds))
    .execute();
}
