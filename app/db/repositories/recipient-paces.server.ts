import { queries } from "../kysely.server";
import type { SqlExecutor } from "../sql.server";

/** A shopper's turn: busy until `nextAt` (WhatsApp's pair rate limit). */
export interface PaceTurn {
  shopDomain: string;
  recipient: string;
  nextAt: Date;
}

/**
 * The RecipientPace table: when each shopper may next receive a message. Reserves the turns
 * (one per shopper) whose previous turn is over by `now`; returns the shoppers reserved.
 */
export async function reserveTurns(
  db: SqlExecutor,
  turns: readonly PaceTurn[],
  now: Date,
): Promise<Array<{ shopDomain: string; recipient: string }>> {
  if (turns.length === 0) return [];
  return queries(db)
    .insertInto("RecipientPace")
    .values(turns.map((turn) => ({ shopDomain: turn.shopDomain, recipient: turn.recipient, nextAt: turn.nextAt })))
    .onConflict((conflict) =>
      conflict
        .columns(["shopDomain", "recipient"])
        .doUpdateSet((eb) => ({ nextAt: eb.ref("excluded.nextAt") }))
        .where("RecipientPace.nextAt", "<=", now),
    )
    .returning(["shopDomain", "recipient"])
    .execute();
}

/** When the shopper's current turn ends, if they have one. */
export async function turnEnd(db: SqlExecutor, shopDomain: string, recipient: string): Promise<Date | undefined> {
  const row = await queries(db)
    .selectFrom("RecipientPace")
    .select("nextAt")
    .where((eb) => eb.and({ shopDomain, recipient }))
    .executeTakeFirst();
  return row?.nextAt;
}

/** Moves a turn that ends at `from` to end at `to` instead (its message left later). */
export async function moveTurn(db: SqlExecutor, shopDomain: string, recipient: string, from: Date, to: Date): Promise<void> {
  await queries(db)
    .updateTable("RecipientPace")
    .set({ nextAt: to })
    .where((eb) => eb.and({ shopDomain, recipient, nextAt: from }))
    .execute();
}

export async function deleteTurnsBefore(db: SqlExecutor, before: Date): Promise<void> {
  await queries(db).deleteFrom("RecipientPace").where("nextAt", "<", before).execute();
}

/** A shopper's pacing row (customers/redact). */
export async function deleteRecipientTurns(tx: SqlExecutor, shopDomain: string, recipient: string): Promise<void> {
  await queries(tx).deleteFrom("RecipientPace").where("shopDomain", "=", shopDomain).where("recipient", "=", recipient).execute();
}
