/**
 * The opt-in block's two questions (what is the shopper's choice now; record a new one) and
 * the choice kept for an order that arrives later. The rules are in ./opt-in.ts; this is the
 * I/O around them. A choice is recorded through the Shopper's consent like STOP/START: the
 * latest word counts, and an opt-out skips the messages still waiting for that number.
 */
import { skipWaitingTo } from "../db/repositories/messages.server";
import { deleteOrderOptIn, deleteOrderOptInsBefore, findOrderOptIn, saveOrderOptIn } from "../db/repositories/order-opt-ins.server";
import { deleteEmptyOrderState, lockOrderState, readKnowledgeText } from "../db/repositories/order-states.server";
import { findShopper, saveConsent } from "../db/repositories/shoppers.server";
import { readShop } from "../db/repositories/shops.server";
import type { SqlDatabase, SqlExecutor } from "../db/sql.server";
import { consentPolicyOf } from "../messages/form-decision";
import type { OrderKnowledge } from "../orders/knowledge";
import { pickRecipient } from "../orders/recipient";
import {
  bindChoice,
  OPT_IN_SOURCES,
  pendingApplies,
  PENDING_OPT_IN_MS,
  shownState,
  type Binding,
  type ChoiceRequest,
  type KnownOrder,
  type OptInChoice,
  type ShownState,
} from "./opt-in";
import { consentSourceOf } from "./sources";

export interface OptInQuestion extends ChoiceRequest {
  shop: string;
  orderId: string;
}

export interface OptInChoiceRequest extends OptInQuestion {
  choice: OptInChoice;
  wording: string;
}

export type OptInAnswer =
  | { status: 200; body: ShownState & { pending: boolean } }
  | { status: 403 | 404; body: { error: string }; reason: string };

const NOT_OFFERED: OptInAnswer = { status: 404, body: { error: "not_offered" }, reason: "the shop does not send WhatsApp updates" };

/** What the app knows of the order, once an order payload (not only a fulfillment) was applied. */
export function knownOrderOf(knowledge: OrderKnowledge | undefined): KnownOrder | undefined {
  if (!knowledge || (knowledge.orderUpdatedAt === null && !knowledge.lineItemsKnown)) return undefined;
  const recipient = pickRecipient(knowledge);
  const c = knowledge.contact;
  return {
    recipient: recipient.ok ? recipient.e164 : null,
    country: c.billingAddress?.countryCode ?? c.shippingAddress?.countryCode ?? c.customerDefaultAddress?.countryCode ?? null,
    customerId: knowledge.customerId ?? null,
  };
}

async function knownOrder(db: SqlExecutor, shop: string, orderId: string): Promise<KnownOrder | undefined> {
  const text = await readKnowledgeText(db, shop, orderId);
  return knownOrderOf(text ? (JSON.parse(text) as OrderKnowledge) : undefined);
}

/** The shop's policy, when it sends WhatsApp updates at all (installed and switched on). */
async function offeringShop(db: SqlExecutor, shop: string) {
  const row = await readShop(db, shop);
  if (!row?.installed || !row.enabled) return undefined;
  return { policy: consentPolicyOf(row.consentPolicy), checkoutConsent: row.checkoutConsent };
}

function refused(binding: Extract<Binding, { kind: "refused" }>): OptInAnswer {
  return { status: binding.status, body: { error: binding.status === 404 ? "not_offered" : "refused" }, reason: binding.reason };
}

/** GET: what the block shows for this order and number. */
export async function readOptIn(db: SqlDatabase, question: OptInQuestion): Promise<OptInAnswer> {
  const shop = await offeringShop(db, question.shop);
  if (!shop) return NOT_OFFERED;
  const binding = bindChoice(question, await knownOrder(db, question.shop, question.orderId));
  if (binding.kind === "refused") return refused(binding);
  if (binding.kind === "shopper") {
    const shopper = await findShopper(db, question.shop, binding.phone);
    return { status: 200, body: { ...shownState(shopper?.consent, shop), pending: false } };
  }
  // Before the order arrives only this page's own choice is shown, never what the number said elsewhere.
  const pending = await findOrderOptIn(db, question.shop, question.orderId);
  const choice = pending?.phone === binding.phone ? pending.consent : null;
  return { status: 200, body: { ...shownState(choice, shop), pending: choice !== null } };
}

function optOutReason(source: string, at: Date): string {
  return `the shopper opted out on the ${source.replace(/_/g, " ")} (${at.toISOString().slice(0, 10)})`;
}

async function recordForShopper(tx: SqlExecutor, request: OptInChoiceRequest, phone: string, now: Date): Promise<void> {
  const source = OPT_IN_SOURCES[request.surface];
  await saveConsent(tx, request.shop, phone, { consent: request.choice, at: now, source, wording: request.wording }, now);
  if (request.choice === "opted_out") {
    await skipWaitingTo(tx, request.shop, phone, optOutReason(source, now), now);
  }
}

/** POST: records the choice for the order's number, or keeps it until the order arrives. */
export async function recordOptIn(db: SqlDatabase, request: OptInChoiceRequest, now: Date): Promise<OptInAnswer> {
  const shop = await offeringShop(db, request.shop);
  if (!shop) return NOT_OFFERED;
  const binding = await db.transaction(async (tx) => {
    const bound = bindChoice(request, await knownOrder(tx, request.shop, request.orderId));
    if (bound.kind === "shopper") await recordForShopper(tx, request, bound.phone, now);
    if (bound.kind === "pending") {
      await saveOrderOptIn(tx, {
        shopDomain: request.shop,
        orderId: request.orderId,
        phone: bound.phone,
        customerId: request.tokenCustomerId,
        consent: request.choice,
        consentAt: now,
        source: OPT_IN_SOURCES[request.surface],
        wording: request.wording,
      });
    }
    return bound;
  });
  if (binding.kind === "refused") return refused(binding);
  if (binding.kind === "pending") await db.transaction((tx) => applyPendingIfOrderCame(tx, request.shop, request.orderId, now));
  return { status: 200, body: { ...shownState(request.choice, shop), pending: binding.kind === "pending" } };
}

/**
 * A choice kept before its order arrived becomes the shopper's consent when the order's
 * facts are known (inside the order's decision, before its messages are planned), only for
 * the number the page showed. Returns whether one was applied.
 */
export async function applyPendingOptIn(tx: SqlExecutor, shop: string, orderId: string, now: Date, knowledge?: OrderKnowledge): Promise<boolean> {
  const pending = await findOrderOptIn(tx, shop, orderId);
  if (!pending) return false;
  const order = knowledge ? knownOrderOf(knowledge) : await knownOrder(tx, shop, orderId);
  if (!order) return false;
  await deleteOrderOptIn(tx, shop, orderId);
  if (!pendingApplies(pending, order, now)) return false;
  const choice = pending.consent === "opted_out" ? "opted_out" : "opted_in";
  const source = consentSourceOf(pending.source) ?? OPT_IN_SOURCES.thank_you;
  await saveConsent(tx, shop, pending.phone, { consent: choice, at: pending.consentAt, source, wording: pending.wording }, now);
  if (choice === "opted_out") await skipWaitingTo(tx, shop, pending.phone, optOutReason(source, pending.consentAt), now);
  return true;
}

/**
 * The order may have been decided while the choice was written, without seeing it. On
 * PostgreSQL the order's row lock (which its decision holds) is taken first, so either that
 * decision saw the choice or this sees its order; a row created only to wait is removed.
 * On SQLite writes are serialised, so the read alone is enough.
 */
async function applyPendingIfOrderCame(tx: SqlExecutor, shop: string, orderId: string, now: Date): Promise<boolean> {
  const row = await lockOrderState(tx, shop, orderId, now);
  if (row?.knowledge === "") await deleteEmptyOrderState(tx, shop, orderId);
  const knowledge = row?.knowledge ? (JSON.parse(row.knowledge) as OrderKnowledge) : undefined;
  return knowledge ? applyPendingOptIn(tx, shop, orderId, now, knowledge) : false;
}

/** Choices whose order never came within PENDING_OPT_IN_MS (the worker's housekeeping). */
export async function pruneStaleOptIns(db: SqlExecutor, now: Date): Promise<number> {
  return deleteOrderOptInsBefore(db, new Date(now.getTime() - PENDING_OPT_IN_MS), 5000);
}
