/**
 * Retry schedule for messages Kaleyra could not take (5xx, 429, network, timeout).
 * Exponential from 30 s, capped at 1 h, with full jitter on the upper half so that a
 * recovering Kaleyra is not hit by every shop at once. Twelve attempts span 2.5 to 5
 * hours, well past Kaleyra's own advice for WA500 (retry at 5, 10 and 15 minutes).
 */
import { doublingDelayMs } from "../backoff";

export const MAX_ATTEMPTS = 12;
const BASE_MS = 30_000;
const CAP_MS = 60 * 60_000;

/** Delay before the next attempt, after `attempts` attempts have failed (1-based). */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const exponential = doublingDelayMs(attempts - 1, { firstMs: BASE_MS, capMs: CAP_MS });
  const half = exponential / 2;
  return Math.round(half + random() * half);
}

/** The delay Kaleyra asked for (Retry-After) wins when it is longer than ours. */
export function nextAttemptDelayMs(attempts: number, retryAfterMs: number | undefined, random?: () => number): number {
  return Math.max(retryDelayMs(attempts, random), retryAfterMs ?? 0);
}

