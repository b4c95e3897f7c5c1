import { sql } from "kysely";
import { queries } from "../kysely.server";
import type { SqlExecutor } from "../sql.server";

/** A run of slots one business number asks for in one second. */
export interface SlotRun {
  businessNumber: string;
  want: number;
}

/**
 * The SendWindow table: messages handed to Kaleyra per business number and second, shared by
 * every worker process. Takes each number's run of `want` slots in `second`, whole or not at
 * all, after the slots below `earliest` (already past) and up to `perSecond`. Returns, for
 * each number that got its run, the second's new count (its run ends there).
 */
export async function takeSlotRuns(
  db: SqlExecutor,
  second: number,
  earliest: number,
  perSecond: number,
  runs: readonly SlotRun[],
): Promise<Array<{ businessNumber: string; count: number }>> {
  if (runs.length === 0) return [];
  // A stored count below `earliest` counts as `earliest`: those slots are in the past. The row
  // inserted (or "excluded") carries earliest + want, so want = excluded.count - earliest.
  const used = sql<number>`(CASE WHEN "SendWindow"."count" > ${earliest} THEN "SendWindow"."count" ELSE ${earliest} END)`;
  const after = sql<number>`${used} + excluded."count" - ${earliest}`;
  return queries(db)
    .insertInto("SendWindow")
    .values(runs.map((run) => ({ businessNumber: run.businessNumber, second, count: earliest + run.want })))
    .onConflict((conflict) =>
      conflict
        .columns(["businessNumber", "second"])
        .doUpdateSet({ count: after })
        .where(after, "<=", perSecond),
    )
    .returning(["businessNumber", "count"])
    .execute();
}

/** Slots already taken of a number's second (0 when none). */
export async function takenSlots(db: SqlExecutor, businessNumber: string, second: number): Promise<number> {
  const row = await queries(db)
    .selectFrom("SendWindow")
    .select("count")
    .where((eb) => eb.and({ businessNumber, second }))
    .executeTakeFirst();
  return row?.count ?? 0;
}

/** Drops the seconds before `second`: old windows are useless. */
export async function deleteWindowsBefore(db: SqlExecutor, second: number): Promise<void> {
  await queries(db).deleteFrom("SendWindow").where("second", "<", second).execute();
}
