import { randomUUID } from "node:crypto";
import { z } from "zod";
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

/** Tables that hold a shop's data, children first. */
const SHOP_TABLES = [
  "Message",
  "OrderState",
  "Template",
  "DataRequest",
  "WebhookEvent",
  "WebhookBody",
  "RecipientPace",
] as const;

/**
 * The three mandatory compliance topics. Shopify allows 30 days; the app acts at once, in the
 * webhook's own transaction.
 */
export async function handleComplianceTopic(
  tx: SqlExecutor,
  topic: ComplianceTopic,
  delivery: WebhookDelivery,
  now: Date,
): Promise<TopicResult> {
  const shop = delivery.shop;
  if (topic === "shop/redact") {
    for (const table of SHOP_TABLES) {
      await tx.execute(`DELETE FROM "${table}" WHERE "shopDomain" = ?`, [shop]);
    }
    await tx.execute(`DELETE FROM "Session" WHERE "shop" = ?`, [shop]);
    await tx.execute(`DELETE FROM "Shop" WHERE "domain" = ?`, [shop]);
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
    const messages = await tx.query<{ status: string; state: string; recipient: string | null; sentAt: Date | null; bodyText: string | null }>(
      `SELECT "status", "state", "recipient", "sentAt", "bodyText" FROM "Message"
       WHERE "shopDomain" = ? AND "orderId" = ? ORDER BY "createdAt"`,
      [shop, orderId],
    );
    held.push({ orderId, messages });
  }
  const report = JSON.stringify({
    customer: payload.customer ?? null,
    requestedAt: now.toISOString(),
    orders: held,
  });
  await tx.execute(
    `INSERT INTO "DataRequest" ("id", "shopDomain", "requestId", "customerId", "report", "createdAt") VALUES (?, ?, ?, ?, ?, ?)`,
    [randomUUID(), shop, payload.data_request?.id ?? null, payload.customer?.id ?? null, report, now],
  );
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
 * customers/redact: everything the app holds about the shopper goes at once, in the webhook's
 * transaction. The message log keeps that a message was sent, not to whom or what it said;
 * the orders' merged knowledge, the shopper's pacing rows and the data-request reports made
 * for them are deleted.
 */
async function redactCustomer(tx: SqlExecutor, shop: string, payload: z.infer<typeof customerPayload>, now: Date): Promise<TopicResult> {
  const orders = payload.orders_to_redact ?? [];
  const phones = new Set<string>();
  const ownPhone = storedPhone(payload.customer?.phone);
  if (ownPhone) phones.add(ownPhone);
  for (const orderId of orders) {
    const rows = await tx.query<{ recipient: string | null }>(
      `SELECT DISTINCT "recipient" FROM "Message" WHERE "shopDomain" = ? AND "orderId" = ? AND "recipient" IS NOT NULL`,
      [shop, orderId],
    );
    for (const row of rows) if (row.recipient) phones.add(row.recipient);
    await tx.execute(`DELETE FROM "OrderState" WHERE "shopDomain" = ? AND "orderId" = ?`, [shop, orderId]);
  }
  const blank = `"recipient" = NULL, "bodyText" = NULL, "omittedLinks" = NULL, "requestJson" = NULL, "description" = NULL, "lastDetail" = NULL, "updatedAt" = ?`;
  for (const orderId of orders) {
    await tx.execute(`UPDATE "Message" SET ${blank} WHERE "shopDomain" = ? AND "orderId" = ?`, [now, shop, orderId]);
  }
  // Messages of orders the request did not list are left: Shopify names the orders to redact,
  // and another customer may share the number. Pacing rows hold only the number and a time.
  for (const phone of phones) {
    await tx.execute(`DELETE FROM "RecipientPace" WHERE "shopDomain" = ? AND "recipient" = ?`, [shop, phone]);
  }
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
  const rows = await tx.query<{ id: string; customerId: string | null; report: string }>(
    `SELECT "id", "customerId", "report" FROM "DataRequest" WHERE "shopDomain" = ?`,
    [shop],
  );
  const email = customer?.email?.trim().toLowerCase() || undefined;
  const about = rows.filter((row) => {
    if (customer?.id && row.customerId === customer.id) return true;
    const text = row.report.toLowerCase();
    return (email !== undefined && text.includes(email)) || [...phones].some((phone) => row.report.includes(phone));
  });
  for (const row of about) await tx.execute(`DELETE FROM "DataRequest" WHERE "id" = ?`, [row.id]);
  return about.length;
}
