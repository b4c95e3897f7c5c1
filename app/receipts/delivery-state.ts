/**
 * Where a message is after Kaleyra accepted it, from the status callbacks that follow.
 * Pure: a fold of receipts onto a record.
 *
 * Rules:
 * 1. The state only moves forward, in this order: accepted, sent, not sent, failed,
 *    delivered, read. A delivered or read receipt after a failure wins (WhatsApp reports a
 *    failure on one of the shopper's devices and a delivery on another): the shopper got it.
 * 2. Every reported time is kept, whatever the state; a status reported twice keeps its
 *    earliest time, so the order in which callbacks arrive never changes the result.
 * 3. The failure kept is the earliest reported (the smaller code on a tie), for the same reason.
 * 4. A receipt that changes nothing (a duplicate) says so: nothing is written for it.
 */
import { parseFailure, type DeliveryError } from "./delivery-errors";

export const RECEIPT_STATUSES = ["sent", "failed", "not_sent", "delivered", "read"] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];
export type DeliveryState = "accepted" | ReceiptStatus;

const RANK: Record<DeliveryState, number> = { accepted: 0, sent: 1, not_sent: 2, failed: 3, delivered: 4, read: 5 };

/** Which time a status is kept in. */
const TIME_OF: Record<ReceiptStatus, keyof DeliveryTimes> = {
  sent: "sentAt",
  delivered: "deliveredAt",
  read: "readAt",
  failed: "failedAt",
  not_sent: "failedAt",
};

export interface DeliveryTimes {
  sentAt?: Date;
  deliveredAt?: Date;
  readAt?: Date;
  failedAt?: Date;
}

export interface DeliveryRecord extends DeliveryTimes {
  state: DeliveryState;
  failure?: DeliveryError;
}

export interface Receipt {
  status: ReceiptStatus;
  at: Date;
  error?: DeliveryError;
}

export interface Applied {
  record: DeliveryRecord;
  changed: boolean;
  /** The message has just become failed or not sent (the app acts on it once). */
  nowFailed: boolean;
}

export function isFailure(state: DeliveryState): boolean {
  return state === "failed" || state === "not_sent";
}

function earlierFailure(a: { at: Date; error?: DeliveryError }, b: { at: Date; error?: DeliveryError }): boolean {
  if (a.at.getTime() !== b.at.getTime()) return a.at < b.at;
  return (a.error?.code ?? "") < (b.error?.code ?? "");
}

export function applyReceipt(record: DeliveryRecord, receipt: Receipt): Applied {
  const next: DeliveryRecord = { ...record };
  const timeKey = TIME_OF[receipt.status];
  const known = record[timeKey];
  if (!known || receipt.at < known) next[timeKey] = receipt.at;

  if (isFailure(receipt.status)) {
    const kept = record.failedAt ? { at: record.failedAt, error: record.failure } : undefined;
    if (!kept || earlierFailure(receipt, kept)) next.failure = receipt.error;
  }
  if (RANK[receipt.status] > RANK[record.state]) next.state = receipt.status;

  const changed =
    next.state !== record.state ||
    next[timeKey]?.getTime() !== record[timeKey]?.getTime() ||
    next.failure?.code !== record.failure?.code;
  return { record: next, changed, nowFailed: isFailure(next.state) && !isFailure(record.state) && RANK[record.state] < RANK[next.state] };
}

/** A record as the message table stores it: one column per time, the failure as JSON. */
export interface DeliveryColumns {
  deliveryState: string | null;
  whatsappSentAt: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
  failedAt: Date | null;
  failure: string | null;
}

export function columnsOf(record: DeliveryRecord): DeliveryColumns {
  return {
    deliveryState: record.state,
    whatsappSentAt: record.sentAt ?? null,
    deliveredAt: record.deliveredAt ?? null,
    readAt: record.readAt ?? null,
    failedAt: record.failedAt ?? null,
    failure: record.failure ? JSON.stringify(record.failure) : null,
  };
}

/** The record stored columns hold; a message Kaleyra never accepted counts as accepted. */
export function recordOfColumns(columns: DeliveryColumns): DeliveryRecord {
  const record: DeliveryRecord = { state: (columns.deliveryState as DeliveryState | null) ?? "accepted" };
  if (columns.whatsappSentAt) record.sentAt = columns.whatsappSentAt;
  if (columns.deliveredAt) record.deliveredAt = columns.deliveredAt;
  if (columns.readAt) record.readAt = columns.readAt;
  if (columns.failedAt) record.failedAt = columns.failedAt;
  // An unreadable failure is shown as "no reason given", never a crash.
  const failure = parseFailure(columns.failure);
  if (failure) record.failure = failure;
  return record;
}

/** The test message's record in one text column (Shop.testDelivery). */
export function serializeRecord(record: DeliveryRecord): string {
  return JSON.stringify(record);
}

export function parseRecord(text: string | null): DeliveryRecord | undefined {
  if (!text) return undefined;
  try {
    const raw = JSON.parse(text) as Record<string, unknown>;
    const record: DeliveryRecord = { state: raw.state as DeliveryState };
    for (const key of ["sentAt", "deliveredAt", "readAt", "failedAt"] as const) {
      if (typeof raw[key] === "string") record[key] = new Date(raw[key]);
    }
    if (raw.failure && typeof raw.failure === "object") record.failure = raw.failure as DeliveryError;
    return record;
  } catch {
    return undefined;
  }
}
