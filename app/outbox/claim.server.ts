import { claimDue, earliestDue, type ClaimedMessage } from "../db/repositories/messages.server";
import { deleteTurnsBefore, moveTurn, reserveTurns, turnEnd } from "../db/repositories/recipient-paces.server";
import { deleteWindowsBefore, takenSlots, takeSlotRuns } from "../db/repositories/send-windows.server";
import type { SqlExecutor } from "../db/sql.server";
import { firstOpenSlot, runTimes, shopperKey, type Shopper, type ShopperTurn } from "./pacing";

/** A claimed message, as the worker needs it to send. */
export type { ClaimedMessage };

/** Claiming is the messages repository's query; the worker's name for it. */
export { claimDue as claimDueMessages };

/** The earliest time any message could become due, to sleep until then when idle. */
export function nextDueAt(db: SqlExecutor): Promise<Date | undefined> {
  return earliestDue(db);
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
      const rows = await takeSlotRuns(db, second, earliest, perSecond, [{ businessNumber, want }]);
      const taken = rows[0]?.count;
      if (taken !== undefined) {
        times.push(...runTimes(second, taken, want, perSecond, nowMs));
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
  const earliest = firstOpenSlot(second, perSecond, nowMs);
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
      slots.set(row.businessNumber, runTimes(second, row.count, want, perSecond, nowMs));
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
