/**
 * The shopper's WhatsApp number for an order, in E.164.
 *
 * Priority: the shipping address phone (the person waiting for the parcel), then the
 * customer's own phone, the customer's default address, the billing address and finally the
 * order's `phone`. National numbers ("07400 123456") are read with the country of the
 * address they come from; the customer's and the order's bare phones use the closest
 * address country available. Validity is libphonenumber-js's `isValid()` (the number fits
 * the country's numbering plan); whether it has WhatsApp only Kaleyra can tell.
 */
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import type { OrderKnowledge } from "./knowledge";

export type RecipientSource = "shipping_address" | "customer" | "customer_default_address" | "billing_address" | "order";

export type Recipient = { ok: true; e164: string; source: RecipientSource } | { ok: false; reason: string };

const SOURCE_LABEL: Readonly<Record<RecipientSource, string>> = {
  shipping_address: "shipping address",
  customer: "customer",
  customer_default_address: "customer default address",
  billing_address: "billing address",
  order: "order",
};

export function pickRecipient(knowledge: OrderKnowledge): Recipient {
  const c = knowledge.contact;
  const nearestCountry =
    c.shippingAddress?.countryCode ?? c.billingAddress?.countryCode ?? c.customerDefaultAddress?.countryCode ?? null;
  const candidates: Array<{ source: RecipientSource; phone: string | null; country: string | null }> = [
    { source: "shipping_address", phone: c.shippingAddress?.phone ?? null, country: c.shippingAddress?.countryCode ?? null },
    { source: "customer", phone: c.customerPhone, country: c.customerDefaultAddress?.countryCode ?? nearestCountry },
    {
      source: "customer_default_address",
      phone: c.customerDefaultAddress?.phone ?? null,
      country: c.customerDefaultAddress?.countryCode ?? null,
    },
    { source: "billing_address", phone: c.billingAddress?.phone ?? null, country: c.billingAddress?.countryCode ?? null },
    { source: "order", phone: c.orderPhone, country: nearestCountry },
  ];

  // The reason lists what was wrong with each source, never the numbers themselves (PII).
  const problems: string[] = [];
  for (const { source, phone, country } of candidates) {
    if (phone === null || phone.trim() === "") {
      problems.push(`${SOURCE_LABEL[source]}: none`);
      continue;
    }
    const e164 = toE164(phone, country);
    if (e164 !== null) return { ok: true, e164, source };
    problems.push(`${SOURCE_LABEL[source]}: invalid`);
  }
  return {
    ok: false,
    reason: `no valid phone number on the order (shipping, customer, billing, order): ${problems.join(", ")}`,
  };
}

/** A phone number in E.164 if libphonenumber-js finds it valid, else null. */
export function toE164(phone: string, defaultCountry: string | null): string | null {
  const country = defaultCountry !== null && isSupportedCountry(defaultCountry) ? (defaultCountry as CountryCode) : undefined;
  try {
    const parsed = parsePhoneNumberFromString(phone, country);
    return parsed?.isValid() ? parsed.number : null;
  } catch {
    return null; // the library does not throw for bad input today; a bad number must never crash the pipeline
  }
}

/** For logs and the admin UI: only the last 4 digits, and not even the number's length. */
export function maskPhone(e164: string): string {
  const digits = e164.replace(/\D/g, "");
  return digits.length > 4 ? `•••••••${digits.slice(-4)}` : "•••••••";
}
