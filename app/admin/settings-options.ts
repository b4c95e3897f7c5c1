/**
 * What the Settings page offers, as plain data the browser bundle can import without the
 * validation code (zod and the phone-number metadata stay on the server).
 */
import { PODS, podDomain, type Pod } from "../kaleyra/pods";

export const REFERENCE_ID_SOURCES = ["order_id", "order_name", "note_attribute"] as const;
export type ReferenceIdSourceName = (typeof REFERENCE_ID_SOURCES)[number];

export const REFERENCE_ID_SOURCE_LABEL: Readonly<Record<ReferenceIdSourceName, string>> = {
  order_id: "Shopify order ID (for example 820982911946154500)",
  order_name: "Order name without # (for example 1001)",
  note_attribute: "An order note attribute written by your WhatsApp checkout",
};

/** The pod choices as the merchant sees them: the region and the API domain it talks to. */
export const POD_OPTIONS: ReadonlyArray<{ value: Pod; label: string }> = PODS.map((pod) => ({
  value: pod,
  label: `${pod} — ${podDomain(pod)}`,
}));

/** What the test send shows inline: Kaleyra's code and what it means. */
export interface TestSendReport {
  ok: boolean;
  code: string | null;
  httpStatus: number | null;
  title: string;
  explanation: string;
  action: string;
  /** Kaleyra's own words (or our validation's), never containing the API key. */
  detail: string | null;
  messageId: string | null;
}
