/**
 * Kaleyra's v2 status callback, read into receipts. Pure.
 *
 * The body carries Meta's status object under `meta_object.value.statuses[]` (id, status,
 * timestamp in Unix seconds, recipient_id, errors[] on failure), Kaleyra's `extra_info`
 * (message_id, ref, ref1, ref2, trace_id, waba_id), and a top-level `status` and
 * `message_id`. Kaleyra's own `not-sent` comes without Meta's object. Unknown fields are
 * ignored; a status the app does not know is reported back, not guessed.
 */
import { z } from "zod";
import type { DeliveryError } from "./delivery-errors";
import type { Receipt, ReceiptStatus } from "./delivery-state";

/** The inbox topic of Kaleyra's status callbacks (source "kaleyra"). */
export const STATUS_CALLBACK_TOPIC = "kaleyra/status";

/** The app's own message id in `extra_info.ref` of every request it sends. */
export const REF_PREFIX = "msg:";

/** Where Kaleyra posts a shop's status callbacks: this, then the shop's URL token. */
export const CALLBACK_PATH_PREFIX = "/kaleyra/callbacks/";

export function refFor(messageId: string): string {
  return `${REF_PREFIX}${messageId}`;
}

export interface CallbackReceipt extends Receipt {
  /** How the message is found: the app's id from `ref`, Kaleyra's id, WhatsApp's id. */
  appMessageId?: string;
  kaleyraMessageId?: string;
  whatsappId?: string;
}

export type ReadCallback =
  | { ok: true; receipts: CallbackReceipt[]; unknown: string[] }
  | { ok: false; reason: string };

const text = z.union([z.string(), z.number()]).transform(String);

const errorShape = z
  .object({
    code: text,
    title: z.string().optional(),
    message: z.string().optional(),
    error_data: z.object({ details: z.string().optional() }).passthrough().optional(),
    details: z.string().optional(),
  })
  .passthrough();

const metaStatus = z
  .object({
    id: z.string().optional(),
    status: z.string(),
    timestamp: text.optional(),
    errors: z.array(z.unknown()).optional(),
  })
  .passthrough();

const callback = z
  .object({
    status: z.string().optional(),
    message_id: text.optional(),
    timestamp: text.optional(),
    error: z.unknown().optional(),
    errors: z.array(z.unknown()).optional(),
    extra_info: z.object({ message_id: text.optional(), ref: text.optional() }).passthrough().optional(),
    meta_object: z
      .object({ value: z.object({ statuses: z.array(z.unknown()).optional() }).passthrough().optional() })
      .passthrough()
      .optional(),
  })
  .passthrough();

const STATUS_WORDS: Record<string, ReceiptStatus> = {
  sent: "sent",
  delivered: "delivered",
  read: "read",
  failed: "failed",
  "not-sent": "not_sent",
  not_sent: "not_sent",
  notsent: "not_sent",
};

function statusOf(word: string): ReceiptStatus | undefined {
  return STATUS_WORDS[word.trim().toLowerCase()];
}

/** Meta's Unix seconds (or milliseconds, or an ISO time); the time it arrived otherwise. */
function timeOf(value: string | undefined, receivedAt: Date): Date {
  if (value === undefined || value.trim() === "") return receivedAt;
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    const at = new Date(n < 1e12 ? n * 1000 : n);
    return Number.isNaN(at.getTime()) ? receivedAt : at;
  }
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? receivedAt : at;
}

const ERROR_TEXT_MAX = 500;

function errorOf(candidates: readonly unknown[]): DeliveryError | undefined {
  for (const candidate of candidates) {
    const parsed = errorShape.safeParse(candidate);
    if (!parsed.success) continue;
    const { code, title, message, error_data: data, details } = parsed.data;
    const cut = (value: string | undefined) => (value ? value.slice(0, ERROR_TEXT_MAX) : undefined);
    return {
      code: code.slice(0, 40),
      ...(title ? { title: cut(title) } : {}),
      ...(message ? { message: cut(message) } : {}),
      ...((data?.details ?? details) ? { details: cut(data?.details ?? details) } : {}),
    };
  }
  return undefined;
}

function appMessageIdOf(ref: string | undefined): string | undefined {
  return ref?.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : undefined;
}

/** The receipts in one callback body (already parsed JSON). */
export function readStatusCallback(body: unknown, receivedAt: Date): ReadCallback {
  const parsed = callback.safeParse(body);
  if (!parsed.success) return { ok: false, reason: "the body is not a Kaleyra status callback (not a JSON object)" };
  const top = parsed.data;
  const ids = {
    appMessageId: appMessageIdOf(top.extra_info?.ref),
    kaleyraMessageId: top.extra_info?.message_id ?? top.message_id,
  };
  const receipts: CallbackReceipt[] = [];
  const unknown: string[] = [];
  const statuses = top.meta_object?.value?.statuses ?? [];
  for (const raw of statuses) {
    const item = metaStatus.safeParse(raw);
    if (!item.success) {
      unknown.push("a status without a status word");
      continue;
    }
    const status = statusOf(item.data.status);
    if (!status) {
      unknown.push(`status "${item.data.status.slice(0, 40)}"`);
      continue;
    }
    const error = status === "failed" ? errorOf(item.data.errors ?? []) : undefined;
    receipts.push({
      status,
      at: timeOf(item.data.timestamp, receivedAt),
      ...(error ? { error } : {}),
      ...ids,
      ...(item.data.id ? { whatsappId: item.data.id } : {}),
    });
  }
  if (statuses.length === 0 && top.status !== undefined) {
    const status = statusOf(top.status);
    if (!status) unknown.push(`status "${top.status.slice(0, 40)}"`);
    else {
      const error = status === "failed" || status === "not_sent" ? errorOf([top.error, ...(top.errors ?? []), top]) : undefined;
      receipts.push({ status, at: timeOf(top.timestamp, receivedAt), ...(error ? { error } : {}), ...ids });
    }
  }
  if (receipts.length === 0 && unknown.length === 0) return { ok: false, reason: "the callback reports no status" };
  return { ok: true, receipts, unknown };
}
