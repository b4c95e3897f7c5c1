/**
 * The order page's WhatsApp block (extensions/order-whatsapp-block): what its endpoint answers,
 * built from the message log's own detail of each message (messages.server.ts), so the block,
 * the Messages page and the detail page explain a message in the same words. Pure: the
 * endpoint's parameters and body are read here, and the JSON is put together here.
 *
 * Nothing in it is secret or names the shopper: numbers are masked like everywhere in the
 * admin, and no message text or request is included.
 */
import { z } from "zod";
import type { OutcomeHelp } from "../kaleyra/outcome";
import { maskPhone } from "../orders/recipient";
import type { ConsentSource } from "../consent/sources";
import type { MessageDetail } from "./messages.server";
import type { RetryProgress } from "./message-states";
import type { Fix } from "./outcome-help";
import type { SendingState } from "./sending-state";

/** An order as the admin names it: its numeric id, or the GraphQL id the block is given. */
const ORDER_GID = /^gid:\/\/shopify\/Order\/(\d{1,20})$/;
const ORDER_NUMBER = /^\d{1,20}$/;

export function parseOrderId(raw: string | undefined): string | null {
  if (!raw) return null;
  if (ORDER_NUMBER.test(raw)) return raw;
  return ORDER_GID.exec(raw)?.[1] ?? null;
}

/** What the block may ask for: retry a message, or send the order's current status again (a run of the Flow action). */
export const orderActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("retry"), messageId: z.string().trim().min(1).max(100) }),
  // The block's id for one press of the button: a repeated request sends nothing more.
  z.object({ intent: z.literal("resend"), requestId: z.string().uuid() }),
]);
export type OrderAction = z.infer<typeof orderActionSchema>;

export type BadgeTone = "success" | "info" | "critical" | "warning" | "caution" | "neutral";

export interface TimelineMessage {
  id: string;
  /** The order status it tells (processing, shipped, ...) and its words. */
  status: string;
  statusLabel: string;
  /** How it is sent: "Approved template" with the template, or "Interactive order status". */
  form: { label: string; template: string | null };
  /** Where it is, in one word or two for the badge, and the badge's tone. */
  stateLabel: string;
  tone: BadgeTone;
  /** Each time the log knows, in the order they happen. */
  times: Array<{ label: string; at: string }>;
  /** What went wrong (or why it waits) and what to do; null when all is well. */
  help: OutcomeHelp | null;
  retry: RetryProgress | null;
  /** The masked number, or whose number is missing. */
  recipient: string;
  canRetry: boolean;
  /** Where the merchant fixes the cause, when sending again cannot help (an app path). */
  fix: Fix | null;
  /** The message's page in the app. */
  url: string;
}

export interface TimelineConsent {
  recipient: string;
  state: "opted_in" | "opted_out" | "unknown";
  label: string;
  at: string | null;
  /** How the shopper said it, in the merchant's words, and the words shown or written. */
  how: string | null;
  wording: string | null;
}

export interface TimelineSetup {
  /** The shop's messages are being sent (sending is on and nothing is paused). */
  canSend: boolean;
  headline: string;
  next: { label: string; url: string } | null;
}

export interface OrderTimeline {
  order: { id: string; name: string | null };
  setup: TimelineSetup;
  consent: TimelineConsent[];
  messages: TimelineMessage[];
  /** Why there is no message yet, when there is none. */
  empty: string[];
}

/** The 404's body: the order is not in this shop's records (another shop's reads the same). */
export interface UnknownOrder {
  error: string;
  setup: TimelineSetup;
  empty: string[];
}

const WAITING_STATES = new Set(["queued", "sending"]);
const TROUBLE_STATES = new Set(["failed", "skipped", "paused"]);

function toneOf(detail: Pick<MessageDetail, "state" | "delivery">): BadgeTone {
  const delivery = detail.delivery?.state;
  if (delivery === "read" || delivery === "delivered") return "success";
  if (delivery === "failed" || delivery === "not_sent") return "critical";
  if (detail.state === "sent") return "info";
  if (detail.state === "failed") return "critical";
  if (detail.state === "skipped" || detail.state === "paused") return "warning";
  return "neutral";
}

function stateLabelOf(detail: Pick<MessageDetail, "stateLabel" | "delivery" | "retry">): string {
  if (detail.delivery) return detail.delivery.label;
  if (detail.retry) return `Retrying (attempt ${detail.retry.attempt} of ${detail.retry.of})`;
  return detail.stateLabel;
}

function timesOf(detail: Pick<MessageDetail, "createdAt" | "sentAt" | "delivery">): Array<{ label: string; at: string }> {
  const times = [{ label: "Queued", at: detail.createdAt }];
  if (detail.sentAt) times.push({ label: "Accepted by Kaleyra", at: detail.sentAt });
  return [...times, ...(detail.delivery?.times ?? [])];
}

/** One message of the order, from the detail the message's own page shows. */
export function timelineMessage(detail: MessageDetail): TimelineMessage {
  const troubled = TROUBLE_STATES.has(detail.state) || Boolean(detail.delivery?.failure);
  return {
    id: detail.id,
    status: detail.orderStatus,
    statusLabel: detail.statusLabel,
    form: { label: detail.form.label, template: detail.form.template },
    stateLabel: stateLabelOf(detail),
    tone: toneOf(detail),
    times: timesOf(detail),
    help: troubled || (WAITING_STATES.has(detail.state) && detail.retry) ? detail.help : null,
    retry: detail.retry,
    recipient: detail.recipient.why ? `${detail.recipient.text}: ${detail.recipient.why}` : detail.recipient.text,
    canRetry: detail.canRetry,
    fix: detail.fix,
    url: `/app/messages/${encodeURIComponent(detail.id)}`,
  };
}

/** How a consent came to be recorded (Shopper.consentSource), as the merchant reads it. */
export const CONSENT_SOURCE_LABEL: Readonly<Record<string, string>> = {
  inbound: "Wrote to your WhatsApp number",
  thank_you_page: "Thank-you page checkbox",
  order_status_page: "Order-status page checkbox",
  storefront: "Your storefront",
  import: "Imported from your records",
  order: "Counted with the order (your checkout collects WhatsApp consent)",
} satisfies Record<ConsentSource, string>;

const CONSENT_LABEL = { opted_in: "Opted in", opted_out: "Opted out", unknown: "No answer recorded" } as const;

export interface ShopperConsent {
  consent: string | null;
  consentAt: Date | null;
  consentSource: string | null;
  consentWording: string | null;
}

/** A recipient's consent as the Shopper table holds it (none: never asked or never answered). */
export function timelineConsent(phone: string, shopper: ShopperConsent | undefined): TimelineConsent {
  const state = shopper?.consent === "opted_in" || shopper?.consent === "opted_out" ? shopper.consent : "unknown";
  const source = state === "unknown" ? null : (shopper?.consentSource ?? null);
  return {
    recipient: maskPhone(phone),
    state,
    label: CONSENT_LABEL[state],
    at: state === "unknown" ? null : (shopper?.consentAt?.toISOString() ?? null),
    how: source ? (CONSENT_SOURCE_LABEL[source] ?? source) : null,
    wording: state === "unknown" ? null : (shopper?.consentWording ?? null),
  };
}

export function timelineSetup(state: SendingState): TimelineSetup {
  const next = state.next && "url" in state.next ? { label: state.next.label, url: state.next.url } : null;
  // Home and Settings carry the buttons for the other next steps (a resume or a re-check).
  return { canSend: state.canSend, headline: state.headline, next: next ?? (state.canSend ? null : { label: "Open the app's Home", url: "/app" }) };
}

const WHEN_SENT = "A message is sent when the order's status changes: placed (if you chose to send it), shipped, delivered or cancelled.";

/** Why an order the app knows has no message: the shop's setup first, else when messages come. */
export function emptyReasons(setup: TimelineSetup): string[] {
  return setup.canSend ? [WHEN_SENT] : [setup.headline, WHEN_SENT];
}

/** Why an order the app has no record of has no message. */
export function unknownOrderReasons(setup: TimelineSetup): string[] {
  const why = "The app has no record of this order: it was placed before the app was installed, or Shopify has not told the app about it yet.";
  return setup.canSend ? [why] : [setup.headline, why];
}

export interface TimelineInput {
  orderId: string;
  details: MessageDetail[];
  /** The order's recipients (E.164) with what the Shopper table holds of each. */
  shoppers: Array<{ phone: string; shopper: ShopperConsent | undefined }>;
  sending: SendingState;
}

export function orderTimeline(input: TimelineInput): OrderTimeline {
  const setup = timelineSetup(input.sending);
  const messages = input.details.map(timelineMessage);
  return {
    order: { id: input.orderId, name: input.details[0]?.orderName ?? null },
    setup,
    consent: input.shoppers.map(({ phone, shopper }) => timelineConsent(phone, shopper)),
    messages,
    empty: messages.length === 0 ? emptyReasons(setup) : [],
  };
}

export function unknownOrder(sending: SendingState): UnknownOrder {
  const setup = timelineSetup(sending);
  return { error: "This order is not in the app's records.", setup, empty: unknownOrderReasons(setup) };
}
