/**
 * A message's delivery as the log shows it: the state in words, the time of each status, and
 * for a failure what happened and what to do, from the table the app acts on. Pure.
 */
import { parseFailure, ruleFor } from "../receipts/delivery-errors";
import { isFailure, type DeliveryColumns, type DeliveryState } from "../receipts/delivery-state";
import { DELIVERY_STATE_LABEL } from "./message-states";

export interface ShownDelivery {
  state: string;
  label: string;
  /** Each reported status with its time (ISO), in the order they happen. */
  times: Array<{ label: string; at: string }>;
  failure: { code: string; explanation: string; fix: string; metaWords: string | null } | null;
}

export function shownDelivery(row: DeliveryColumns): ShownDelivery | null {
  if (!row.deliveryState) return null;
  const state = row.deliveryState as DeliveryState;
  const failure = parseFailure(row.failure);
  const times = (
    [
      ["Sent to WhatsApp", row.whatsappSentAt],
      [isFailure(state) || failure ? "Failed" : "", row.failedAt],
      ["Delivered", row.deliveredAt],
      ["Read", row.readAt],
    ] as const
  ).flatMap(([label, at]) => (label && at ? [{ label, at: at.toISOString() }] : []));
  const rule = failure ? ruleFor(failure) : undefined;
  return {
    state,
    label: DELIVERY_STATE_LABEL[state] ?? state,
    times,
    failure:
      failure && rule
        ? {
            code: failure.code,
            explanation: rule.explanation,
            fix: rule.fix,
            metaWords: [failure.title, failure.message, failure.details].filter(Boolean).join(". ") || null,
          }
        : null,
  };
}
