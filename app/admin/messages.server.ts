/**
 * The message log: one shop's outbox rows, newest first, and one row in detail. Every query
 * is scoped by the shop of the session; a message id of another shop reads as "not found".
 */
import { OPT_OUT_REPLY_STATUS } from "../consent/inbound.server";
import { FORM_LABEL, isMessageForm } from "../kaleyra/forms";
import { findFallbackOf, readMessage, shopMessageLog, type MessageRecord } from "../db/repositories/messages.server";
import { readKnowledgeText } from "../db/repositories/order-states.server";
import { isOrderStatus, STATUS_LABEL } from "../kaleyra/statuses";
import type { OutcomeHelp } from "../kaleyra/outcome";
import type { AdminDeps } from "./deps.server";
import type { OrderKnowledge } from "../orders/knowledge";
import { NO_PHONE_REASON, pickRecipient } from "../orders/recipient";
import {
  isRetryable,
  shownRecipient,
  type ShownRecipient,
  orderAdminUrl,
  PAGE_SIZE,
  requestForDisplay,
  statesFor,
  type MessageFilter,
} from "./messages";
import { MESSAGE_STATE_LABEL, retryProgress, type RetryProgress } from "./message-states";
import { MAX_ATTEMPTS } from "../outbox/backoff";
import { fixFor, type Fix } from "./outcome-help";
import { shownDelivery, type ShownDelivery } from "./delivery";
import { kaleyraWords, storedOutcomeHelp, storedOutcomeKey } from "./outcome-help";

export interface MessageRow {
  id: string;
  orderId: string;
  orderName: string;
  statusLabel: string;
  state: string;
  /** What Kaleyra's status callbacks said, once it took the message. */
  deliveryState: string | null;
  recipient: ShownRecipient;
  attempts: number;
  createdAt: string;
  retry: RetryProgress | null;
}

export interface MessagePage {
  rows: MessageRow[];
  page: number;
  hasNext: boolean;
  hasPrevious: boolean;
}

function statusLabel(status: string): string {
  if (status === OPT_OUT_REPLY_STATUS) return "Opt-out confirmation";
  return isOrderStatus(status) ? STATUS_LABEL[status] : status;
}

export async function listMessages(deps: AdminDeps, shopDomain: string, filter: MessageFilter): Promise<MessagePage> {
  const found = await shopMessageLog(deps.sql, shopDomain, {
    states: filter.state ? statesFor(filter.state) : undefined,
    since: filter.days ? new Date(deps.now().getTime() - filter.days * 24 * 60 * 60 * 1000) : undefined,
    // The order id matches exactly, without the # the merchant may type.
    search: filter.q ? { name: filter.q, orderId: filter.q.replace(/^#/, "") } : undefined,
    offset: (filter.page - 1) * PAGE_SIZE,
    // One more than a page tells whether a next page exists without counting the whole log.
    limit: PAGE_SIZE + 1,
  });
  return {
    rows: found.slice(0, PAGE_SIZE).map((row) => ({
      id: row.id,
      orderId: row.orderId,
      orderName: row.orderName ?? row.orderId,
      statusLabel: statusLabel(row.orderStatus),
      state: row.state,
      deliveryState: row.deliveryState,
      recipient: shownRecipient(row.recipient, row.audience, row.skipReason),
      attempts: row.attempts,
      createdAt: row.createdAt.toISOString(),
      retry: retryProgress(row.state, row.attempts, MAX_ATTEMPTS, row.nextAttemptAt.toISOString()),
    })),
    page: filter.page,
    hasNext: found.length > PAGE_SIZE,
    hasPrevious: filter.page > 1,
  };
}

export interface MessageDetail {
  id: string;
  orderId: string;
  orderName: string;
  orderUrl: string;
  /** The order status it tells (processing, shipped, ...), and its words. */
  orderStatus: string;
  statusLabel: string;
  state: string;
  stateLabel: string;
  recipient: ShownRecipient;
  recipientSource: string | null;
  referenceId: string | null;
  bodyText: string | null;
  description: string | null;
  /** Links left out of the text to fit WhatsApp's limits (their line dropped whole). */
  omittedLinks: string[];
  attempts: number;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
  nextAttemptAt: string | null;
  kaleyraMessageId: string | null;
  skipReason: string | null;
  /** Kaleyra's last answer, if a send was attempted. */
  answer: { code: string | null; httpStatus: number | null; words: string | null } | null;
  help: OutcomeHelp | null;
  /** The request as sent, without secrets and with the shopper's number masked. */
  request: string | null;
  canRetry: boolean;
  retry: RetryProgress | null;
  /** Where the merchant fixes the cause when sending the same message again cannot help. */
  fix: Fix | null;
  /** What Kaleyra's status callbacks said, once it took the message. */
  delivery: ShownDelivery | null;
  /** How it is sent (interactive, template, text) and why that form; the template by name and language. */
  form: { label: string; reason: string | null; template: string | null };
  /** The interactive message this template replaces after WhatsApp's 131047, or the template that replaced this one. */
  fallback: { of: string | null; by: string | null };
}

/** Advice for a message that has no Kaleyra answer to explain it. */
function helpWithoutAnswer(state: string, skipReason: string | null, phoneUpdatedAt: Date | null = null): OutcomeHelp | null {
  if (state === "skipped" && phoneUpdatedAt !== null) {
    return {
      title: "Not sent yet: the phone number was updated",
      explanation: `The app did not send this message: ${skipReason ?? "no phone number"}. The phone number was updated on ${formatUtc(phoneUpdatedAt)}.`,
      action: "Retry to send it to the updated number.",
    };
  }
  if (state === "skipped") {
    return {
      title: "Not sent",
      explanation: skipReason ? `The app did not send this message: ${skipReason}.` : "The app did not send this message.",
      action: "Fix the cause (for example the shopper's phone number on the order, or switch the template or sending on), then retry.",
    };
  }
  if (state === "paused") {
    return {
      title: "Waiting: sending is paused",
      explanation: skipReason ? `Sending is paused for your shop (${skipReason}).` : "Sending is paused for your shop.",
      action: "See the banner on the Home page for what to do; the message is sent when sending resumes.",
    };
  }
  if (state === "queued" || state === "sending") {
    return {
      title: "Waiting to be sent",
      explanation: "The message is in the queue and is sent within moments.",
      action: "Nothing to do.",
    };
  }
  if (state === "failed" && skipReason) {
    return { title: "Not sent", explanation: `The message could not be sent: ${skipReason}.`, action: "Check the order, then retry." };
  }
  return null;
}

/** "10 Mar 2026, 11:00 UTC" */
function formatUtc(date: Date): string {
  return `${new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(date)} UTC`;
}

/**
 * For a message skipped for want of the buyer's phone, when the order's phone was added or
 * corrected since (orders/updated) and a number can now be used: the time of that change.
 */
async function phoneUpdatedSince(
  deps: AdminDeps,
  row: { shopDomain: string; orderId: string; state: string; skipReason: string | null },
): Promise<Date | null> {
  if (row.state !== "skipped" || !row.skipReason?.startsWith(NO_PHONE_REASON)) return null;
  const text = await readKnowledgeText(deps.sql, row.shopDomain, row.orderId);
  if (!text) return null;
  const knowledge = JSON.parse(text) as OrderKnowledge;
  const changedAt = knowledge.contact.phoneChangedAt;
  return changedAt && pickRecipient(knowledge).ok ? new Date(changedAt) : null;
}

export async function getMessage(deps: AdminDeps, shopDomain: string, id: string): Promise<MessageDetail | null> {
  const row = await readMessage(deps.sql, shopDomain, id);
  return row ? messageDetail(deps, shopDomain, row) : null;
}

/** One message as the detail page (and the order page's block) shows it: the row read already. */
export async function messageDetail(deps: AdminDeps, shopDomain: string, row: MessageRecord): Promise<MessageDetail> {
  const phoneUpdatedAt = await phoneUpdatedSince(deps, row);
  const stored = { kind: row.lastOutcome, code: row.lastCode, detail: row.lastDetail };
  // A retried message keeps its last answer for the record, but the advice follows its state
  // now: skipped says why, and a message queued again (attempts back at 0) is just waiting.
  const retriedAndWaiting = (row.state === "queued" || row.state === "sending") && row.attempts === 0;
  const answerExplains = row.lastOutcome !== null && row.state !== "skipped" && !retriedAndWaiting;
  const delivery = shownDelivery(row);
  return {
    id: row.id,
    orderId: row.orderId,
    orderName: row.orderName ?? row.orderId,
    orderUrl: orderAdminUrl(shopDomain, row.orderId),
    orderStatus: row.orderStatus,
    statusLabel: statusLabel(row.orderStatus),
    state: row.state,
    stateLabel: MESSAGE_STATE_LABEL[row.state] ?? row.state,
    recipient: shownRecipient(row.recipient, row.audience, row.skipReason),
    recipientSource: row.recipientSource,
    referenceId: row.referenceId,
    bodyText: row.bodyText,
    description: row.description,
    omittedLinks: row.omittedLinks ? row.omittedLinks.split("\n") : [],
    attempts: row.attempts,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
    nextAttemptAt: row.state === "queued" ? row.nextAttemptAt.toISOString() : null,
    kaleyraMessageId: row.kaleyraMessageId,
    skipReason: row.skipReason,
    answer:
      row.lastOutcome !== null
        ? { code: row.lastCode, httpStatus: row.lastHttpStatus, words: kaleyraWords(stored) }
        : null,
    help: delivery?.failure && !retriedAndWaiting
      ? { title: delivery.label, explanation: delivery.failure.explanation, action: delivery.failure.fix }
      : answerExplains
        ? storedOutcomeHelp(stored)
        : helpWithoutAnswer(row.state, row.skipReason, phoneUpdatedAt),
    request: requestForDisplay(row.requestJson),
    // WhatsApp refused this very message after Kaleyra took it: sent again as it is, it fails again.
    canRetry: isRetryable(row.state) && !delivery?.failure,
    retry: retryProgress(row.state, row.attempts, MAX_ATTEMPTS, row.nextAttemptAt.toISOString()),
    fix: row.state === "failed" && !delivery?.failure ? fixFor(storedOutcomeKey(stored), row.orderStatus) : null,
    delivery,
    form: {
      label: isMessageForm(row.form) ? FORM_LABEL[row.form] : row.form,
      reason: row.formReason,
      template: row.templateName ? `${row.templateName} (${row.templateLanguage ?? "?"})` : null,
    },
    fallback: { of: row.fallbackOf, by: (await findFallbackOf(deps.sql, shopDomain, row.id)) ?? null },
  };
}
