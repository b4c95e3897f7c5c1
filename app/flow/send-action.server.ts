/**
 * Shopify Flow's action "Send WhatsApp order update": one run, from Flow's authenticated
 * request to the message in the outbox (the worker sends it, as it sends every message).
 * The rules are in ./send-action.ts; the planning is the pipeline's (enqueuePlanned), so a
 * Flow message follows the same consent, form and template rules as any other.
 *
 * Idempotent on Flow's action_run_id: the run's row is claimed in the transaction that
 * queues its message, so a retry (or a concurrent copy) of the run queues nothing more and
 * gets the first answer.
 */
import { claimFlowActionRun, findFlowActionRun, settleFlowActionRun } from "../db/repositories/flow-action-runs.server";
import { findShop, type ShopRow } from "../db/repositories/shops.server";
import { whatsAppTemplatesNamed } from "../db/repositories/whatsapp-templates.server";
import type { SqlDatabase, SqlExecutor } from "../db/sql.server";
import type { Logger } from "../logger.server";
import { giftRecipientsPref } from "../orders/gift-recipients";
import type { OrderKnowledge } from "../orders/knowledge";
import { parseOrderPayload } from "../orders/payloads";
import { highestQueued, orderStanding } from "../orders/status-decision";
import { announceQueuedMessages } from "../outbox/notify.server";
import { enqueuePlanned, queuedMessagesOf, type QueuedRow } from "../pipeline/enqueue.server";
import { mergeOrderRead, readOrderKnowledge } from "../pipeline/order-state.server";
import { chooseFlowStatus, flowMessages, requestedStatusOf, type FlowOutcome, type FlowRequest } from "./send-action";

export interface FlowActionDeps {
  sql: SqlDatabase;
  now: () => Date;
  log: Logger;
  /**
   * Reads the order from Shopify in the webhook payload shape (null: Shopify has no such
   * order). Throws when Shopify cannot be asked now: the run is then answered 5xx and Flow
   * retries it.
   */
  readOrder: (orderId: string) => Promise<unknown>;
}

const NOT_SET_UP = "the app is not set up for this shop: open it in your Shopify admin and connect your Kaleyra account in Settings";

const refused = (reason: string, orderStatus: string | null = null): FlowOutcome => ({ orderStatus, outcome: "refused", reason, messageId: null });

/** What the app knows of the order, read from Shopify first when it never saw the order's line items. */
async function orderFacts(deps: FlowActionDeps, request: FlowRequest): Promise<{ knowledge: OrderKnowledge } | { refused: string }> {
  if (!(await findShop(deps.sql, request.shop))) return { refused: NOT_SET_UP };
  const stored = await readOrderKnowledge(deps.sql, request.shop, request.orderId);
  if (stored?.knowledge.lineItemsKnown) return { knowledge: stored.knowledge };
  // Installed after the order was placed, or its webhooks not decided yet: the merchant
  // picked a real order in Flow and expects it told, so the app reads it as a lookup does.
  const read = await deps.readOrder(request.orderId);
  if (read === null) return stored ? { knowledge: stored.knowledge } : { refused: `Shopify has no order ${request.orderId} in this shop` };
  const order = parseOrderPayload(read);
  if (!order.ok) return { refused: `the order read from Shopify cannot be used: ${order.reason}` };
  const knowledge = await deps.sql.transaction((tx) => mergeOrderRead(tx, request.shop, order.value, deps.now()));
  return { knowledge };
}

/** The run's messages went into the outbox: its answer is the first one's (the buyer's, or the gift recipient told instead). */
function outcomeOf(status: string, rows: QueuedRow[], shop: ShopRow): FlowOutcome {
  const going = rows.find((row) => row.state !== "skipped");
  if (going) return { orderStatus: status, outcome: going.state, reason: going.state === "paused" ? `sending is paused for this shop (${shop.pausedReason ?? "see the app"})` : null, messageId: going.id };
  const first = rows[0];
  return { orderStatus: status, outcome: "skipped", reason: first?.skipReason ?? "nothing to send", messageId: first?.id ?? null };
}

/** Decides the run inside the transaction that claimed it, and queues its message. */
async function queueUpdate(tx: SqlExecutor, request: FlowRequest, knowledge: OrderKnowledge, now: Date): Promise<FlowOutcome> {
  const shop = await findShop(tx, request.shop);
  if (!shop) return refused(NOT_SET_UP);
  const requested = requestedStatusOf(request.status);
  if (!requested.ok) return refused(requested.reason);
  const queued = await queuedMessagesOf(tx, shop.domain, knowledge.orderId);
  const choice = chooseFlowStatus(requested.value, orderStanding(knowledge), highestQueued(queued));
  if (!choice.ok) return refused(choice.reason);
  const name = request.templateName;
  if (name !== undefined && (await whatsAppTemplatesNamed(tx, shop.domain, name)).length === 0) {
    return refused(`the shop has no approved WhatsApp template named "${name}": add it in the app's WhatsApp templates, or leave the template empty`, choice.status);
  }
  const messages = flowMessages(knowledge, choice, request.actionRunId, giftRecipientsPref(shop.giftRecipients));
  const rows = await enqueuePlanned(tx, shop, knowledge, messages, now, name === undefined ? {} : { templateName: name });
  return outcomeOf(choice.status, rows, shop);
}

/**
 * Runs one authenticated Flow request and returns its answer: the first answer of its
 * action_run_id when the run was answered before.
 */
export async function runFlowAction(deps: FlowActionDeps, request: FlowRequest): Promise<FlowOutcome> {
  const { shop, actionRunId } = request;
  const previous = await findFlowActionRun(deps.sql, shop, actionRunId);
  if (previous) return previous;
  const facts = await orderFacts(deps, request);
  const now = deps.now();
  const answer = await deps.sql.transaction(
    async (tx): Promise<FlowOutcome & { repeated?: boolean }> => {
      const claimed = await claimFlowActionRun(tx, { shopDomain: shop, actionRunId, orderId: request.orderId, outcome: "refused", createdAt: now });
      // A concurrent copy of the run committed first (PostgreSQL waited for it): its answer.
      if (!claimed) return { ...(await findFlowActionRun(tx, shop, actionRunId))!, repeated: true };
      const outcome = "refused" in facts ? refused(facts.refused) : await queueUpdate(tx, request, facts.knowledge, now);
      await settleFlowActionRun(tx, shop, actionRunId, outcome);
      return outcome;
    },
    { durable: true },
  );
  if (answer.repeated) return answer;
  if (answer.outcome === "queued") announceQueuedMessages(deps.sql, deps.log);
  deps.log.info({ shop, actionRunId, orderId: request.orderId, status: answer.orderStatus, outcome: answer.outcome, reason: answer.reason }, "Shopify Flow action run");
  return answer;
}
