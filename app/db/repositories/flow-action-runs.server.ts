import { sql, type Insertable, type Selectable } from "kysely";
import type { FlowActionRun } from "../generated/kysely";
import { insertUnlessKeyTaken, queries } from "../kysely.server";
import type { SqlExecutor } from "../sql.server";

/** The FlowActionRun table: each Shopify Flow action run the app answered, by Flow's action_run_id. */
export type FlowActionRunRecord = Selectable<FlowActionRun>;

export type FlowRunAnswer = Pick<FlowActionRunRecord, "orderStatus" | "outcome" | "reason" | "messageId">;

export async function findFlowActionRun(db: SqlExecutor, shop: string, actionRunId: string): Promise<FlowActionRunRecord | undefined> {
  return queries(db).selectFrom("FlowActionRun").selectAll().where("shopDomain", "=", shop).where("actionRunId", "=", actionRunId).executeTakeFirst();
}

/**
 * Takes the run for this transaction: false when another request already has it. On
 * PostgreSQL a concurrent request with the same id waits here until the first commits.
 */
export async function claimFlowActionRun(tx: SqlExecutor, run: Insertable<FlowActionRun>): Promise<boolean> {
  return insertUnlessKeyTaken(tx, "FlowActionRun", run, ["shopDomain", "actionRunId"]);
}

/** Records the answer of a run this transaction claimed. */
export async function settleFlowActionRun(tx: SqlExecutor, shop: string, actionRunId: string, answer: FlowRunAnswer): Promise<void> {
  await queries(tx).updateTable("FlowActionRun").set(answer).where("shopDomain", "=", shop).where("actionRunId", "=", actionRunId).execute();
}

/** Deletes up to `limit` runs answered before `before` (one batch of the pruning); returns how many. */
export async function deleteFlowActionRunsBefore(db: SqlExecutor, before: Date, limit: number): Promise<number> {
  const result = await sql`
    DELETE FROM "FlowActionRun" WHERE ("shopDomain", "actionRunId") IN (
      SELECT "shopDomain", "actionRunId" FROM "FlowActionRun" WHERE "createdAt" < ${before} LIMIT ${limit}
    )`.execute(queries(db));
  return Number(result.numAffectedRows ?? 0n);
}
