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

export type FlowPayload = Record<string, string | number>;

/** Shopify's numeric order id, or undefined for a message about no order (a STOP reply). */
function orderReference(orderId: string): number | undefined {
  const id = /^\d{1,15}$/.test(orderId) ? Number(orderId) : NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

export function readPayload(message: TriggerMessage): FlowPayload | undefined {
  const orderIdRef = orderReference(message.orderId);
  if (orderIdRef === undefined) return undefined;
  return { order_id: orderIdRef, [FIELD_KEYS.status]: message.orderStatus };
}

export function failedPayload(message: TriggerMessage, failure: FailureWords): FlowPayload | undefined {
  const base = readPayload(message);
  if (!base) return undefined;
  return { ...base, [FIELD_KEYS.code]: failure.code ?? "", [FIELD_KEYS.explanation]: failure.explanation };
}
