/** The log's message states as the page names them; plain data for the browser bundle. */

/** The states the log filters by; `queued` is everything still to be sent (in flight and paused too). */
export const MESSAGE_FILTER_STATES = ["queued", "sent", "failed", "skipped", "paused"] as const;
export type MessageFilterState = (typeof MESSAGE_FILTER_STATES)[number];

/**
 * The rows each filter matches. Home's count tiles count with the same table, so a tile's
 * number and the list its link opens always agree.
 */
export const FILTER_STATES: Readonly<Record<MessageFilterState, readonly string[]>> = {
  queued: ["queued", "sending", "paused"],
  sent: ["sent"],
  failed: ["failed"],
  skipped: ["skipped"],
  paused: ["paused"],
};

export const FILTER_LABEL: Readonly<Record<MessageFilterState, string>> = {
  queued: "Waiting to send (queued, retrying or paused)",
  sent: "Sent",
  failed: "Failed",
  skipped: "Skipped",
  paused: "Paused",
};

export const MESSAGE_STATE_LABEL: Readonly<Record<string, string>> = {
  queued: "Queued",
  sending: "Sending",
  sent: "Sent",
  failed: "Failed",
  skipped: "Skipped",
  paused: "Paused",
};

/** A queued message that was tried before is waiting for its next attempt. */
export interface RetryProgress {
  /** The attempt that comes next, counting from 1. */
  attempt: number;
  of: number;
  nextAt: string;
}

export function retryProgress(state: string, attempts: number, maxAttempts: number, nextAttemptAt: string): RetryProgress | null {
  if (state !== "queued" || attempts < 1) return null;
  return { attempt: Math.min(attempts + 1, maxAttempts), of: maxAttempts, nextAt: nextAttemptAt };
}

/** Where a sent message is, from Kaleyra's status callbacks (app/receipts/delivery-state.ts). */
export const DELIVERY_STATE_LABEL: Readonly<Record<string, string>> = {
  accepted: "Accepted by Kaleyra",
  sent: "Sent to WhatsApp",
  delivered: "Delivered",
  read: "Read",
  failed: "Not delivered",
  not_sent: "Not sent by Kaleyra",
};
