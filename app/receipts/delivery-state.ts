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
import type { DeliveryError } from "./delivery-errors";

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
