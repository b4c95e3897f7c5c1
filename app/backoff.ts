/**
 * The one backoff rule of the app: each wait twice the one before, from `firstMs`, never more
 * than `capMs`. The message retry schedule (outbox/backoff.ts) adds jitter on top; recording a
 * send, reconnecting the outbox listener and re-reading an order use it as it is.
 */
export interface Doubling {
  firstMs: number;
  capMs: number;
}

/** The wait before retry number `step` (0 for the first retry). */
export function doublingDelayMs(step: number, { firstMs, capMs }: Doubling): number {
  return Math.min(capMs, firstMs * 2 ** Math.max(0, step));
}
