/**
 * The app's two Shopify Flow triggers and their payloads: what the extensions in
 * `extensions/whatsapp-message-failed` and `extensions/whatsapp-message-read` declare (a test
 * checks that they agree). Pure.
 *
 * A payload names the order (`order_id`, Flow's key for an `order_reference` field), the
 * order status the message told, and for a failure the code and its explanation: never a
 * phone number or a name, so Flow's run history holds nothing about the shopper that the
 * order itself does not.
 */
export const FLOW_TRIGGERS = {
  failed: "whatsapp-message-failed",
  read: "whatsapp-message-read",
} as const;

export type FlowTriggerHandle = (typeof FLOW_TRIGGERS)[keyof typeof FLOW_TRIGGERS];

/** The custom fields' keys, as the TOML declares them (Flow allows letters and spaces only). */
export const FIELD_KEYS = {
  status: "Order status",
  code: "Error code",
  explanation: "Error explanation",
} as const;

/** The message a trigger is about. */
export interface TriggerMessage {
  id: string;
  shopDomain: string;
  orderId: string;
  orderStatus: string;
}

/** Why a message failed, for the merchant: Meta's (or Kaleyra's) code and the plain explanation. */
export interface FailureWords {
  code: string | null;
  explanation: string;
}

/** A flowTriggerReceive payload as JSON text (so that a 64-bit order id keeps every digit). */
export type FlowPayload = string;

/** Shopify's order id as its digits, or undefined for a message about no order (a STOP reply). */
function orderDigits(orderId: string): string | undefined {
  return /^[1-9]\d{0,19}$/.test(orderId) ? orderId : undefined;
}

/**
 * The payload's JSON: `order_id` as a JSON number written from the id's digits (Shopify's ids
 * are 64-bit: a JavaScript number would round the largest), then the fields.
 */
function payloadJson(orderId: string, fields: Record<string, string>): FlowPayload | undefined {
  const digits = orderDigits(orderId);
  if (digits === undefined) return undefined;
  const rest = JSON.stringify(fields).slice(1);
  return `{"order_id":${digits}${rest === "}" ? "" : ","}${rest}`;
}

export function readPayload(message: TriggerMessage): FlowPayload | undefined {
  return payloadJson(message.orderId, { [FIELD_KEYS.status]: message.orderStatus });
}

export function failedPayload(message: TriggerMessage, failure: FailureWords): FlowPayload | undefined {
  return payloadJson(message.orderId, {
    [FIELD_KEYS.status]: message.orderStatus,
    [FIELD_KEYS.code]: failure.code ?? "",
    [FIELD_KEYS.explanation]: failure.explanation,
  });
}
