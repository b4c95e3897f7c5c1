/**
 * Kaleyra's inbound messages (the number's "Incoming URL"): Meta's webhook value inside
 * `meta_object`, as Kaleyra v2 wraps its status callbacks. Pure: what the app needs from each
 * message (who wrote, to which number, when, and the text a STOP or START would be in).
 */
export const INBOUND_TOPIC = "kaleyra/inbound";
export const INBOUND_PATH_PREFIX = "/kaleyra/inbound/";

export interface InboundMessage {
  /** The shopper's number, E.164. */
  from: string;
  /** The business number written to, E.164, when the body says. */
  to: string | null;
  at: Date;
  /** The words of a text, a button's or a list reply's title; "" for media. */
  text: string;
  id: string | null;
}

export type InboundRead = { ok: true; messages: InboundMessage[] } | { ok: false; reason: string };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

function e164(value: unknown): string | null {
  const digits = typeof value === "string" || typeof value === "number" ? String(value).replace(/\D/g, "") : "";
  return digits.length >= 7 && digits.length <= 15 ? `+${digits}` : null;
}

/** The words of any message kind a shopper can send that carries them. */
function textOf(message: Json): string {
  const pick = (value: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((at, key) => (isObject(at) ? at[key] : undefined), value);
  const candidates = [
    pick(message, "text", "body"),
    pick(message, "button", "text"),
    pick(message, "interactive", "button_reply", "title"),
    pick(message, "interactive", "list_reply", "title"),
  ];
  const found = candidates.find((value): value is string => typeof value === "string");
  return (found ?? "").slice(0, 1000);
}

function timeOf(value: unknown, receivedAt: Date): Date {
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : receivedAt;
}

export function readInbound(body: unknown, receivedAt: Date): InboundRead {
  const value = isObject(body) && isObject(body.meta_object) ? body.meta_object.value : undefined;
  if (!isObject(value)) return { ok: false, reason: "the body has no meta_object.value" };
  const messages = Array.isArray(value.messages) ? value.messages.filter(isObject) : [];
  if (messages.length === 0) return { ok: false, reason: "the body carries no message" };
  const to = isObject(value.metadata) ? e164(value.metadata.display_phone_number) : null;
  const read: InboundMessage[] = [];
  for (const message of messages.slice(0, 100)) {
    const from = e164(message.from);
    if (!from) continue;
    const at = timeOf(message.timestamp, receivedAt);
    // A shopper's clock cannot move the window past the time the message reached us.
    read.push({ from, to, at: at > receivedAt ? receivedAt : at, text: textOf(message), id: typeof message.id === "string" ? message.id.slice(0, 200) : null });
  }
  return read.length > 0 ? { ok: true, messages: read } : { ok: false, reason: "no message names a valid sender number" };
}
