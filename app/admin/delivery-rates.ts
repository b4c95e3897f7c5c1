/**
 * Home's view of delivery receipts: the share of messages WhatsApp delivered and the shopper
 * read over the counting window, and whether most of the latest answered messages failed
 * (a setup problem the merchant should hear about at once, e.g. 131047 for every shopper).
 * Pure: the counts and the latest outcomes come from the message table.
 */
import { parseFailure, ruleFor, type DeliveryError } from "../receipts/delivery-errors";

export interface DeliveryRates {
  /** Messages WhatsApp (or Kaleyra) answered for: delivered, read, failed or not sent. */
  answered: number;
  /** Delivered, read included. */
  delivered: number;
  read: number;
  failed: number;
  /** Accepted by Kaleyra, no final answer yet. */
  waiting: number;
  /** Whole percent of `answered`; null when nothing was answered. */
  deliveredPercent: number | null;
  readPercent: number | null;
}

const percent = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 100));

/** From message counts by delivery state (accepted, sent, delivered, read, failed, not_sent). */
export function deliveryRates(byState: ReadonlyMap<string, number>): DeliveryRates {
  const n = (state: string) => byState.get(state) ?? 0;
  const read = n("read");
  const delivered = n("delivered") + read;
  const failed = n("failed") + n("not_sent");
  const answered = delivered + failed;
  return {
    answered,
    delivered,
    read,
    failed,
    waiting: n("accepted") + n("sent"),
    deliveredPercent: percent(delivered, answered),
    readPercent: percent(read, answered),
  };
}

/** How many of the latest answered messages are looked at, and how many failures make a spike. */
export const SPIKE_WINDOW = 20;
export const SPIKE_MIN_FAILURES = 5;

export interface FailureSpike {
  failed: number;
  of: number;
  /** The most frequent code among the failures, with what it means and what to do. */
  code: string | null;
  explanation: string;
  fix: string;
}

/**
 * A spike: more than half of the latest answered messages (newest first, at most
 * SPIKE_WINDOW) failed, and at least SPIKE_MIN_FAILURES did, so one unlucky message among
 * three is no alarm.
 */
export function failureSpike(latest: ReadonlyArray<{ deliveryState: string; failure: string | null }>): FailureSpike | null {
  const window = latest.slice(0, SPIKE_WINDOW);
  const failures = window.filter((m) => m.deliveryState === "failed" || m.deliveryState === "not_sent");
  if (failures.length < SPIKE_MIN_FAILURES || failures.length * 2 <= window.length) return null;
  const byCode = new Map<string, { n: number; error: DeliveryError | undefined }>();
  for (const message of failures) {
    const error = parseFailure(message.failure);
    const key = error?.code ?? "";
    const seen = byCode.get(key);
    byCode.set(key, { n: (seen?.n ?? 0) + 1, error: seen?.error ?? error });
  }
  const [code, top] = [...byCode.entries()].sort((a, b) => b[1].n - a[1].n)[0]!;
  const rule = ruleFor(top.error);
  return { failed: failures.length, of: window.length, code: code || null, explanation: rule.explanation, fix: rule.fix };
}
