import { deleteReceivedBefore, queries } from "../kysely.server";
import type { SqlExecutor } from "../sql.server";

/** The WebhookBody table: the hash of every accepted webhook body, with its shop and topic. */

/**
 * Keeps a body's hash; returns the shop and topic it first came for (this delivery's when it
 * is new). A row kept before topics were bound takes the topic of its next delivery.
 */
export async function claimBody(
  tx: SqlExecutor,
  body: { hash: string; shopDomain: string; topic: string; receivedAt: Date },
): Promise<{ shopDomain: string; topic: string | null } | undefined> {
  return queries(tx)
    .insertInto("WebhookBody")
    .values(body)
    .onConflict((conflict) =>
      conflict.column("hash").doUpdateSet((eb) => ({ topic: eb.fn.coalesce("WebhookBody.topic", "excluded.topic") })),
    )
    .returning(["shopDomain", "topic"])
    .executeTakeFirst();
}

/** Deletes up to `limit` hashes kept before `before`; returns how many. */
export async function deleteBodiesBefore(db: SqlExecutor, before: Date, limit: number): Promise<number> {
  return deleteReceivedBefore(db, "WebhookBody", "hash", before, limit);
}
