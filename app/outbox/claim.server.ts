import type { SqlExecutor, SqlDatabase } from "../db/sql.server";
import { firstOpenSlot, runTimes, shopperKey, type Shopper, type ShopperTurn } from "./pacing";

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

/** Due messages of one state, oldest first, that no earlier message of their order precedes. */
function dueCandidates(state: "queued" | "sending", lock: string): string {
  // One state per probe: the (state, nextAttemptAt) index then yields the rows in order and
  // the probe stops after LIMIT of them. With both states in one IN list the database has
  // to collect and sort every due row first, which grows with the backlog (bench/README.md).
  return `SELECT m."id" FROM "Message" m
         WHERE m."state" = '${state}' AND m."nextAttemptAt" <= ?
           AND NOT EXISTS (
             SELECT 1 FROM "Message" e
             WHERE e."shopDomain" = m."shopDomain" AND e."orderId" = m."orderId" AND e."id" <> m."id"
               AND e."state" IN ('queued', 'sending', 'paused')
               AND (e."rank" < m."rank" OR (e."rank" = m."rank" AND e."createdAt" < m."createdAt")))
         ORDER BY m."nextAttemptAt"
         LIMIT ?
         ${lock}`;
}

/**
 * Claims up to `limit` due messages for `workerId` until `leaseUntil`. A message is due when
 * it is queued (or its previous worker's lease ran out) and no earlier message of the same
 * order is still waiting, so an order's messages leave in lifecycle order. Messages whose
 * lease ran out come first (they are the oldest). On PostgreSQL, SKIP LOCKED lets concurrent
 * workers pass each other instead of queueing on the same rows.
 */
export async function claimDueMessages(
  db: SqlDatabase,
  workerId: string,
  limit: number,
  now: Date,
  leaseUntil: Date,
): Promise<ClaimedMessage[]> {
  const lock = db.provider === "postgresql" ? "FOR UPDATE SKIP LOCKED" : "";
  return db.transaction(async (tx) => {
    const claim = (state: "queued" | "sending", count: number) =>
      tx.query<ClaimedMessage>(
        `UPDATE "Message" SET "state" = 'sending', "lockedBy" = ?, "leaseUntil" = ?, "nextAttemptAt" = ?, "updatedAt" = ?
         WHERE "id" IN (${dueCandidates(state, lock)})
         RETURNING ${RETURNED}`,
        [workerId, leaseUntil, leaseUntil, now, now, count],
      );
    const expired = await claim("sending", limit);
    if (expired.length >= limit) return expired;
    return expired.concat(await claim("queued", limit - expired.length));
  });
}

/** The earliest time any message could become due, to sleep until then when idle. */
export async function nextDueAt(db: SqlExecutor): Promise<Date | undefined> {
  // One MIN per state: each is a single look into the (state, nextAttemptAt) index.
  const rows = await db.query<{ due: Date | string | null }>(
    `SELECT MIN("due") AS "due" FROM (
       SELECT MIN("nextAttemptAt") AS "due" FROM "Message" WHERE "state" = 'queued'
       UNION ALL
       SELECT MIN("nextAttemptAt") AS "due" FROM "Message" WHERE "state" = 'sending'
     ) AS "earliest"`,
  );
  const due = rows[0]?.due;
  if (!due) return undefined;
  return due instanceof Date ? due : new Date(due);
}

/**
 * Reserves several shoppers' turns in one statement, each only if the shopper's previous turn
 * is over by `now`; a message reserved this way leaves at or after `now`, so two messages to
 * one shopper leave at least the spacing apart when `until` is the send time plus the spacing.
 * Returns, for each shopper who is still busy, when their turn ends. A shopper listed twice
 * is reserved for the first listing only (the caller decides what the others do).
 */
export async function reserveRecipients(
  db: SqlExecutor,
  turns: readonly ShopperTurn[],
  now: Date,
): Promise<Map<string, Date>> {
  const busy = new Map<string, Date>();
  const first = new Map<string, ShopperTurn>();
  for (const turn of turns) if (!first.has(shopperKey(turn))) first.set(shopperKey(turn), turn);
  if (first.size === 0) return busy;
  const distinct = [...first.values()];
  const rows = await db.query<{ shopDomain: string; recipient: string }>(
    `INSERT INTO "RecipientPace" ("shopDomain", "recipient", "nextAt") VALUES ${distinct.map(() => "(?, ?, ?)").join(", ")}
     ON CONFLICT ("shopDomain", "recipient") DO UPDATE SET "nextAt" = excluded."nextAt"
     WHERE "RecipientPace"."nextAt" <= ?
     RETURNING "shopDomain", "recipient"`,
    [...distinct.flatMap((turn) => [turn.shop, turn.recipient, turn.until]), now],
  );
  const reserved = new Set(rows.map((row) => shopperKey({ shop: row.shopDomain, recipient: row.recipient })));
  for (const turn of distinct) {
    const key = shopperKey(turn);
    if (reserved.has(key)) continue;
    const found = await db.query<{ nextAt: Date }>(
      `SELECT "nextAt" FROM "RecipientPace" WHERE "shopDomain" = ? AND "recipient" = ?`,
      [turn.shop, turn.recipient],
    );
    busy.set(key, found[0]?.nextAt ?? turn.until);
  }
  return busy;
}

/** The key reserveRecipients reports busy shoppers under. */
export { shopperKey };

/** Moves a shopper's reserved turn (ending `from`) to end at `to` instead: its message left later. */
export async function moveRecipientTurn(db: SqlExecutor, shopper: Shopper, from: Date, to: Date): Promise<void> {
  await db.execute(
    `UPDATE "RecipientPace" SET "nextAt" = ? WHERE "shopDomain" = ? AND "recipient" = ? AND "nextAt" = ?`,
    [to, shopper.shop, shopper.recipient, from],
  );
}

/**
 * Takes `count` of the business number's `perSecond` slots (pacing.ts has the grid): the first
 * free ones from `nowMs` on, in the current second or later ones with room (looking at most
 * `horizon` seconds ahead), a run at a time. Returns their times (ms), in order; fewer than
 * `count` when the horizon is full.
 */
export async function reserveRateSlots(
  db: SqlExecutor,
  businessNumber: string,
  perSecond: number,
  nowMs: number,
  count: number,
  horizon = 5,
): Promise<number[]> {
  const times: number[] = [];
  const first = Math.floor(nowMs / 1000);
  for (let second = first; second < first + horizon && times.length < count; second += 1) {
    const earliest = firstOpenSlot(second, perSecond, nowMs);
    let want = Math.min(count - times.length, perSecond - earliest);
    // A run is taken whole or not at all, so the returned count says which slots it got.
    for (let tries = 0; want > 0 && tries < 4; tries += 1) {
      const rows = await db.query<{ count: number | bigint }>(
        `INSERT INTO "SendWindow" ("businessNumber", "second", "count") VALUES (?, ?, ?)
         ON CONFLICT ("businessNumber", "second") DO UPDATE
           SET "count" = (CASE WHEN "SendWindow"."count" > ? THEN "SendWindow"."count" ELSE ? END) + ?
         WHERE (CASE WHEN "SendWindow"."count" > ? THEN "SendWindow"."count" ELSE ? END) + ? <= ?
         RETURNING "count"`,
        [businessNumber, second, earliest + want, earliest, earliest, want, earliest, earliest, want, perSecond],
      );
      const taken = rows[0]?.count;
      if (taken !== undefined) {
        times.push(...runTimes(second, Number(taken), want, perSecond, nowMs));
        want = Math.min(count - times.length, perSecond - Number(taken));
        continue;
      }
      // Not that much room left: take what there is.
      const used = await db.query<{ count: number | bigint }>(
        `SELECT "count" FROM "SendWindow" WHERE "businessNumber" = ? AND "second" = ?`,
        [businessNumber, second],
      );
      const room = perSecond - Math.max(Number(used[0]?.count ?? 0), earliest);
      want = Math.min(count - times.length, room);
    }
  }
  return times;
}

/**
 * reserveRateSlots for several numbers at once: the common case (each number's messages fit
 * in the current second) is one statement for all of them; a number whose second is too full
 * for that continues on its own. Returns each number's slot times (ms), in order.
 */
export async function reserveRateSlotsFor(
  db: SqlExecutor,
  demands: ReadonlyMap<string, number>,
  perSecond: number,
  nowMs: number,
): Promise<Map<string, number[]>> {
  const slots = new Map<string, number[]>();
  const second = Math.floor(nowMs / 1000);
  const earliest = firstOpenSlot(second, perSecond, nowMs);
  const wants = [...demands].map(([number, count]) => ({ number, want: Math.min(count, perSecond - earliest) }));
  const first = wants.filter((w) => w.want > 0);
  if (first.length > 0) {
    // Each row asks for its whole run (earliest + want) or nothing, as in reserveRateSlots.
    const rows = await db.query<{ businessNumber: string; count: number | bigint }>(
      `INSERT INTO "SendWindow" ("businessNumber", "second", "count") VALUES ${first.map(() => "(?, ?, ?)").join(", ")}
       ON CONFLICT ("businessNumber", "second") DO UPDATE
         SET "count" = (CASE WHEN "SendWindow"."count" > ? THEN "SendWindow"."count" ELSE ? END) + excluded."count" - ?
       WHERE (CASE WHEN "SendWindow"."count" > ? THEN "SendWindow"."count" ELSE ? END) + excluded."count" - ? <= ?
       RETURNING "businessNumber", "count"`,
      [
        ...first.flatMap((w) => [w.number, second, earliest + w.want]),
        earliest,
        earliest,
        earliest,
        earliest,
        earliest,
        earliest,
        perSecond,
      ],
    );
    const wantOf = new Map(first.map((w) => [w.number, w.want]));
    for (const row of rows) {
      const want = wantOf.get(row.businessNumber) ?? 0;
      slots.set(row.businessNumber, runTimes(second, Number(row.count), want, perSecond, nowMs));
    }
  }
  for (const [number, count] of demands) {
    const taken = slots.get(number) ?? [];
    if (taken.length >= count) continue;
    const rest = await reserveRateSlots(db, number, perSecond, nowMs, count - taken.length);
    slots.set(number, [...taken, ...rest].sort((a, b) => a - b));
  }
  return slots;
}

/** Old rate windows are useless; dropping them keeps the table a few rows per number. */
export async function pruneRateWindows(db: SqlExecutor, nowMs: number): Promise<void> {
  await db.execute(`DELETE FROM "SendWindow" WHERE "second" < ?`, [Math.floor(nowMs / 1000) - 60]);
  await db.execute(`DELETE FROM "RecipientPace" WHERE "nextAt" < ?`, [new Date(nowMs - 60_000)]);
}
