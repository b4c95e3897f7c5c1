import { deleteReceivedBefore, queries } from "../kysely.server";
import type { SqlExecutor } from "../sql.server";

/** The WebhookBody table: the hash of every accepted webhook body, with its shop and topic. */

/**
 * Keeps a body's hash for a shop; returns the topic it is bound to (this delivery's when the
 * hash is new), or undefined when another shop's delivery first brought the body. Writes
 * nothing in that case: a replay leaves no trace. A row kept before topics were bound takes
 * the topic of its shop's next delivery.
 */
export async function claimBody(
  tx: SqlExecutor,
  body: { hash: string; shopDomain: string; topic: string; receivedAt: Date },
): Promise<{ topic: string | null } | undefined> {
  return queries(tx)
    .insertInto("WebhookBody")
    .values(body)
    // A hash already kept: bind a topic-less row to its own shop's topic.
    .onConflict((conflict) =>
      conflict
        .column("hash")
        .doUpdateSet((eb) => ({ topic: eb.fn.coalesce("WebhookBody.topic", "excluded.topic") }))
        .whereRef("WebhookBody.shopDomain", "=", "excluded.shopDomain"),
    )
    .returning("topic")
    .executeTakeFirst();
}

/** Deletes up to `limit` hashes kept before `before`; returns how many. */
export async function deleteBodiesBefore(db: SqlExecutor, before: Date, limit: number): Promise<number> {
  return deleteReceivedBefore(db, "WebhookBody", "hash", before, limit);
}
