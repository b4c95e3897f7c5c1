/**
 * The opt-in block's pure part: which number the page shows, the words the shopper agrees to
 * (sent with the choice and stored: WhatsApp wants an opt-in that names WhatsApp and the
 * business), and the block's states from loading to saved.
 */

export type Choice = "opted_in" | "opted_out";

/** The app's answer about the shopper's choice (see app/consent/opt-in.server.ts). */
export interface OptInState {
  on: boolean;
  consent: Choice | null;
  pending: boolean;
}

/** What one request to the app came back with. */
export type Answer = { kind: "state"; state: OptInState } | { kind: "not_offered" } | { kind: "failed" };

export interface Address {
  phone?: string | null;
  countryCode?: string | null;
}

export interface ShownNumber {
  phone: string;
  /** The country of the address the number came from, to read a national number. */
  country: string | null;
}

/** The buyer's own number as the page knows it: the contact phone, else the billing, else the shipping address's. */
export function shownNumber(contactPhone: string | null | undefined, billing: Address | undefined, shipping: Address | undefined): ShownNumber | null {
  const country = billing?.countryCode ?? shipping?.countryCode ?? null;
  const candidates: Array<[string | null | undefined, string | null]> = [
    [contactPhone, country],
    [billing?.phone, billing?.countryCode ?? null],
    [shipping?.phone, shipping?.countryCode ?? null],
  ];
  for (const [phone, from] of candidates) {
    if (phone && phone.trim() !== "") return { phone: phone.trim(), country: from };
  }
  return null;
}

/** The numeric order id of Shopify's order gid (the app accepts either form). */
export function orderIdOf(gid: string | null | undefined): string | null {
  const match = /(\d+)$/.exec(gid ?? "");
  return match ? match[1]! : null;
}

export const LABEL = "Get order updates on WhatsApp";

export function detailText(shopName: string, phone: string): string {
  return `${shopName} will message you at ${phone} on WhatsApp when this order ships or changes. Untick this box or reply STOP at any time to stop.`;
}

/** The words the shopper agrees to, exactly as shown, for the app to keep with the choice. */
export function wordingShown(shopName: string, phone: string): string {
  return `${LABEL}: ${detailText(shopName, phone)}`;
}

export type Phase = "loading" | "ready" | "saving" | "error" | "hidden";

export interface BlockState {
  phase: Phase;
  on: boolean;
  /** What failed, so Try again repeats it: reading the state, or saving this choice. */
  failed: { kind: "load" } | { kind: "save"; choice: Choice } | null;
}

export const INITIAL: BlockState = { phase: "loading", on: false, failed: null };

/** The state after the app answered the page's first request. */
export function afterLoad(state: BlockState, answer: Answer): BlockState {
  if (answer.kind === "state") return { phase: "ready", on: answer.state.on, failed: null };
  if (answer.kind === "not_offered") return { ...state, phase: "hidden", failed: null };
  return { ...state, phase: "error", failed: { kind: "load" } };
}

/** While a choice is saved the box shows it, and cannot be changed again. */
export function whileSaving(state: BlockState, choice: Choice): BlockState {
  return { phase: "saving", on: choice === "opted_in", failed: null };
}

/** After the save: the app's word, or the previous state with the choice to try again. */
export function afterSave(before: BlockState, choice: Choice, answer: Answer): BlockState {
  if (answer.kind === "state") return { phase: "ready", on: answer.state.on, failed: null };
  if (answer.kind === "not_offered") return { ...before, phase: "hidden", failed: null };
  return { phase: "error", on: before.on, failed: { kind: "save", choice } };
}

export interface BlockView {
  hidden: boolean;
  label: string;
  detail: string;
  checked: boolean;
  disabled: boolean;
  /** A short line under the box while saving, or null. */
  status: string | null;
  /** The error to show with a Try again button, or null. */
  error: string | null;
}

export function blockView(state: BlockState, shopName: string, phone: string): BlockView {
  const error =
    state.failed?.kind === "save"
      ? "Your choice could not be saved. Check your connection and try again."
      : state.failed?.kind === "load"
        ? "WhatsApp updates could not be loaded. Check your connection and try again."
        : null;
  return {
    hidden: state.phase === "hidden",
    label: LABEL,
    detail: detailText(shopName, phone),
    checked: state.on,
    // After a failed save the box stays usable: the shopper may change their mind instead of retrying.
    disabled: state.phase === "loading" || state.phase === "saving" || state.failed?.kind === "load",
    status: state.phase === "saving" ? "Saving…" : null,
    error,
  };
}
