/**
 * The `reference_id` of the order_status message. WhatsApp matches it against the
 * `order_details` message that started the order, so the shop chooses where it comes from:
 * the Shopify order id (default), the order name made valid, or a note attribute written by
 * the shop's WhatsApp checkout. A value that cannot be made valid means "skip", with a reason.
 */
import { LIMITS, REFERENCE_ID_PATTERN } from "../kaleyra/limits";
import type { OrderKnowledge } from "./knowledge";

export type ReferenceIdSource =
  | { kind: "order_id" }
  | { kind: "order_name" }
  | { kind: "note_attribute"; attribute: string };

export const DEFAULT_REFERENCE_ID_SOURCE: ReferenceIdSource = { kind: "order_id" };

export type ReferenceIdResult = { ok: true; referenceId: string } | { ok: false; reason: string };

export function referenceIdFor(source: ReferenceIdSource, knowledge: OrderKnowledge): ReferenceIdResult {
  switch (source.kind) {
    case "order_id":
      return checked(knowledge.orderId, "the order id");
    case "order_name": {
      const name = knowledge.orderName;
      if (name === null) return { ok: false, reason: "the order has no name to use as reference id" };
      const id = referenceIdFromOrderName(name);
      if (id === "") return { ok: false, reason: `the order name "${name.slice(0, 40)}" has no letters or digits to use as reference id` };
      return checked(id, `the order name "${name.slice(0, 40)}"`);
    }
    case "note_attribute":
      return fromNoteAttribute(source.attribute, knowledge);
  }
}

/** "#1001" -> "1001": drops every character WhatsApp refuses, then keeps the first 35. */
export function referenceIdFromOrderName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, "").slice(0, LIMITS.referenceId);
}

function fromNoteAttribute(attribute: string, knowledge: OrderKnowledge): ReferenceIdResult {
  const wanted = attribute.trim();
  if (wanted === "") return { ok: false, reason: "no note attribute name is configured for the reference id" };
  const found =
    knowledge.noteAttributes.find((a) => a.name === wanted) ??
    knowledge.noteAttributes.find((a) => a.name.toLowerCase() === wanted.toLowerCase());
  if (found === undefined) return { ok: false, reason: `the order has no note attribute "${wanted}"` };
  // Used as written (only trimmed): it must equal the id of the earlier order_details message.
  return checked(found.value.trim(), `note attribute "${wanted}"`);
}

function checked(value: string, what: string): ReferenceIdResult {
  if (REFERENCE_ID_PATTERN.test(value)) return { ok: true, referenceId: value };
  const why = value === "" ? "is empty" : "is not a valid reference id (letters, digits, _ - . and at most 35 characters)";
  return { ok: false, reason: `${what} ${why}` };
}
