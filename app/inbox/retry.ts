/**
 * What happens to a delivery whose processing threw: it is tried again after a doubling wait,
 * and after INBOX_MAX_ATTEMPTS it is marked failed with the error, for the operator to see
 * (/healthz, the log) and replay after a fix (`npm run inbox:replay -- --failed`). Ten
 * attempts over ~17 minutes outlast a restart or a brief database fault; a bug in the
 * decision does not go away by waiting, and the lane it blocks moves on once it is failed.
 */
import { doublingDelayMs } from "../backoff";

export const INBOX_MAX_ATTEMPTS = 10;
export const INBOX_FIRST_RETRY_MS = 1000;
const CAP_MS = 10 * 60_000;

export interface RetrySchedule {
  maxAttempts: number;
  /** The wait after `attempts` failed attempts (1-based). */
  delayMs(attempts: number): number;
}

export const DEFAULT_RETRY: RetrySchedule = {
  maxAttempts: INBOX_MAX_ATTEMPTS,
  delayMs: (attempts) => doublingDelayMs(attempts - 1, { firstMs: INBOX_FIRST_RETRY_MS, capMs: CAP_MS }),
};

export type AfterFailure = { kind: "retry"; at: Date } | { kind: "failed" };

/** After the `attempts`-th failed attempt, at `now`. */
export function afterFailure(attempts: number, now: Date, schedule: RetrySchedule = DEFAULT_RETRY): AfterFailure {
  if (attempts >= schedule.maxAttempts) return { kind: "failed" };
  return { kind: "retry", at: new Date(now.getTime() + schedule.delayMs(attempts)) };
}

/** An error as one line for the inbox row and the operator: its name and message, bounded. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 500 ? `${text.slice(0, 499)}…` : text;
}
