import { messageForTrigger, updateClaimed } from "../db/repositories/messages.server";
import { lockShop } from "../db/repositories/shops.server";
import type { SqlDatabase } from "../db/sql.server";
import { queueFailedTrigger } from "../flow-triggers/queue.server";
import type { FailureWords, TriggerMessage } from "../flow-triggers/triggers";
import type { SendResult } from "../kaleyra/client.server";
import { explainOutcome, type KaleyraOutcome } from "../kaleyra/outcome";
import { MAX_ATTEMPTS, nextAttemptDelayMs } from "./backoff";
import { pauseShop, type Pause } from "./pause.server";

/** How long a shop waits after low balance or the daily limit before the worker tries again. */
export const LOW_BALANCE_RETRY_MS = 30 * 60_000;
export const DAILY_LIMIT_RETRY_MS = 60 * 60_000;

export interface RecordedOutcome {
  state: "sent" | "queued" | "failed" | "paused";
  /** False when the lease was lost: another worker owns the message now. */
  owned: boolean;
}

const DETAIL_MAX = 1000;

function detailOf(outcome: KaleyraOutcome): string {
  const help = explainOutcome(outcome);
  const detail = "detail" in outcome ? outcome.detail : "";
  return `${help.title}. ${detail}`.slice(0, DETAIL_MAX);
}

function pauseFor(outcome: KaleyraOutcome, now: Date): Pause | undefined {
  if (outcome.kind === "config_error") {
    return { reason: "config_error", code: outcome.code, detail: detailOf(outcome) };
  }
  if (outcome.kind === "pause") {
    const wait = outcome.reason === "low_balance" ? LOW_BALANCE_RETRY_MS : DAILY_LIMIT_RETRY_MS;
    return {
      reason: outcome.reason,
      code: outcome.code,
      detail: detailOf(outcome),
      resumeAt: new Date(now.getTime() + wait),
    };
  }
  return undefined;
}

/** Kaleyra's code and the outcome's explanation (kaleyra/outcome.ts), for the Flow trigger. */
function failureWords(outcome: KaleyraOutcome, attempts: number): FailureWords {
  const code = "code" in outcome ? outcome.code : null;
  const { explanation } = explainOutcome(outcome);
  return { code, explanation: outcome.kind === "retry" ? `Not sent after ${attempts} attempts. ${explanation}` : explanation };
}

/**
 * Writes what happened to one send. Only the worker holding the message's lease may write
 * (`lockedBy`), so a worker that lost its lease cannot overwrite a newer attempt.
 * Configuration errors and low balance pause the whole shop and leave the attempt unburnt.
 */
export async function recordSendResult(
  db: SqlDatabase,
  message: TriggerMessage & { attempts: number },
  workerId: string,
  result: SendResult,
  now: Date,
  retryDelay: (attempts: number, retryAfterMs?: number) => number = nextAttemptDelayMs,
): Promise<RecordedOutcome> {
  const { outcome } = result;
  const requestJson = result.request ? JSON.stringify(result.request) : null;
  const httpStatus = "httpStatus" in outcome ? (outcome.httpStatus ?? null) : null;
  const code = "code" in outcome ? outcome.code : null;
  const common = { lastOutcome: outcome.kind, lastCode: code, lastHttpStatus: httpStatus, requestJson, updatedAt: now };

  if (outcome.kind === "accepted") {
    // One statement, so no transaction: on PostgreSQL that is one round trip instead of three.
    const owned = await updateClaimed(
      db,
      message.id,
      workerId,
      { state: "sent", kaleyraMessageId: outcome.messageId, sentAt: now, lastDetail: null, ...common },
      { countAttempt: true },
    );
    return { state: "sent", owned };
  }

  const pause = pauseFor(outcome, now);
  const attempts = pause ? message.attempts : message.attempts + 1;
  let state: RecordedOutcome["state"];
  if (pause) state = "paused";
  else if (outcome.kind === "retry" && attempts < MAX_ATTEMPTS) state = "queued";
  else state = "failed";
  const delay = outcome.kind === "retry" ? retryDelay(attempts, outcome.retryAfterMs) : 0;
  const changes = { state, attempts, nextAttemptAt: new Date(now.getTime() + delay), lastDetail: detailOf(outcome), ...common };
  if (state === "failed") {
    // The failure and the Flow trigger it owes commit together.
    return db.transaction(async (tx) => {
      const owned = await updateClaimed(tx, message.id, workerId, changes);
      if (owned) await queueFailedTrigger(tx, message, failureWords(outcome, attempts), now);
      return { state, owned };
    });
  }
  if (!pause) return { state, owned: await updateClaimed(db, message.id, workerId, changes) };
  // The message and its shop's pause change together.
  return db.transaction(async (tx) => {
    const owned = await updateClaimed(tx, message.id, workerId, changes);
    if (owned) await pauseShop(tx, message.shopDomain, pause, now);
    return { state, owned };
  });
}

/** Gives a claimed message back without an attempt (e.g. the shopper was messaged too recently). */
export async function releaseMessage(
  db: SqlDatabase,
  id: string,
  workerId: string,
  notBefore: Date,
  now: Date,
): Promise<void> {
  await updateClaimed(db, id, workerId, { state: "queued", nextAttemptAt: notBefore, updatedAt: now });
}

/** Ends a claimed message without sending it (the shop switched sending off, say). */
export async function finishUnsent(
  db: SqlDatabase,
  id: string,
  workerId: string,
  state: "skipped" | "paused" | "failed",
  reason: string,
  now: Date,
): Promise<void> {
  if (state !== "failed") {
    await updateClaimed(db, id, workerId, { state, skipReason: reason, updatedAt: now });
    return;
  }
  await db.transaction(async (tx) => {
    if (!(await updateClaimed(tx, id, workerId, { state, skipReason: reason, updatedAt: now }))) return;
    const message = await messageForTrigger(tx, id);
    if (message) await queueFailedTrigger(tx, message, { code: null, explanation: reason }, now);
  });
}

/**
 * Parks a claimed message as `paused` because its shop is paused, but only if the shop still
 * is, read under the shop row's lock (SQLite's write lock serialises the same way). A resume
 * at the same moment then either sees the parked message and requeues it, or has already
 * lifted the pause and the message goes back to the queue here. Without that check, a worker
 * whose view of the shop was a moment old parked messages after the resume, where nothing
 * would ever lift them. Returns true when parked.
 */
export async function parkWhilePaused(
  db: SqlDatabase,
  id: string,
  workerId: string,
  shop: string,
  now: Date,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const reason = (await lockShop(tx, shop))?.pausedReason;
    if (reason) {
      await updateClaimed(tx, id, workerId, { state: "paused", skipReason: `shop paused: ${reason}`, updatedAt: now });
      return true;
    }
    await updateClaimed(tx, id, workerId, { state: "queued", nextAttemptAt: now, updatedAt: now });
    return false;
  });
}
