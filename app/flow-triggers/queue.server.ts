/**
 * Queues a Flow trigger for a message, in the transaction that changed the message: the
 * change and the trigger it owes commit together or not at all. The unique (message, trigger)
 * index keeps it to one, however often the change is seen (duplicate callbacks, replays).
 */
import { timeOrderedId } from "../db/ids";
import { insertFiring } from "../db/repositories/flow-trigger-firings.server";
import type { SqlExecutor } from "../db/sql.server";
import { failedPayload, FLOW_TRIGGERS, readPayload, type FailureWords, type FlowPayload, type FlowTriggerHandle, type TriggerMessage } from "./triggers";

async function queue(tx: SqlExecutor, message: TriggerMessage, trigger: FlowTriggerHandle, payload: FlowPayload | undefined, now: Date): Promise<boolean> {
  // A message about no order (a reply to STOP) has nothing to reference in Flow.
  if (!payload) return false;
  return insertFiring(tx, {
    id: timeOrderedId(),
    shopDomain: message.shopDomain,
    messageId: message.id,
    trigger,
    payload,
    state: "pending",
    nextAttemptAt: now,
    createdAt: now,
  });
}

/** The message failed for good: the shopper was not told on WhatsApp, and the app will not try again by itself. */
export function queueFailedTrigger(tx: SqlExecutor, message: TriggerMessage, failure: FailureWords, now: Date): Promise<boolean> {
  return queue(tx, message, FLOW_TRIGGERS.failed, failedPayload(message, failure), now);
}

/** The shopper read the message (WhatsApp's read receipt). */
export function queueReadTrigger(tx: SqlExecutor, message: TriggerMessage, now: Date): Promise<boolean> {
  return queue(tx, message, FLOW_TRIGGERS.read, readPayload(message), now);
}
