/**
 * What the block shows, from the app's answer (GET/POST /api/orders/<id>/whatsapp). Pure, and
 * without a schema library: the bundle must stay under Shopify's 64 KB. Every explanation is
 * the app's; this only arranges it and formats times.
 */

// ---------------------------------------------------------------------------------------
// The app's answer (app/admin/order-timeline.ts), as far as the block reads it.

export type Tone = "success" | "info" | "critical" | "warning" | "caution" | "neutral";

export interface Help {
  title: string;
  explanation: string;
  action: string;
}

export interface TimelineMessage {
  id: string;
  statusLabel: string;
  form: { label: string; template: string | null };
  stateLabel: string;
  tone: Tone;
  times: Array<{ label: string; at: string }>;
  help: Help | null;
  recipient: string;
  canRetry: boolean;
  fix: { label: string; url: string } | null;
  url: string;
}

export interface TimelineConsent {
  recipient: string;
  state: "opted_in" | "opted_out" | "unknown";
  label: string;
  at: string | null;
  how: string | null;
  wording: string | null;
}

export interface Setup {
  canSend: boolean;
  headline: string;
  next: { label: string; url: string } | null;
}

export interface Timeline {
  order: { id: string; name: string | null };
  setup: Setup;
  consent: TimelineConsent[];
  messages: TimelineMessage[];
  empty: string[];
}

export interface RetryAnswer {
  ok: true;
  retried: { state: string; skipReason: string | null; changed: string[] };
  timeline: Timeline | null;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === "string");

function isSetup(value: unknown): value is Setup {
  return isObject(value) && typeof value.canSend === "boolean" && typeof value.headline === "string";
}

function isMessage(value: unknown): value is TimelineMessage {
  return (
    isObject(value) &&
    typeof value.id === "string" &&
    typeof value.statusLabel === "string" &&
    typeof value.stateLabel === "string" &&
    isObject(value.form) &&
    Array.isArray(value.times) &&
    typeof value.canRetry === "boolean" &&
    typeof value.url === "string"
  );
}

/** The timeline, or null when the answer is not one (an old or broken app answering). */
export function readTimeline(json: unknown): Timeline | null {
  if (!isObject(json) || !isObject(json.order) || !isSetup(json.setup)) return null;
  if (!Array.isArray(json.messages) || !json.messages.every(isMessage)) return null;
  if (!Array.isArray(json.consent) || !isStringArray(json.empty)) return null;
  return json as unknown as Timeline;
}

/** A 404's body: the app has no record of the order, and why that may be. */
export function readUnknownOrder(json: unknown): { setup: Setup; empty: string[] } | null {
  return isObject(json) && isSetup(json.setup) && isStringArray(json.empty) ? { setup: json.setup, empty: json.empty } : null;
}

export function readRetryAnswer(json: unknown): RetryAnswer | null {
  if (!isObject(json) || json.ok !== true || !isObject(json.retried) || typeof json.retried.state !== "string") return null;
  return { ok: true, retried: json.retried as RetryAnswer["retried"], timeline: readTimeline(json.timeline) };
}

// ---------------------------------------------------------------------------------------
// Where the block asks and links.

/** The order's numeric id from the GraphQL id the admin gives the block. */
export function orderIdFrom(gid: string | undefined): string | null {
  const match = gid ? /^gid:\/\/shopify\/Order\/(\d+)$/.exec(gid) : null;
  return match?.[1] ?? null;
}

/** Relative: the admin resolves it against the app's URL and adds the session token. */
export function endpointFor(orderId: string): string {
  return `/api/orders/${orderId}/whatsapp`;
}

/** A page of the app, opened inside the admin (`app:` is the admin's protocol for the app's own pages). */
export function appHref(path: string): string {
  return `app:${path.replace(/^\//, "")}`;
}

// ---------------------------------------------------------------------------------------
// The view.

export type FormatTime = (iso: string) => string;

/** "Mar 10, 2026, 11:04 AM" in the merchant's locale; the stand-in for shopify.i18n.formatDate in tests. */
export function timeFormatter(locale: string, timeZone?: string): FormatTime {
  const format = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone });
  return (iso) => {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : format.format(date);
  };
}

export interface MessageView {
  id: string;
  title: string;
  /** "Approved template: order_shipped (en)" or "Interactive order status". */
  form: string;
  badge: { label: string; tone: Tone };
  times: string[];
  help: Help | null;
  recipient: string;
  canRetry: boolean;
  fix: { label: string; href: string } | null;
  href: string;
}

export interface ConsentView {
  recipient: string;
  badge: { label: string; tone: Tone };
  detail: string | null;
}

export type BlockView =
  | {
      kind: "timeline";
      messages: MessageView[];
      consent: ConsentView[];
      /** The shop's setup, when it stops messages from going out. */
      setup: { headline: string; next: { label: string; href: string } | null } | null;
      /** The order is known: its current status can be sent again. */
      canResend: boolean;
    }
  | { kind: "empty"; reasons: string[]; next: { label: string; href: string } | null; canResend: boolean };

function messageView(message: TimelineMessage, format: FormatTime): MessageView {
  return {
    id: message.id,
    title: `${message.statusLabel} update`,
    form: message.form.template ? `${message.form.label}: ${message.form.template}` : message.form.label,
    badge: { label: message.stateLabel, tone: message.tone },
    times: message.times.map((time) => `${time.label} ${format(time.at)}`),
    help: message.help,
    recipient: message.recipient,
    canRetry: message.canRetry,
    fix: message.fix ? { label: message.fix.label, href: appHref(message.fix.url) } : null,
    href: appHref(message.url),
  };
}

const CONSENT_TONE: Record<TimelineConsent["state"], Tone> = { opted_in: "success", opted_out: "critical", unknown: "neutral" };

function consentView(consent: TimelineConsent, format: FormatTime): ConsentView {
  const parts = [consent.at ? `since ${format(consent.at)}` : null, consent.how, consent.wording ? `“${consent.wording}”` : null];
  const detail = parts.filter((part): part is string => Boolean(part)).join(" · ");
  return { recipient: consent.recipient, badge: { label: consent.label, tone: CONSENT_TONE[consent.state] ?? "neutral" }, detail: detail || null };
}

function nextStep(setup: Setup): { label: string; href: string } | null {
  return setup.next ? { label: setup.next.label, href: appHref(setup.next.url) } : null;
}

export function blockView(timeline: Timeline, format: FormatTime): BlockView {
  if (timeline.messages.length === 0) {
    return { kind: "empty", reasons: timeline.empty, next: nextStep(timeline.setup), canResend: true };
  }
  return {
    kind: "timeline",
    messages: timeline.messages.map((message) => messageView(message, format)),
    consent: timeline.consent.map((consent) => consentView(consent, format)),
    setup: timeline.setup.canSend ? null : { headline: timeline.setup.headline, next: nextStep(timeline.setup) },
    canResend: true,
  };
}

/** The block's one line while collapsed (Shopify cuts it at 30 characters): how many, and the latest's state. */
export function collapsedSummary(view: BlockView): string {
  if (view.kind === "empty") return "No messages yet";
  const latest = view.messages[view.messages.length - 1];
  const count = view.messages.length === 1 ? "1 message" : `${view.messages.length} messages`;
  const summary = latest ? `${count}, latest ${latest.badge.label.toLowerCase()}` : count;
  return summary.length > 30 ? count : summary;
}

/** The order the app has no record of: nothing to send again from here. */
export function unknownOrderView(unknown: { setup: Setup; empty: string[] }): BlockView {
  return { kind: "empty", reasons: unknown.empty, next: nextStep(unknown.setup), canResend: false };
}

export interface Notice {
  tone: "success" | "info" | "warning" | "critical";
  heading: string;
  text: string | null;
}

/** What a retry did, in the detail page's words. */
export function retryNotice(retried: RetryAnswer["retried"]): Notice {
  if (retried.state === "skipped") return { tone: "warning", heading: "Still cannot be sent", text: retried.skipReason };
  const changed = retried.changed.length > 0 ? `Changed since the last attempt: ${retried.changed.join(", ")}.` : "Nothing changed: the same message is sent again.";
  if (retried.state === "paused") return { tone: "warning", heading: "Queued; sending is paused", text: changed };
  return { tone: "success", heading: "Message queued again", text: changed };
}

/** An answer that is not what was asked for, in words a merchant can act on. */
export function failureNotice(status: number, json: unknown): Notice {
  const said = isObject(json) && typeof json.error === "string" ? json.error : null;
  if (status === 401) return { tone: "critical", heading: "Your session has expired", text: "Reload the page to sign in again." };
  if (status === 422) return { tone: "warning", heading: "Not sent", text: said };
  if (status === 404) return { tone: "warning", heading: "Not found", text: said ?? "This message is no longer part of this order." };
  if (status === 409) return { tone: "warning", heading: "Cannot be retried", text: said };
  return { tone: "critical", heading: "The app could not be reached", text: `${said ?? (status === 0 ? "It did not answer." : `It answered HTTP ${status}.`)} Try again in a moment.` };
}
