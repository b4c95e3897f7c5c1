import type { Insertable } from "kysely";
import type { WebhookEvent } from "../generated/kysely";
import { deleteReceivedBefore, insertUnlessKeyTaken, queries } from "../kysely.server";
import type { SqlExecutor } from "../sql.server";

/** The WebhookEvent table: every delivery the app kept, one per shop and event key. */

/** Whether another shop than `shop` already delivered this webhook id. */
export async function webhookIdSeenElsewhere(tx: SqlExecutor, webhookId: string, shop: string): Promise<boolean> {
  const row = await queries(tx)
    .selectFrom("WebhookEvent")
    .select("id")
    .where("webhookId", "=", webhookId)
    .where("shopDomain", "<>", shop)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Records a delivery unless its shop already has its event key. Returns whether it did. */
export async function recordEvent(tx: SqlExecutor, event: Insertable<WebhookEvent>): Promise<boolean> {
  return insertUnlessKeyTaken(tx, "WebhookEvent", event, ["shopDomain", "eventKey"]);
}

/** Deletes up to `limit` events received before `before`; returns how many. */
export async function deleteEventsBefore(db: SqlExecutor, before: Date, limit: number): Promise<number> {
  return deleteReceivedBefore(db, "WebhookEvent", "id", before, limit);
}
