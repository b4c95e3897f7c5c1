import { lockMessage, lockMessageByKaleyraId, skipWaitingTo, updateMessage, type MessageRecord } from "../db/repositories/messages.server";
import { noteFirstCallback, readTestDelivery, saveTestDelivery } from "../db/repositories/shops.server";
import type { SqlExecutor } from "../db/sql.server";
import { MAX_ATTEMPTS, nextAttemptDelayMs } from "../outbox/backoff";
import { pauseShop } from "../outbox/pause.server";
import { DAILY_LIMIT_RETRY_MS } from "../outbox/record.server";
import type { TopicResult } from "../webhooks/types";
import { config } from "../config.server";
import { queueFailedTrigger, queueReadTrigger } from "../flow-triggers/queue.server";
import { ruleFor, unreachableSkipReason } from "./delivery-errors";
import { queueTemplateFallback } from "./fallback.server";
import { applyReceipt, columnsOf, parseRecord, recordOfColumns, serializeRecord, type DeliveryRecord } from "./delivery-state";
import { readStatusCallback, type CallbackReceipt } from "./kaleyra-callback";

async function findMessage(tx: SqlExecutor, shop: string, receipt: CallbackReceipt): Promise<MessageRecord | undefined> {
  if (receipt.appMessageId) {
    const byRef = await lockMessage(tx, shop, receipt.appMessageId);
    if (byRef) return byRef;
  }
  return receipt.kaleyraMessageId ? lockMessageByKaleyraId(tx, shop, receipt.kaleyraMessageId) : undefined;
}

type Action = "queued again" | "shop paused" | "failed" | "failed, sent as template" | `failed, no template: ${string}`;

/** What Meta's (or Kaleyra's) failure asks of the app, beyond recording it (delivery-errors.ts). */
async function actOnFailure(tx: SqlExecutor, shop: string, message: MessageRecord, record: DeliveryRecord, now: Date): Promise<Action> {
  const failure = record.failure;
  const rule = ruleFor(failure);
  // Kaleyra's own answer (lastCode, lastDetail) stays as it was: the failure is in `failure`.
  const common = { updatedAt: now };
  if (rule.action === "retry" && message.state === "sent" && message.attempts < MAX_ATTEMPTS) {
    const nextAttemptAt = new Date(now.getTime() + nextAttemptDelayMs(message.attempts, undefined));
    await updateMessage(tx, message.id, { state: "queued", nextAttemptAt, ...common }, ["sent"]);
    return "queued again";
  }
  if (rule.action === "pause_shop" && message.state === "sent") {
    await pauseShop(tx, shop, { reason: "daily_limit", code: failure?.code ?? null, detail: rule.explanation, resumeAt: new Date(now.getTime() + DAILY_LIMIT_RETRY_MS) }, now);
    await updateMessage(tx, message.id, { state: "paused", ...common }, ["sent"]);
    return "shop paused";
  }
  const failed = await updateMessage(tx, message.id, { state: "failed", ...common }, ["sent"]);
  if (rule.action === "skip_recipient" && message.recipient) await skipLaterMessagesTo(tx, shop, message.recipient, record.failedAt ?? now, now);
  const fallback =
    rule.action === "template_fallback" && message.state === "sent" ? await queueTemplateFallback(tx, message, failure?.code ?? "", now) : undefined;
  // Flow hears of the failure unless the update goes out again as a template: that message
  // owes its own trigger if it fails too.
  if (failed && !fallback?.queued) await queueFailedTrigger(tx, message, { code: failure?.code ?? null, explanation: rule.explanation }, now);
  if (!fallback) return "failed";
  return fallback.queued ? "failed, sent as template" : `failed, no template: ${fallback.why}`;
}

/** The number cannot be reached: its messages still waiting are skipped now, later ones when planned (enqueue.server.ts). */
async function skipLaterMessagesTo(tx: SqlExecutor, shop: string, recipient: string, failedAt: Date, now: Date): Promise<void> {
  const hours = config().UNREACHABLE_SKIP_HOURS;
  if (hours === 0) return;
  await skipWaitingTo(tx, shop, recipient, unreachableSkipReason(failedAt, hours), now);
}

/** A receipt for the shop's latest test message (Settings shows its delivery), or undefined when it is not for that. */
async function applyToTestMessage(tx: SqlExecutor, shop: string, receipt: CallbackReceipt, now: Date): Promise<ReceiptOutcome | undefined> {
  const test = await readTestDelivery(tx, shop);
  if (!test || test.testMessageId !== receipt.kaleyraMessageId) return undefined;
  const applied = applyReceipt(parseRecord(test.testDelivery) ?? { state: "accepted" }, receipt);
  if (applied.changed) await saveTestDelivery(tx, shop, test.testMessageId, serializeRecord(applied.record), now);
  return { matched: true, requeued: false, words: `${receipt.status}: the test message, ${applied.changed ? "recorded" : "already known"}` };
}

/** What applying one receipt did: whether it found its message, and in a few words for the inbox's reason. */
interface ReceiptOutcome {
  matched: boolean;
  requeued: boolean;
  words: string;
}

async function applyOne(tx: SqlExecutor, shop: string, receipt: CallbackReceipt, now: Date): Promise<ReceiptOutcome> {
  const message = await findMessage(tx, shop, receipt);
  if (!message && receipt.kaleyraMessageId) {
    const test = await applyToTestMessage(tx, shop, receipt, now);
    if (test) return test;
  }
  if (!message) {
    const names = [receipt.appMessageId && `ref ${receipt.appMessageId}`, receipt.kaleyraMessageId && `Kaleyra id ${receipt.kaleyraMessageId}`].filter(Boolean);
    return { matched: false, requeued: false, words: `${receipt.status}: no message of this shop has ${names.join(" or ") || "an id in this callback"}` };
  }
  const before = recordOfColumns(message);
  const applied = applyReceipt(before, receipt);
  if (!applied.changed) return { matched: true, requeued: false, words: `${receipt.status}: already known` };
  const { record } = applied;
  await updateMessage(tx, message.id, { ...columnsOf(record), updatedAt: now });
  if (record.state === "read" && before.state !== "read") await queueReadTrigger(tx, message, now);
  if (!applied.nowFailed) return { matched: true, requeued: false, words: `${receipt.status}: recorded` };
  const action = await actOnFailure(tx, shop, message, record, now);
  return { matched: true, requeued: action === "queued again" || action === "failed, sent as template", words: `${receipt.status} ${record.failure?.code ?? ""}: ${action}` };
}

/**
 * A status callback taken from the inbox: each receipt in it is applied to the message it
 * names (by the app's id in `ref`, else Kaleyra's id), in the processor's transaction. A
 * callback that names no message of the shop is kept as ignored, with the reason.
 */
export async function handleStatusCallback(tx: SqlExecutor, shop: string, rawBody: string, receivedAt: Date, now: Date): Promise<TopicResult> {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return { outcome: "ignored", reason: "the callback body is not valid JSON", enqueued: 0 };
  }
  const read = readStatusCallback(body, receivedAt);
  if (!read.ok) return { outcome: "ignored", reason: read.reason, enqueued: 0 };
  await noteFirstCallback(tx, shop, now);
  const done: ReceiptOutcome[] = [];
  for (const receipt of read.receipts) done.push(await applyOne(tx, shop, receipt, now));
  const unknown = read.unknown.map((what) => `${what}: not a status the app knows`);
  return {
    outcome: done.some((one) => one.matched) ? "processed" : "ignored",
    reason: [...done.map((one) => one.words), ...unknown].join("; ").slice(0, 1000),
    enqueued: done.filter((one) => one.requeued).length,
  };
}
