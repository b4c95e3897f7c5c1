/**
 * Which of the shop's approved templates a message uses: the kind the form asks for, in the
 * order's language (Shopify's customer_locale, `pt-BR`), else the shop's fallback language,
 * else any language the shop has (a message in another language reaches the shopper; none
 * would not). Pure.
 */
export interface LanguageTagged {
  kind: string;
  language: string;
}

/** WhatsApp's codes for a Shopify locale, most specific first: `pt-BR` -> pt_BR, pt. */
export function languageCandidates(locale: string | null | undefined): string[] {
  const match = /^([a-zA-Z]{2,3})(?:[-_]([a-zA-Z]{2}))?/.exec(locale?.trim() ?? "");
  if (!match) return [];
  const base = match[1]!.toLowerCase();
  return match[2] ? [`${base}_${match[2].toUpperCase()}`, base] : [base];
}

const baseOf = (language: string) => language.split("_")[0]!;

function inLanguage<T extends LanguageTagged>(templates: readonly T[], wanted: string[]): T | undefined {
  for (const code of wanted) {
    const exact = templates.find((t) => t.language === code);
    if (exact) return exact;
  }
  const bases = new Set(wanted.map(baseOf));
  return templates.find((t) => bases.has(baseOf(t.language)));
}

export function chooseTemplate<T extends LanguageTagged>(templates: readonly T[], kind: string, locale: string | null | undefined, fallback: string): T | undefined {
  const ofKind = [...templates].filter((t) => t.kind === kind).sort((a, b) => a.language.localeCompare(b.language));
  return inLanguage(ofKind, languageCandidates(locale)) ?? inLanguage(ofKind, languageCandidates(fallback)) ?? ofKind[0];
}
