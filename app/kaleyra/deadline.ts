/**
 * How long the app waits for Kaleyra's answer to one send (connect, send, headers, body).
 * Past it the send counts as timed out and is retried; Kaleyra may still have taken it.
 */
export const KALEYRA_DEADLINE_MS = 10_000;
