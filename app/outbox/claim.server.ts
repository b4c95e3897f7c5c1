import { claimDue, earliestDue, type ClaimedMessage } from "../db/repositories/messages.server";
import { deleteTurnsBefore, moveTurn, reserveTurns, turnEnd } from "../db/repositories/recipient-paces.server";
import { deleteWindowsBefore, takenSlots, takeSlotRuns } from "../db/repositories/send-windows.server";
import type { SqlExecutor, SqlDatabase } from "../db/sql.server";

/** A claimed message, as the worker needs it to send. */
export type { ClaimedMessage };

/**
 * Claims up to `limit` due messages for `workerId` until `leaseUntil`. A message is due when
 * it is queued (or its previous worker's lease ran out) and no earlier message of the same
 * order is still waiting, so an order's messages leave in lifecycle order. Messages whose
 * lease ran out come first (they are the oldest); concurrent workers pass each other.
 */
export function claimDueMessages(
  db: SqlDatabase,
  workerId: string,
  limit: number,
  now: Date,
  leaseUntil: Date,
): Promise<ClaimedMessage[]> {
  return claimDue(db, workerId, limit, now, leaseUntil);
}

/** The earliest time any message could become due, to sleep until then when idle. */
export function nextDueAt(db: SqlExecutor): Promise<Date | undefined> {
  return earliestDue(db);
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
  const reserved = await reserveTurns(db, [{ shopDomain: shop, recipient, nextAt: next }], now);
  if (reserved.length > 0) return undefined;
  return (await turnEnd(db, shop, recipient)) ?? next;
}

/**
 * Takes one of the business number's `perSecond` slots, in the current second or the first
 * later one with room (looking at most `horizon` seconds ahead). Slot k of a second leaves
 * at k/perSecond s into it, so slots lie on one even grid and no sliding one-second window
 * holds more than `perSecond`. Slots of the current second whose time has passed are
 * skipped, never handed out: sending them now would bunch them with the slots after them.
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
    // The first slot of this second that is not in the past.
    const earliest = second === first ? Math.ceil(((nowMs - second * 1000) * perSecond) / 1000) : 0;
    if (earliest >= perSecond) continue;
    const rows = await takeSlotRuns(db, second, earliest, perSecond, [{ businessNumber, want: 1 }]);
    const count = rows[0]?.count;
    if (count !== undefined) {
      const slot = count - 1;
      return Math.max(nowMs, second * 1000 + Math.floor((slot * 1000) / perSecond));
    }
  }
  return undefined;
}

/** A shopper of a shop: the key of their turn in RecipientPace. */
export interface Shopper {
  shop: string;
  recipient: string;
}

/** A shopper's next turn to reserve: busy until `until` (their message's send time + spacing). */
export interface ShopperTurn extends Shopper {
  until: Date;
}

const shopperKey = (s: Shopper) => `${s.shop}\u0000${s.recipient}`;

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
  const rows = await reserveTurns(
    db,
    distinct.map((turn) => ({ shopDomain: turn.shop, recipient: turn.recipient, nextAt: turn.until })),
    now,
  );
  const reserved = new Set(rows.map((row) => shopperKey({ shop: row.shopDomain, recipient: row.recipient })));
  for (const turn of distinct) {
    const key = shopperKey(turn);
    if (reserved.has(key)) continue;
    busy.set(key, (await turnEnd(db, turn.shop, turn.recipient)) ?? turn.until);
  }
  return busy;
}

/** The key reserveRecipients reports busy shoppers under. */
export { shopperKey };

/** Moves a shopper's reserved turn (ending `from`) to end at `to` instead: its message left later. */
export async function moveRecipientTurn(db: SqlExecutor, shopper: Shopper, from: Date, to: Date): Promise<void> {
  await moveTurn(db, shopper.shop, shopper.recipient, from, to);
}

/**
 * How far a send may trail its slot (the process was busy, the network slow) while the rate
 * limit still holds in every sliding one-second window at Kaleyra: the slots of a second are
 * spaced for this much more than a second (see slotsPerSecond).
 */
export const RATE_JITTER_MS = 30;

/**
 * Slots per second for a per-number limit, with room for RATE_JITTER_MS: any limit+1
 * consecutive slots span at least 1,000 + RATE_JITTER_MS ms, so sends that trail their slots
 * by different amounts up to that still never put more than the limit in one second
 * (80/s -> 77 slots, 1,000/s -> 970).
 */
export function slotsPerSecond(limit: number): number {
  return Math.max(1, Math.floor((limit * 1000) / (1000 + RATE_JITTER_MS)));
}

/**
 * reserveRateSlot for `count` messages of one number at once: the first free slots from
 * `nowMs` on, taken a run at a time. Returns their times (ms), in order; fewer than `count`
 * when the horizon is full.
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
    const earliest = second === first ? Math.ceil(((nowMs - second * 1000) * perSecond) / 1000) : 0;
    let want = Math.min(count - times.length, perSecond - earliest);
    // A run is taken whole or not at all, so the returned count says which slots it got.
    for (let tries = 0; want > 0 && tries < 4; tries += 1) {
      const rows = await takeSlotRuns(db, second, earliest, perSecond, [{ businessNumber, want }]);
      const taken = rows[0]?.count;
      if (taken !== undefined) {
        for (let slot = taken - want; slot < taken; slot += 1) {
          times.push(Math.max(nowMs, second * 1000 + Math.floor((slot * 1000) / perSecond)));
        }
        want = Math.min(count - times.length, perSecond - taken);
        continue;
      }
      // Not that much room left: take what there is.
      const room = perSecond - Math.max(await takenSlots(db, businessNumber, second), earliest);
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
  const earliest = Math.ceil(((nowMs - second * 1000) * perSecond) / 1000);
  const wants = [...demands].map(([number, count]) => ({ number, want: Math.min(count, perSecond - earliest) }));
  const first = wants.filter((w) => w.want > 0);
  if (first.length > 0) {
    // Each row asks for its whole run (earliest + want) or nothing, as in reserveRateSlots.
    const rows = await takeSlotRuns(
      db,
      second,
      earliest,
      perSecond,
      first.map((w) => ({ businessNumber: w.number, want: w.want })),
    );
    const wantOf = new Map(first.map((w) => [w.number, w.want]));
    for (const row of rows) {
      const want = wantOf.get(row.businessNumber) ?? 0;
      const times: number[] = [];
      for (let slot = row.count - want; slot < row.count; slot += 1) {
        times.push(Math.max(nowMs, second * 1000 + Math.floor((slot * 1000) / perSecond)));
      }
      slots.set(row.businessNumber, times);
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
  await deleteWindowsBefore(db, Math.floor(nowMs / 1000) - 60);
  await deleteTurnsBefore(db, new Date(nowMs - 60_000));
}
