import { deleteReceivedBefore } from "../kysely.server";
import type { SqlExecutor } from "../sql.server";

/**
 * The WebhookBody table: the hash of every accepted webhook body, with its shop and topic. A
 * body is claimed as its webhook is kept (keepDelivery in webhook-events.server.ts, in the
 * same statement or transaction).
 */

/** Deletes up to `limit` hashes kept before `before`; returns how many. */
export async function deleteBodiesBefore(db: SqlExecutor, before: Date, limit: number): Promise<number> {
  return deleteReceivedBefore(db, "WebhookBody", "hash", before, limit);
}
