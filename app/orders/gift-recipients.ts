/**
 * The shop's choice of who hears about a gift order, as plain data: the Settings page imports
 * it into the browser bundle, so it holds no rule and no phone-number code. The rule that
 * applies it is `audiencesFor` in recipient.ts.
 */

export const GIFT_RECIPIENT_PREFS = ["buyer", "also", "instead"] as const;

/** Who hears about a gift order (shipped to someone other than the buyer): the shop's choice in Settings. */
export type GiftRecipientsPref = (typeof GIFT_RECIPIENT_PREFS)[number];

/** The shop's choices for gift orders, as the README's gift table states them. */
export const GIFT_RECIPIENT_CHOICES: ReadonlyArray<{ pref: GiftRecipientsPref; label: string; told: string }> = [
  { pref: "buyer", label: "The buyer only (default)", told: "the buyer" },
  {
    pref: "also",
    label: "The buyer and the gift recipient",
    told: "the buyer, and the gift recipient with their own messages worded for them",
  },
  {
    pref: "instead",
    label: "The gift recipient instead of the buyer",
    told: "the gift recipient only, worded for them; the buyer when the shipping address has no usable phone",
  },
];

/** Shown next to the choice: WhatsApp wants the person messaged to have agreed to it. */
export const GIFT_CONSENT_CAVEAT =
  "WhatsApp requires the person's opt-in before a business messages them, naming WhatsApp and your shop. " +
  "A gift recipient never gave it: the buyer typed their address and phone. Tell recipients only when you " +
  "have their agreement, for example when your checkout asks the buyer to confirm it.";

/** Reads the stored setting; anything unknown is the default, which tells no one new. */
export function giftRecipientsPref(value: string | null | undefined): GiftRecipientsPref {
  return value === "also" || value === "instead" ? value : "buyer";
}
