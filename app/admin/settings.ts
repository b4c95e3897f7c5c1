/**
 * The Settings page's two forms as zod schemas. The credential fields reuse the Kaleyra
 * request's own schemas (app/kaleyra/request.ts), so what the page accepts is exactly what
 * the delivery worker can send with. Used on the server (and in tests); the page itself
 * imports only settings-options.ts, so the validators stay out of the browser bundle.
 */
import { z } from "zod";
import { credentialsSchema } from "../kaleyra/request";
import { controlCharacterIn, isTicked } from "./form-data";
import { GIFT_RECIPIENT_PREFS } from "../orders/gift-recipients";
import { REFERENCE_ID_SOURCES } from "./settings-options";

/** Spaces, dashes, dots and brackets are how people write numbers; E.164 has none of them. */
export function compactPhone(value: string): string {
  return value.replace(/[\s().-]/g, "");
}

const checkbox = z.unknown().optional().transform(isTicked);

const phoneField = (emptyMessage: string) =>
  z.string({ error: emptyMessage }).transform(compactPhone).pipe(
    z.string().min(1, emptyMessage).pipe(credentialsSchema.shape.businessNumber),
  );

export const settingsFormSchema = z
  .object({
    kaleyraSid: z
      .string({ error: "Enter your Kaleyra SID." })
      .trim()
      .pipe(z.string().min(1, "Enter your Kaleyra SID.").pipe(credentialsSchema.shape.sid)),
    // Write-only: empty means "keep the stored key"; whether one is stored is checked by the server.
    apiKey: z
      .string()
      .trim()
      .optional()
      .transform((value) => value ?? "")
      .pipe(z.union([z.literal(""), credentialsSchema.shape.apiKey])),
    pod: credentialsSchema.shape.pod,
    businessNumber: phoneField("Enter your WhatsApp business number."),
    enabled: checkbox,
    referenceIdSource: z.enum(REFERENCE_ID_SOURCES, { error: "Choose where the order reference comes from." }),
    referenceIdAttribute: z
      .string()
      .trim()
      .max(100, "Use at most 100 characters.")
      .refine((value) => controlCharacterIn(value) === undefined, {
        error: (issue) => `Remove the invisible control character ${controlCharacterIn(String(issue.input))} from the attribute name.`,
      })
      .optional()
      .transform((value) => value ?? ""),
    sendProcessingOnCreate: checkbox,
    // Ticked: an in-person (POS) sale gets one thank-you (`completed`); else nothing.
    thankInPersonSales: checkbox,
    // Who hears about a gift order; absent (a form without the choice) keeps the stored one.
    giftRecipients: z.enum(GIFT_RECIPIENT_PREFS, { error: "Choose who is told about gift orders." }).optional(),
  })
  .refine((value) => value.referenceIdSource !== "note_attribute" || value.referenceIdAttribute !== "", {
    path: ["referenceIdAttribute"],
    message: "Enter the name of the note attribute that holds the reference.",
    // Checked even when other fields fail, so the merchant sees every problem at once.
    when: (payload) => {
      const input = payload.value as { referenceIdSource?: unknown; referenceIdAttribute?: unknown };
      return input.referenceIdSource === "note_attribute";
    },
  });

export type SettingsForm = z.infer<typeof settingsFormSchema>;

export const testSendFormSchema = z.object({
  to: phoneField("Enter the WhatsApp number to send the test message to."),
});

export type TestSendForm = z.infer<typeof testSendFormSchema>;

/**
 * The delivery-updates form: the secret Kaleyra's callback profile sends, chosen (or generated
 * in the page) by the merchant and never shown again, and whether to replace the URL.
 */
export const callbackFormSchema = z.object({
  callbackSecret: z
    .string({ error: "Enter a secret, or press Generate." })
    .trim()
    .min(16, "Use at least 16 characters.")
    .max(200, "Use at most 200 characters.")
    .regex(/^[\x21-\x7e]+$/, "Use letters, digits and punctuation only (no spaces), as a header value allows."),
  newUrl: checkbox,
});

export type CallbackForm = z.infer<typeof callbackFormSchema>;
