import { z } from "zod";
import { addDataRequest, deleteDataRequest, shopDataRequests } from "../db/repositories/data-requests.server";
import { blankOrderMessages, deleteRepliesTo, orderMessagesForReport, orderRecipients } from "../db/repositories/messages.server";
import { deleteOrderState } from "../db/repositories/order-states.server";
import { deleteRecipientTurns } from "../db/repositories/recipient-paces.server";
import { deleteAllShopData } from "../db/repositories/shop-data.server";
import { deleteFiringsOfOrders } from "../db/repositories/flow-trigger-firings.server";
import { dropCallbackBodiesNaming, dropOrderBodies } from "../db/repositories/webhook-events.server";
import { deleteShoppers } from "../db/repositories/shoppers.server";
import { deleteOrderOptInsOf } from "../db/repositories/order-opt-ins.server";
import { pickRecipient } from "../orders/recipient";
import { readOrderKnowledge } from "../pipeline/order-state.server";
import type { SqlExecutor } from "../db/sql.server";
import type { TopicResult, WebhookDelivery } from "./types";
import type { ComplianceTopic } from "./topics";

const id = z.union([z.string(), z.number()]).transform(String);

const customerPayload = z.object({
  customer: z
    .object({ id: id.nullish(), email: z.string().nullish(), phone: z.string().nullish() })
    .nullish(),
  orders_to_redact: z.array(id).nullish(),
  orders_requested: z.array(id).nullish(),
  data_request: z.object({ id: id.nullish() }).nullish(),
});

/**
 * The three mandatory compliance topics. Shopify allows 30 days; the app acts as soon as the
 * inbox processor takes the delivery, in its transaction.
 */
export async function handleComplianceTopic(
  tx: SqlExecutor,
  topic: ComplianceTopic,
  delivery: WebhookDelivery,
  now: Date,
): Promise<TopicResult> {
  const shop = delivery.shop;
  if (topic === "shop/redact") {
    await deleteAllShopData(tx, shop);
    // Nothing of the shop stays, not even this event (a repeat deletes nothing more).
    return { outcome: "processed", enqueued: 0, unrecorded: true };
  }

  const parsed = customerPayload.safeParse(JSON.parse(delivery.rawBody));
  if (!parsed.success) return { outcome: "ignored", reason: `${topic} payload is not readable`, enqueued: 0 };
  const payload = parsed.data;

  if (topic === "customers/redact") return redactCustomer(tx, shop, payload, now);

  // customers/data_request: record what the app holds for the listed orders.
  const orders = payload.orders_requested ?? [];
  const held = [];
  for (const orderId of orders) {
    const messages = await orderMessagesForReport(tx, shop, orderId);
    held.push({ orderId, messages });
  }
  const report = JSON.stringify({
    customer: payload.customer ?? null,
    requestedAt: now.toISOString(),
    orders: held,
  });
  await addDataRequest(tx, {
    shopDomain: shop,
    requestId: payload.data_request?.id ?? null,
    customerId: payload.customer?.id ?? null,
    report,
    createdAt: now,
  });
  return { outcome: "processed", enqueued: 0 };
}

/**
 * A phone as the app stores recipients (E.164: "+" and digits), when Shopify wrote it with its
 * country code; a national number is matched through the redacted orders' messages instead.
 */
function storedPhone(phone: string | null | undefined): string | undefined {
  const digits = phone?.replace(/[^\d]/g, "") ?? "";
  return phone?.trim().startsWith("+") && digits.length >= 7 ? `+${digits}` : undefined;
}

/**
 * customers/redact: everything the app holds about the shopper goes at once, in one
 * transaction. The message log keeps that a message was sent, not to whom or what it said;
 * the orders' merged knowledge, their raw webhook bodies, their Flow trigger firings,
 * Kaleyra's callbacks naming her number, the shopper's pacing rows and the data-request
 * reports made for them are deleted.
 */
async function redactCustomer(tx: SqlExecutor, shop: string, payload: z.infer<typeof customerPayload>, now: Date): Promise<TopicResult> {
  const orders = payload.orders_to_redact ?? [];
  const phones = new Set<string>();
  const ownPhone = storedPhone(payload.customer?.phone);
  if (ownPhone) phones.add(ownPhone);
  for (const orderId of orders) {
    for (const recipient of await orderRecipients(tx, shop, orderId)) phones.add(recipient);
    // The order's own number, even when no message went to it (an opt-in on its thank-you page).
    const knowledge = (await readOrderKnowledge(tx, shop, orderId))?.knowledge;
    const buyer = knowledge ? pickRecipient(knowledge) : undefined;
    if (buyer?.ok) phones.add(buyer.e164);
    await deleteOrderState(tx, shop, orderId);
  }
  // Flow trigger payloads hold no phone or name, but a failure's explanation may quote Meta's
  // words for a code the app does not know: the orders' firings go too.
  await deleteFiringsOfOrders(tx, shop, orders);
  // Choices made on the thank-you page for these orders or numbers, still waiting for their order.
  for (const phone of await deleteOrderOptInsOf(tx, shop, orders, [...phones])) phones.add(phone);
  for (const orderId of orders) await blankOrderMessages(tx, shop, orderId, now);
  // The orders' raw webhook bodies in the inbox name the shopper too, and so do Kaleyra's
  // status callbacks for her number.
  await dropOrderBodies(tx, shop, orders);
  await dropCallbackBodiesNaming(tx, shop, phones);
  // Messages of orders the request did not list are left: Shopify names the orders to redact,
  // and another customer may share the number. Pacing rows hold only the number and a time.
  for (const phone of phones) {
    await deleteRecipientTurns(tx, shop, phone);
  }
  // The shopper's window and consent, and the replies to their STOP (about no order) go too.
  await deleteShoppers(tx, shop, [...phones]);
  await deleteRepliesTo(tx, shop, [...phones]);
  const needles = new Set(phones);
  if (payload.customer?.phone) needles.add(payload.customer.phone);
  const reports = await deleteDataRequestsAbout(tx, shop, payload.customer ?? undefined, needles);
  return { outcome: "processed", reason: `redacted ${orders.length} order(s), ${reports} data request report(s)`, enqueued: 0 };
}

/** Deletes the stored customers/data_request reports about the shopper (by id, email or a phone). */
async function deleteDataRequestsAbout(
  tx: SqlExecutor,
  shop: string,
  customer: { id?: string | null; email?: string | null } | undefined,
  phones: Set<string>,
): Promise<number> {
  const rows = await shopDataRequests(tx, shop);
  const email = customer?.email?.trim().toLowerCase() || undefined;
  const about = rows.filter((row) => {
    if (customer?.id && row.customerId === customer.id) return true;
    const text = row.report.toLowerCase();
    return (email !== undefined && text.includes(email)) || [...phones].some((phone) => row.report.includes(phone));
  });
  for (const row of about) await deleteDataRequest(tx, row.id);
  return about.length;
}
