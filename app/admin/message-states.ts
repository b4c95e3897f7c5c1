/** The log's message states as the page names them; plain data for the browser bundle. */

/** The states the log filters by; `queued` includes messages being sent right now. */
export const MESSAGE_FILTER_STATES = ["queued", "sent", "failed", "skipped", "paused"] as const;
export type MessageFilterState = (typeof MESSAGE_FILTER_STATES)[number];

export const MESSAGE_STATE_LABEL: Readonly<Record<string, string>> = {
  queued: "Queued",
  sending: "Sending",
  sent: "Sent",
  failed: "Failed",
  skipped: "Skipped",
  paused: "Paused",
};
