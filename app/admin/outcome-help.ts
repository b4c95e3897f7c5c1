/**
 * The explanation and suggested action for an outcome that was stored, not just received.
 * The outbox keeps an outcome's kind (`failed` rows: "rejected"), Kaleyra's code and a detail
 * written as "<title>. <Kaleyra's words>" (app/outbox/record.server.ts); the title names the
 * outcome class exactly, so OUTCOME_HELP stays the one table of explanations.
 */
import { OUTCOME_HELP, OUTCOME_KEYS, type OutcomeHelp, type OutcomeKey } from "../kaleyra/outcome";
import { isOrderStatus, STATUS_LABEL } from "../kaleyra/statuses";

/** Kaleyra codes whose class does not depend on anything else. */
const KEY_BY_CODE: Readonly<Record<string, OutcomeKey>> = {
  RBC001: "config_error:credentials",
  WA401: "config_error:number_not_in_account",
  E110: "pause:low_balance",
  WAV2101: "pause:daily_limit",
  WA400: "rejected:payload",
  WA500: "retry:server_error",
};

export interface StoredOutcome {
  /** The outcome's kind as stored: accepted, config_error, pause, rejected, retry, invalid. */
  kind: string | null;
  code: string | null;
  /** "<title>. <detail>" as the outbox writes it. */
  detail: string | null;
}

export function storedOutcomeKey(stored: StoredOutcome): OutcomeKey | null {
  if (!stored.kind) return null;
  const ofKind = OUTCOME_KEYS.filter((key) => key === stored.kind || key.startsWith(`${stored.kind}:`));
  const byTitle = ofKind.find((key) => stored.detail?.startsWith(`${OUTCOME_HELP[key].title}.`));
  if (byTitle) return byTitle;
  const byCode = stored.code ? KEY_BY_CODE[stored.code] : undefined;
  if (byCode && ofKind.includes(byCode)) return byCode;
  return ofKind[0] ?? null;
}

export function storedOutcomeHelp(stored: StoredOutcome): OutcomeHelp | null {
  const key = storedOutcomeKey(stored);
  return key ? OUTCOME_HELP[key] : null;
}

/** Kaleyra's own words from a stored detail, without the title the outbox put in front. */
export function kaleyraWords(stored: StoredOutcome): string | null {
  if (!stored.detail) return null;
  const key = storedOutcomeKey(stored);
  const prefix = key ? `${OUTCOME_HELP[key].title}. ` : "";
  const words = prefix && stored.detail.startsWith(prefix) ? stored.detail.slice(prefix.length) : stored.detail;
  return words.trim() === "" ? null : words.trim();
}

export interface Fix {
  label: string;
  url: string;
}

/**
 * Where to fix a failure that sending the same message again cannot cure; null when a retry
 * alone may help. WA400 and our own checks point at the status's template (a retry plans
 * the message again from it); refused settings point at Settings.
 */
export function fixFor(key: OutcomeKey | null, status: string): Fix | null {
  if (key === "rejected:payload" || key === "invalid") {
    const label = isOrderStatus(status) ? STATUS_LABEL[status] : status;
    return { label: `Edit the “${label}” template`, url: `/app/templates#template-${status}` };
  }
  if (key?.startsWith("config_error:")) return { label: "Check Settings", url: "/app/settings" };
  return null;
}
