/**
 * Pacing rules, pure: when a message may leave. Two limits apply. Kaleyra allows each business
 * number SEND_RATE_PER_SECOND messages a second, so sends take slots on an even per-second grid
 * (the slots are counted in SendWindow, claim.server.ts). WhatsApp allows a shopper about one
 * message per RECIPIENT_SPACING_MS, so each shopper has a turn (RecipientPace) that a message
 * reserves from its slot until the spacing has passed.
 */

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
 * The first slot of `second` (s since the epoch) whose time is not before `nowMs`: slots whose
 * time has passed are skipped, never handed out, as sending them now would bunch them with the
 * slots after them. `perSecond` or more means the second has no slot left.
 */
export function firstOpenSlot(second: number, perSecond: number, nowMs: number): number {
  return Math.max(0, Math.ceil(((nowMs - second * 1000) * perSecond) / 1000));
}

/** When slot `slot` of `second` leaves (ms): k/perSecond s into the second, and never before `nowMs`. */
export function slotTime(second: number, slot: number, perSecond: number, nowMs: number): number {
  return Math.max(nowMs, second * 1000 + Math.floor((slot * 1000) / perSecond));
}

/** The times of a run of `want` slots of `second` that ends with the second's `taken`-th slot. */
export function runTimes(second: number, taken: number, want: number, perSecond: number, nowMs: number): number[] {
  const times: number[] = [];
  for (let slot = taken - want; slot < taken; slot += 1) times.push(slotTime(second, slot, perSecond, nowMs));
  return times;
}

/**
 * Rate slots are taken at least this far ahead (more when the database is slow to answer),
 * so that a send is not already late for its slot by the time the reservation is answered.
 */
export const SLOT_LEAD_MS = 40;
/** How far a send may trail its slot; within RATE_JITTER_MS, with room for the network. */
export const SEND_TOLERANCE_MS = 20;
/** A send that was late for its slot takes one at least this far ahead (twice its lateness). */
export const LATE_SLOT_LEAD_MS = 100;
/** A send late this many times over is given back instead of trying for yet another slot. */
export const LATE_SLOT_TRIES = 5;
/** No lead is longer than this: a slot further out is past what the grid is reserved for. */
const MAX_LEAD_MS = 2000;

/**
 * How long reserving took lately (slots, then shoppers), smoothed: slots are taken at least
 * twice that far ahead, so that a busy database does not make every message late for its slot.
 */
export class ReservationDelay {
  private smoothedMs = 0;

  note(ms: number): void {
    this.smoothedMs = this.smoothedMs * 0.8 + ms * 0.2;
  }

  /** How far ahead of now a batch's slots are taken. */
  leadMs(): number {
    return Math.min(MAX_LEAD_MS, Math.max(SLOT_LEAD_MS, Math.ceil(2 * this.smoothedMs)));
  }
}

/** How far ahead a send that trailed its slot by `lateMs` takes its next one: the process, as busy as it just was, is there in time. */
export function lateSlotLeadMs(lateMs: number): number {
  return Math.min(MAX_LEAD_MS, Math.max(LATE_SLOT_LEAD_MS, 2 * lateMs));
}

/** WhatsApp's pair rate limit allows about one message per 6 s to the same shopper. */
export const RECIPIENT_SPACING_MS = 6_000;

/** A shopper of a shop: the key of their turn in RecipientPace. */
export interface Shopper {
  shop: string;
  recipient: string;
}

/** A shopper's next turn to reserve: busy until `until` (their message's send time + spacing). */
export interface ShopperTurn extends Shopper {
  until: Date;
}

/** The key busy shoppers are reported under. */
export const shopperKey = (s: Shopper): string => `${s.shop}\u0000${s.recipient}`;

/** A message's shopper turn runs from its slot, when it really leaves, for the spacing. */
export function turnEnd(slotAt: number, spacingMs: number): Date {
  return new Date(slotAt + spacingMs);
}

/**
 * Which of a batch's messages (each with its shopper and turn) may go: a shopper still busy
 * from before waits for the end of that turn, and a second message to one shopper in the
 * batch waits for the first one's turn. The others go, in order.
 */
export function takeTurns<T extends ShopperTurn>(
  turns: readonly T[],
  busy: ReadonlyMap<string, Date>,
): { go: T[]; wait: Array<{ turn: T; until: Date }> } {
  const go: T[] = [];
  const wait: Array<{ turn: T; until: Date }> = [];
  const taken = new Map<string, Date>();
  for (const turn of turns) {
    const key = shopperKey(turn);
    const until = busy.get(key) ?? taken.get(key);
    if (until) {
      wait.push({ turn, until });
      continue;
    }
    taken.set(key, turn.until);
    go.push(turn);
  }
  return { go, wait };
}
