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
import { LANGUAGE_CODE_PATTERN } from "../kaleyra/template-request";
import { CONSENT_POLICIES, FORCED_FORMS } from "../messages/form-decision";
import { KEYWORD_LIMITS, REFERENCE_ID_SOURCES } from "./settings-options";

/** Spaces, dashes, dots and brackets are how people write numbers; E.164 has none of them. */
export function compactPhone(value: string): string {
  return value.replace(/[\s().-]/g, "");
}

const checkbox = z.unknown().optional().transform(isTicked);

/**
 * A checkbox added after older forms were written: absent keeps the stored value (undefined),
 * present is ticked or not. The page always posts "true" or "false".
 */
const laterCheckbox = z
  .unknown()
  .optional()
  .transform((value) => (value === undefined ? undefined : isTicked(value)));

/** Letters (any script, with their accents and vowel signs), digits and single spaces. */
const KEYWORD_PATTERN = /^[\p{L}\p{M}\p{N}]+(?: [\p{L}\p{M}\p{N}]+)*$/u;

/**
 * The shop's own keywords from the comma-separated text: each trimmed, inner spaces made
 * single, empty entries (a trailing comma) dropped, repeats (in any case) kept once. Returns
 * the list, or why it cannot be stored.
 */
export function parseKeywords(text: string): { ok: true; keywords: string[] } | { ok: false; problem: string } {
  const keywords: string[] = [];
  const seen = new Set<string>();
  for (const entry of text.split(",")) {
    const keyword = entry.trim().replace(/\s+/g, " ");
    if (keyword === "") continue;
    if (keyword.length > KEYWORD_LIMITS.length) {
      return { ok: false, problem: `Use at most ${KEYWORD_LIMITS.length} characters per keyword (“${keyword}” has ${keyword.length}).` };
    }
    if (!KEYWORD_PATTERN.test(keyword)) {
      return { ok: false, problem: `Use only letters, digits and spaces in a keyword (not “${keyword}”), and commas between keywords.` };
    }
    const key = keyword.toLocaleUpperCase();
    if (seen.has(key)) continue;
    seen.add(key);
    keywords.push(keyword);
  }
  if (keywords.length > KEYWORD_LIMITS.count) {
    return { ok: false, problem: `Use at most ${KEYWORD_LIMITS.count} keywords (there are ${keywords.length}).` };
  }
  return { ok: true, keywords };
}

/** Keywords as the form posts them; absent (an older form) keeps the stored ones. */
const keywordsField = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) return undefined;
    const parsed = parseKeywords(value);
    if (parsed.ok) return parsed.keywords;
    ctx.addIssue({ code: "custom", message: parsed.problem });
    return z.NEVER;
  });

/** "pt-br" and "EN" are how people write language codes; WhatsApp's are pt_BR and en. */
export function normalizeLanguageCode(value: string): string {
  const [language = "", region, ...rest] = value.trim().split(/[-_]/);
  if (region === undefined || rest.length > 0) return value.trim().toLowerCase();
  return `${language.toLowerCase()}_${region.toUpperCase()}`;
}

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
    // Reaching shoppers. Each absent field (a form without the section) keeps the stored value.
    messageForm: z.enum(FORCED_FORMS, { error: "Choose the form of your messages." }).optional(),
    consentPolicy: z.enum(CONSENT_POLICIES, { error: "Choose who gets updates." }).optional(),
    checkoutConsent: laterCheckbox,
    optOutKeywords: keywordsField,
    optInKeywords: keywordsField,
    optOutConfirmation: laterCheckbox,
    templateLanguage: z
      .string()
      .transform(normalizeLanguageCode)
      .pipe(
        z
          .string()
          .min(1, "Enter a WhatsApp language code, for example en.")
          .regex(LANGUAGE_CODE_PATTERN, "Use a WhatsApp language code such as en, es, en_US or pt_BR."),
      )
      .optional(),
  })
  .refine((value) => value.referenceIdSource !== "note_attribute" || value.referenceIdAttribute !== "", {
    path: ["referenceIdAttribute"],
    message: "Enter the name of the note attribute that holds the reference.",
    // Checked even when other fields fail, so the merchant sees every problem at once.
    when: (payload) => {
      const input = payload.value as { referenceIdSource?: unknown; referenceIdAttribute?: unknown };
      return input.referenceIdSource === "note_attribute";
    },
  })
  .refine((value) => sharedKeyword(value.optOutKeywords, value.optInKeywords) === undefined, {
    path: ["optInKeywords"],
    // The same word cannot both stop and restart updates.
    error: (issue) => {
      const input = issue.input as { optOutKeywords?: string[]; optInKeywords?: string[] };
      return `“${sharedKeyword(input.optOutKeywords, input.optInKeywords)}” is also a STOP keyword: use it in one list only.`;
    },
    // Checked whenever both lists were read, so it shows with every other problem.
    when: (payload) => !payload.issues.some((issue) => issue.path?.[0] === "optOutKeywords" || issue.path?.[0] === "optInKeywords"),
  });

/** A keyword in both lists (in any case), if any. */
function sharedKeyword(optOut: readonly string[] | undefined, optIn: readonly string[] | undefined): string | undefined {
  const stops = new Set((optOut ?? []).map((keyword) => keyword.toLocaleUpperCase()));
  return (optIn ?? []).find((keyword) => stops.has(keyword.toLocaleUpperCase()));
}

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
