/**
 * The WhatsApp number of the person who placed the order, in E.164. The README's recipient
 * table lists the same sources in the same order (a test compares them).
 *
 * Priority: the order's contact phone, the customer's phone, the customer's default address,
 * the billing address; the shipping address last, and only when it is the buyer's own (no
 * billing address naming someone else). A shipping address in another person's name is a gift
 * recipient's, who never agreed to hear from the shop. National numbers ("07400 123456") are
 * read with the country of their address; the bare phones use the buyer's nearest address
 * country. Validity is libphonenumber-js's `isValid()`; whether it has WhatsApp only Kaleyra can tell.
 *
 * A gift recipient (the shipping address names someone other than the billing address) is
 * told only when the shop chooses it in Settings (`Shop.giftRecipients`): "also" tells the
 * buyer and the recipient, each under their own message keys; "instead" tells the recipient
 * only, or the buyer when the shipping address has no usable phone. The README's gift table
 * lists the same choices (a test compares them).
 */
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import type { GiftRecipientsPref } from "./gift-recipients";
import type { ContactFacts, OrderKnowledge } from "./knowledge";

export type RecipientSource = "order" | "customer" | "customer_default_address" | "billing_address" | "shipping_address";

export type Recipient = { ok: true; e164: string; source: RecipientSource } | { ok: false; reason: string };

/** Who a message is for: the person who placed the order, or the person a gift is shipped to. */
export type Audience = "buyer" | "gift_recipient";

/** How every "no phone" skip reason of a gift recipient's message begins. */
export const NO_GIFT_PHONE_REASON = "no WhatsApp number for the gift recipient";

/** The sources in priority order, as people say them (the README's recipient table). */
export const RECIPIENT_SOURCES: ReadonlyArray<{ source: RecipientSource; label: string; place: string; rule: string }> = [
  { source: "order", label: "the order's contact phone", place: "the order", rule: "always" },
  { source: "customer", label: "the customer's phone", place: "the customer", rule: "always" },
  {
    source: "customer_default_address",
    label: "the customer's default address phone",
    place: "the customer's default address",
    rule: "always",
  },
  { source: "billing_address", label: "the billing address phone", place: "the billing address", rule: "always" },
  {
    source: "shipping_address",
    label: "the shipping address phone",
    place: "the shipping address",
    rule: "only when it is the buyer's: no billing address name, or the same name as the billing address; a gift recipient's only for their own messages, when the shop chooses it (gift orders, below)",
  },
];

const LABEL = Object.fromEntries(RECIPIENT_SOURCES.map((s) => [s.source, s.label])) as Record<RecipientSource, string>;
const PLACE = Object.fromEntries(RECIPIENT_SOURCES.map((s) => [s.source, s.place])) as Record<RecipientSource, string>;

/** How every "no phone" skip reason begins (the admin recognises it by this). */
export const NO_PHONE_REASON = "no WhatsApp number for the buyer";

export function pickRecipient(knowledge: OrderKnowledge): Recipient {
  const c = knowledge.contact;
  const buyerCountry =
    c.billingAddress?.countryCode ?? c.customerDefaultAddress?.countryCode ?? c.shippingAddress?.countryCode ?? null;
  const phones: Record<RecipientSource, { phone: string | null; country: string | null }> = {
    order: { phone: c.orderPhone, country: buyerCountry },
    customer: { phone: c.customerPhone, country: c.customerDefaultAddress?.countryCode ?? buyerCountry },
    customer_default_address: { phone: c.customerDefaultAddress?.phone ?? null, country: c.customerDefaultAddress?.countryCode ?? null },
    billing_address: { phone: c.billingAddress?.phone ?? null, country: c.billingAddress?.countryCode ?? null },
    shipping_address: { phone: c.shippingAddress?.phone ?? null, country: c.shippingAddress?.countryCode ?? null },
  };

  // The reason says which phones were found and why each was not used, never the numbers (PII).
  const missing: string[] = [];
  const refused: string[] = [];
  for (const { source } of RECIPIENT_SOURCES) {
    const { phone, country } = phones[source];
    if (phone === null || phone.trim() === "") {
      missing.push(PLACE[source]);
      continue;
    }
    if (source === "shipping_address" && !shippingIsBuyers(c)) {
      refused.push(`${LABEL[source]} was not used: it is for someone other than the buyer (a gift recipient), who has not agreed to hear from the shop`);
      continue;
    }
    const e164 = toE164(phone, country);
    if (e164 !== null) return { ok: true, e164, source };
    refused.push(`${LABEL[source]} is not a valid phone number${country ? ` for ${country}` : ""}`);
  }
  const parts = [...refused];
  if (missing.length > 0) parts.push(`there is no phone on ${joinWords(missing)}`);
  return { ok: false, reason: `${NO_PHONE_REASON}: ${parts.join("; ")}` };
}

/** The gift recipient's number: the shipping address phone, when the order is a gift. */
export function pickGiftRecipient(knowledge: OrderKnowledge): Recipient {
  const address = knowledge.contact.shippingAddress;
  if (!isGiftOrder(knowledge)) return { ok: false, reason: `${NO_GIFT_PHONE_REASON}: the order is shipped to the buyer, not to a gift recipient` };
  const phone = address?.phone ?? null;
  if (phone === null || phone.trim() === "") return { ok: false, reason: `${NO_GIFT_PHONE_REASON}: there is no phone on the shipping address` };
  const e164 = toE164(phone, address?.countryCode ?? null);
  if (e164 === null) {
    const country = address?.countryCode ? ` for ${address.countryCode}` : "";
    return { ok: false, reason: `${NO_GIFT_PHONE_REASON}: the shipping address phone is not a valid phone number${country}` };
  }
  return { ok: true, e164, source: "shipping_address" };
}

/** The number for a message's audience. */
export function pickRecipientFor(knowledge: OrderKnowledge, audience: Audience): Recipient {
  return audience === "gift_recipient" ? pickGiftRecipient(knowledge) : pickRecipient(knowledge);
}

/**
 * Who is told about this order under the shop's choice. Only a gift order (shipped to a
 * person the billing address does not name) has a gift recipient; with "also" their message
 * is planned even without a usable phone (kept as skipped, saying why), with "instead" the
 * buyer is told rather than no one.
 */
export function audiencesFor(knowledge: OrderKnowledge, pref: GiftRecipientsPref): Audience[] {
  if (pref === "buyer" || !isGiftOrder(knowledge)) return ["buyer"];
  if (pref === "also") return ["buyer", "gift_recipient"];
  return pickGiftRecipient(knowledge).ok ? ["gift_recipient"] : ["buyer"];
}

/** Shipped to someone the billing address does not name. */
export function isGiftOrder(knowledge: OrderKnowledge): boolean {
  return knowledge.contact.shippingAddress !== null && !shippingIsBuyers(knowledge.contact);
}

/** A shipping address is the buyer's when no billing address names another person. */
function shippingIsBuyers(c: ContactFacts): boolean {
  const shipTo = c.shippingAddress?.name ?? null;
  const billTo = c.billingAddress?.name ?? null;
  return billTo === null || shipTo === null || shipTo === billTo;
}

function joinWords(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`;
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
