/**
 * The WhatsApp opt-in block on the thank-you and order-status pages (extensions/whatsapp-opt-in):
 * the rules that bind a shopper's choice to an order and a number. Pure; the I/O is in
 * ./opt-in.server.ts.
 *
 * A page's session token proves the shop (and, on the order-status page, the signed-in
 * customer), never the shopper's number. So a choice counts only for the order's own buyer
 * number as the app knows it from the order's webhooks:
 *
 * 1. The order-status page must name a customer (the token's `sub`), and when the app knows
 *    the order's customer it must be that one. The thank-you page names one only for a
 *    signed-in buyer; when both are known they must agree.
 * 2. When the app knows the order, the number the page shows must be the order's buyer
 *    number (./recipient's choice): the shopper proves the order id and its number together.
 *    An order with no usable buyer number offers nothing.
 * 3. When the app does not know the order yet (the thank-you page loads seconds after
 *    checkout, often before orders/create), a thank-you page's choice is kept against the
 *    shop and order for PENDING_OPT_IN_MS and applied when that order arrives at that shop,
 *    only to that same number and customer; else it is dropped. Nothing about an unknown
 *    order can be checked, so nothing else is done with it. The order-status page opens long
 *    after the order's webhooks: an order the app does not know there offers nothing.
 */
import { toE164 } from "../orders/recipient";
import { SHOP_DOMAIN } from "../shops/domain";
import type { ConsentPolicy } from "../messages/form-decision";
import type { ConsentSource } from "./sources";

/** The pages that show the block, and the consent source each records (the Shopper's consentSource). */
export const OPT_IN_SOURCES = {
  thank_you: "thank_you_page",
  order_status: "order_status_page",
} as const satisfies Record<string, ConsentSource>;

export type OptInSurface = keyof typeof OPT_IN_SOURCES;
export type OptInChoice = "opted_in" | "opted_out";

/** How long a choice for an order the app has not received yet waits for the order. */
export const PENDING_OPT_IN_MS = 3_600_000;

/** The longest wording kept: WhatsApp wants the words shown, and they are one sentence. */
export const MAX_WORDING_LENGTH = 500;

/** The numeric id of `gid://shopify/Order/123` (or `OrderIdentity`, as the thank-you page names it), or of `123`. */
export function orderIdOf(value: string): string | null {
  const match = /^(?:gid:\/\/shopify\/(?:Order|OrderIdentity)\/)?([1-9]\d{0,19})$/.exec(value.trim());
  return match ? match[1]! : null;
}

/** The numeric id of the token's `sub` (`gid://shopify/Customer/123`), or null without one. */
export function customerIdOf(sub: unknown): string | null {
  if (typeof sub !== "string") return null;
  const match = /^gid:\/\/shopify\/Customer\/([1-9]\d{0,19})$/.exec(sub);
  return match ? match[1]! : null;
}

/** The shop a token's `dest` names (`https://x.myshopify.com` or `x.myshopify.com`), or null. */
export function shopOf(dest: unknown): string | null {
  if (typeof dest !== "string") return null;
  const domain = dest.replace(/^https:\/\//, "").replace(/\/$/, "").toLowerCase();
  return SHOP_DOMAIN.test(domain) ? domain : null;
}

/** What the app knows of the order, when it has received it. */
export interface KnownOrder {
  /** The buyer's WhatsApp number (E.164), or null when the order has none usable. */
  recipient: string | null;
  /** The order's country for reading a national number the page shows. */
  country: string | null;
  customerId: string | null;
}

export interface ChoiceRequest {
  surface: OptInSurface;
  /** The customer the token names (its `sub`), or null. */
  tokenCustomerId: string | null;
  /** The number as the page shows it, and the country of the address it came from. */
  phone: string;
  country: string | null;
}

export type Binding =
  | { kind: "shopper"; phone: string }
  | { kind: "pending"; phone: string }
  | { kind: "refused"; status: 403 | 404; reason: string };

const refuse = (status: 403 | 404, reason: string): Binding => ({ kind: "refused", status, reason });

/** Whose consent a choice on a page is, for an order known (or not yet) to the app. */
export function bindChoice(request: ChoiceRequest, order: KnownOrder | undefined): Binding {
  if (request.surface === "order_status" && request.tokenCustomerId === null) return refuse(403, "the order-status page names no signed-in customer");
  const orderCustomer = order?.customerId ?? null;
  if (orderCustomer !== null && request.tokenCustomerId !== null && orderCustomer !== request.tokenCustomerId) {
    return refuse(403, "the order is not the signed-in customer's");
  }
  // The order-status page opens long after the order's webhooks; an order unknown there is not this shop's to decide.
  if (order === undefined && request.surface === "order_status") return refuse(404, "the app has not received this order");
  if (order === undefined) {
    const phone = toE164(request.phone, request.country);
    return phone === null ? refuse(404, "the number is not a valid phone number") : { kind: "pending", phone };
  }
  if (order.recipient === null) return refuse(404, "the order has no WhatsApp number for the buyer");
  const shown = toE164(request.phone, request.country ?? order.country);
  if (shown !== order.recipient) return refuse(403, "the number is not the order's");
  return { kind: "shopper", phone: order.recipient };
}

export interface PendingChoice {
  phone: string;
  customerId: string | null;
  consentAt: Date;
}

/** Whether a choice kept before the order arrived counts for the order as it came. */
export function pendingApplies(pending: PendingChoice, order: KnownOrder, now: Date): boolean {
  if (now.getTime() - pending.consentAt.getTime() > PENDING_OPT_IN_MS) return false;
  if (order.recipient === null || order.recipient !== pending.phone) return false;
  return pending.customerId === null || order.customerId === null || pending.customerId === order.customerId;
}

export interface ShownState {
  /** Whether the shopper gets the shop's WhatsApp updates now: what the checkbox shows. */
  on: boolean;
  consent: OptInChoice | null;
}

/**
 * What the block shows: on when the shopper opted in, or never said and the shop writes to
 * everyone (or counts its checkout as the opt-in); so unticking it is an opt-out that holds.
 */
export function shownState(consent: string | null | undefined, shop: { policy: ConsentPolicy; checkoutConsent: boolean }): ShownState {
  const stated = consent === "opted_in" || consent === "opted_out" ? consent : null;
  if (stated !== null) return { on: stated === "opted_in", consent: stated };
  return { on: shop.policy === "everyone" || shop.checkoutConsent, consent: null };
}
