import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { SqlExecutor } from "../db/sql.server";
import type { TopicResult, WebhookDelivery } from "./ingest.server";
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
const SHOP_TABLES = ["Message", "OrderState", "Template", "DataRequest", "WebhookEvent"] as const;

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

  if (topic === "customers/redact") {
    const orders = payload.orders_to_redact ?? [];
    for (const orderId of orders) {
      // The message log keeps that a message was sent, not to whom or what it said.
      await tx.execute(
        `UPDATE "Message" SET "recipient" = NULL, "bodyText" = NULL, "omittedLinks" = NULL, "requestJson" = NULL, "updatedAt" = ?
         WHERE "shopDomain" = ? AND "orderId" = ?`,
        [now, shop, orderId],
      );
      await tx.execute(`DELETE FROM "OrderState" WHERE "shopDomain" = ? AND "orderId" = ?`, [shop, orderId]);
    }
    return { outcome: "processed", reason: `redacted ${orders.length} order(s)`, enqueued: 0 };
  }

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
