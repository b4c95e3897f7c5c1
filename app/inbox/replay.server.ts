import { failedEvents, requeueFailed } from "../db/repositories/webhook-events.server";
import type { SqlDatabase } from "../db/sql.server";

export interface ReplayReport {
  requeued: number;
  /** What was failed, oldest first: id, shop, topic, lane, attempts and the last error. */
  failed: Awaited<ReturnType<typeof failedEvents>>;
}

/**
 * Puts the inbox's failed deliveries (of one shop, or all) back as received, attempts reset,
 * for the processors to decide again, in arrival order within each order. Meant for after
 * the fix of whatever made them fail; one that fails again is failed again, with its error.
 */
export async function replayFailedDeliveries(db: SqlDatabase, shop?: string): Promise<ReplayReport> {
  return db.transaction(async (tx) => {
    const failed = await failedEvents(tx, shop);
    const requeued = await requeueFailed(tx, shop);
    return { requeued, failed };
  });
}
