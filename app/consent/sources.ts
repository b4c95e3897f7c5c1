/**
 * How a consent came to be recorded (Shopper.consentSource): one list for the code that
 * writes consents and the admin that names them.
 */
export const CONSENT_SOURCES = [
  // A message or keyword the shopper wrote to the shop's number.
  "inbound",
  // The WhatsApp opt-in block (extensions/whatsapp-opt-in) on each page.
  "thank_you_page",
  "order_status_page",
  "storefront",
  // The operator's consent import.
  "import",
  // The order itself, when the shop's checkout collects WhatsApp consent.
  "order",
] as const;

export type ConsentSource = (typeof CONSENT_SOURCES)[number];

export function consentSourceOf(value: string): ConsentSource | undefined {
  return (CONSENT_SOURCES as readonly string[]).includes(value) ? (value as ConsentSource) : undefined;
}
