import type { SqlExecutor, SqlDatabase } from "../db/sql.server";

/** A claimed message, as the worker needs it to send. */
export interface ClaimedMessage {
  id: string;
  shopDomain: string;
  orderId: string;
  orderName: string | null;
  status: string;
  recipient: string | null;
  referenceId: string | null;
  bodyText: string | null;
  description: string | null;
  attempts: number;
}

const RETURNED = `"id", "shopDomain", "orderId", "orderName", "status", "recipient", "referenceId", "bodyText", "description", "attempts"`;

/**
 * Claims up to `limit` due messages for `workerId` until `leaseUntil`. A message is due when
 * it is queued (or its previous worker's lease ran out) and no earlier message of the same
 * order is still waiting, so an order's messages leave in lifecycle order. On PostgreSQL,
 * SKIP LOCKED lets concurrent workers pass each other instead of queueing on the same rows.
 */
export async function claimDueMessages(
  db: SqlDatabase,
  workerId: string,
  limit: number,
  now: Date,
  leaseUntil: Date,
): Promise<ClaimedMessage[]> {
  const lock = db.provider === "postgresql" ? "FOR UPDATE SKIP LOCKED" : "";
  return db.transaction((tx) =>
    tx.query<ClaimedMessage>(
      `UPDATE "Message" SET "state" = 'sending', "lockedBy" = ?, "leaseUntil" = ?, "nextAttemptAt" = ?, "updatedAt" = ?
       WHERE "id" IN (
         SELECT m."id" FROM "Message" m
         WHERE m."state" IN ('queued', 'sending') AND m."nextAttemptAt" <= ?
           AND NOT EXISTS (
             SELECT 1 FROM "Message" e
             WHERE e."shopDomain" = m."shopDomain" AND e."orderId" = m."orderId" AND e."id" <> m."id"
               AND e."state" IN ('queued', 'sending', 'paused')
               AND (e."rank" < m."rank" OR (e."rank" = m."rank" AND e."createdAt" < m."createdAt")))
         ORDER BY m."nextAttemptAt"
         LIMIT ?
         ${lock})
       RETURNING ${RETURNED}`,
      [workerId, leaseUntil, leaseUntil, now, now, limit],
    ),
  );
}

/** The earliest time any message could become due, to sleep until then when idle. */
export async function nextDueAt(db: SqlExecutor): Promise<Date | undefined> {
  const rows = await db.query<{ due: Date | string | null }>(
    `SELECT MIN("nextAttemptAt") AS "due" FROM "Message" WHERE "state" IN ('queued', 'sending')`,
  );
  const due = rows[0]?.due;
  if (!due) return undefined;
  return due instanceof Date ? due : new Date(due);
}

/**
 * Reserves the shopper's next slot (one message per spacing). Returns undefined when
 * reserved, or the time the shopper may next receive a message.
 */
export async function reserveRecipient(
  db: SqlExecutor,
  shop: string,
  recipient: string,
  now: Date,
  spacingMs: number,
): Promise<Date | undefined> {
  const next = new Date(now.getTime() + spacingMs);
  const changed = await db.execute(
    `INSERT INTO "RecipientPace" ("shopDomain", "recipient", "nextAt") VALUES (?, ?, ?)
     ON CONFLICT ("shopDomain", "recipient") DO UPDATE SET "nextAt" = excluded."nextAt"
     WHERE "RecipientPace"."nextAt" <= ?`,
    [shop, recipient, next, now],
  );
  if (changed > 0) return undefined;
  const rows = await db.query<{ nextAt: Date }>(
    `SELECT "nextAt" FROM "RecipientPace" WHERE "shopDomain" = ? AND "recipient" = ?`,
    [shop, recipient],
  );
  return rows[0]?.nextAt ?? next;
}

/**
 * Takes one of the business number's `perSecond` slots, in the current second or the first
 * later one with room (looking at most `horizon` seconds ahead). Slots are spread evenly
 * over their second, so that no sliding one-second window holds more than `perSecond`.
 * Returns the time (ms) the message may leave at, or undefined when the horizon is full.
 */
export async function reserveRateSlot(
  db: SqlExecutor,
  businessNumber: string,
  perSecond: number,
  nowMs: number,
  horizon = 5,
): Promise<number | undefined> {
  const first = Math.floor(nowMs / 1000);
  for (let second = first; second < first + horizon; second += 1) {
    const rows = await db.query<{ count: number | bigint }>(
      `INSERT INTO "SendWindow" ("businessNumber", "second", "count") VALUES (?, ?, 1)
       ON CONFLICT ("businessNumber", "second") DO UPDATE SET "count" = "SendWindow"."count" + 1
       WHERE "SendWindow"."count" < ?
       RETURNING "count"`,
      [businessNumber, second, perSecond],
    );
    const count = rows[0]?.count;
    if (count !== undefined) {
      const slot = Number(count) - 1;
      return Math.max(nowMs, second * 1000 + Math.floor((slot * 1000) / perSecond));
    }
  }
  return undefined;
}

/** Old rate windows are useless; dropping them keeps the table a few rows per number. */
export async function pruneRateWindows(db: SqlExecutor, nowMs: number): Promise<void> {
  await db.execute(`DELETE FROM "SendWindow" WHERE "second" < ?`, [Math.floor(nowMs / 1000) - 60]);
  await db.execute(`DELETE FROM "RecipientPace" WHERE "nextAt" < ?`, [new Date(nowMs - 60_000)]);
}
