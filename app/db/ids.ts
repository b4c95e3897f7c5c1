import { randomBytes } from "node:crypto";

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Rows of the
 * tables that grow with every webhook (Message, WebhookEvent) take these as primary keys, so
 * a new row lands at the right-hand end of its primary-key index instead of on a random page
 * of it: on a table of a million rows a random key touches a page that is rarely cached and,
 * on PostgreSQL, writes a full-page image to the WAL after every checkpoint.
 */
export function timeOrderedId(nowMs: number = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(nowMs, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70; // version 7
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
