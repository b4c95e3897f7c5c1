import { deleteFlowActionRunsBefore } from "../db/repositories/flow-action-runs.server";
import { deleteBodiesBefore } from "../db/repositories/webhook-bodies.server";
import { deleteEventsBefore, dropDecidedBodiesBefore } from "../db/repositories/webhook-events.server";
import type { SqlExecutor } from "../db/sql.server";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * How long a webhook delivery's event row is kept: it de-duplicates Shopify's retries, which
 * end 4 hours after the first attempt (8 retries). Seven days is well past that and leaves a
 * week to look into a delivery a merchant asks about.
 */
export const WEBHOOK_EVENT_RETENTION_MS = 7 * DAY_MS;

/**
 * How long an accepted body's hash is kept to refuse it replayed under another shop. The
 * signature never expires, so a longer window refuses replays for longer; a hash holds no
 * customer data and is ~100 bytes, so 30 days costs little. Past it, a replayed order body
 * still cannot send a message twice: the messages' dedupe keys are kept with the message log.
 */
export const WEBHOOK_BODY_RETENTION_MS = 30 * DAY_MS;

/**
 * How long a decided delivery keeps its raw body (which holds the shopper's name, phone and
 * address): three days to look into what the app made of a delivery a merchant asks about.
 * The row itself stays for WEBHOOK_EVENT_RETENTION_MS to de-duplicate retries. A delivery
 * still waiting or failed keeps its body until it is decided (customers/redact and
 * shop/redact drop it earlier).
 */
export const INBOX_BODY_RETENTION_MS = 3 * DAY_MS;

/**
 * How long a Shopify Flow action run's answer is kept: Flow retries a step for at most
 * 36 hours with the same action_run_id; a week is well past that. A run holds no customer data.
 */
export const FLOW_ACTION_RUN_RETENTION_MS = 7 * DAY_MS;

/** The worker runs the pruning this often. */
export const WEBHOOK_PRUNE_EVERY_MS = HOUR_MS;

/** Rows deleted per statement, so that a first run over a large backlog holds no long lock. */
const BATCH = 5000;

async function deleteOlder(
  db: SqlExecutor,
  deleteBatch: (db: SqlExecutor, before: Date, limit: number) => Promise<number>,
  before: Date,
): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch(db, before, BATCH);
    total += deleted;
    if (deleted < BATCH) return total;
  }
}

/**
 * Drops decided deliveries' raw bodies, then deletes decided deliveries and body hashes older
 * than their retention; returns the counts.
 */
export async function pruneWebhookRecords(
  db: SqlExecutor,
  now: Date,
): Promise<{ rawBodies: number; events: number; bodies: number }> {
  const rawBodies = await deleteOlder(db, dropDecidedBodiesBefore, new Date(now.getTime() - INBOX_BODY_RETENTION_MS));
  const events = await deleteOlder(db, deleteEventsBefore, new Date(now.getTime() - WEBHOOK_EVENT_RETENTION_MS));
  const bodies = await deleteOlder(db, deleteBodiesBefore, new Date(now.getTime() - WEBHOOK_BODY_RETENTION_MS));
  return { rawBodies, events, bodies };
}

/** Deletes Flow action runs older than their retention; returns how many. */
export async function pruneFlowActionRuns(db: SqlExecutor, now: Date): Promise<number> {
  return deleteOlder(db, deleteFlowActionRunsBefore, new Date(now.getTime() - FLOW_ACTION_RUN_RETENTION_MS));
}
