/**
 * What a shopper's own message says about their consent: a STOP (opt out), a START (opt back
 * in), or neither. The whole message must be the keyword (after case, accents, spaces and
 * punctuation are set aside): "stop sending me the invoice twice" is not an opt-out, "Stop!" is.
 * Built-in words in the languages of WhatsApp's biggest markets, plus the shop's own.
 */
export const BUILT_IN_OPT_OUT = ["STOP", "STOP ALL", "UNSUBSCRIBE", "OPT OUT", "OPTOUT", "END", "QUIT", "PARAR", "PARE", "SAIR", "BAJA", "DETENER", "ARRET", "STOPP", "ROKO", "BAND", "BAND KARO", "रोको", "बंद"] as const;
export const BUILT_IN_OPT_IN = ["START", "SUBSCRIBE", "RESUME", "UNSTOP", "OPT IN", "OPTIN", "INICIAR", "COMECAR", "ALTA", "DEMARRER", "SHURU", "शुरू"] as const;

export type KeywordIntent = "opt_out" | "opt_in";

/** Upper case, accents off, punctuation and repeated spaces folded: how messages and keywords are compared. */
export function normaliseKeyword(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toUpperCase()
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, " ")
    .trim();
}

/** The shop's extra keywords as stored (comma separated). */
export function shopKeywords(stored: string | null | undefined): string[] {
  return (stored ?? "").split(",").map(normaliseKeyword).filter(Boolean);
}

export function keywordIntent(text: string, extra: { optOut?: string | null; optIn?: string | null } = {}): KeywordIntent | null {
  const said = normaliseKeyword(text);
  if (!said) return null;
  const optOut = new Set([...BUILT_IN_OPT_OUT.map(normaliseKeyword), ...shopKeywords(extra.optOut)]);
  if (optOut.has(said)) return "opt_out";
  const optIn = new Set([...BUILT_IN_OPT_IN.map(normaliseKeyword), ...shopKeywords(extra.optIn)]);
  return optIn.has(said) ? "opt_in" : null;
}
