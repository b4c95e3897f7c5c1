/**
 * Test data: the rows a test starts from, each with defaults that make a valid, ordinary row
 * and overrides for what the test is about. The one place in the tests that lists a table's
 * columns, so a new column is added here once. Rows are written through the handle the test
 * passes in, on either engine.
 */
import { randomUUID } from "node:crypto";
import type { Message, Shop, Template, WhatsAppTemplate } from "@prisma/client";
import { encryptSecret, lastFour } from "../app/crypto/secrets.server";
import type { SqlExecutor } from "../app/db/sql.server";
import { applyOrder, type OrderKnowledge } from "../app/orders/knowledge";
import { parseOrderPayload } from "../app/orders/payloads";
import { orderPayload } from "../app/orders/__fixtures__/lifecycle";
import { saveOrder } from "../app/pipeline/order-state.server";

/** The Kaleyra account a made shop uses unless told otherwise (the sandbox knows it). */
export const ACCOUNT = { sid: "HXAP16TEST0097IN", apiKey: "Atest-api-key-0001", number: "+919876500001" };

type Row = Record<string, unknown>;

/** One INSERT of the given columns; on a taken key, the listed columns take the new values. */
async function insertRow(db: SqlExecutor, table: string, row: Row, conflict?: { key: string[]; update: string[] }): Promise<void> {
  const columns = Object.keys(row).filter((name) => row[name] !== undefined);
  const quoted = (names: string[]) => names.map((name) => `"${name}"`).join(", ");
  const upsert = conflict
    ? ` ON CONFLICT (${quoted(conflict.key)}) DO UPDATE SET ${conflict.update.map((name) => `"${name}" = excluded."${name}"`).join(", ")}`
    : "";
  await db.execute(
    `INSERT INTO "${table}" (${quoted(columns)}) VALUES (${columns.map(() => "?").join(", ")})${upsert}`,
    columns.map((name) => row[name]),
  );
}

export type ShopOverrides = Partial<Omit<Shop, "domain" | "apiKeyCipher" | "apiKeyLast4">> & {
  /** The plain API key, stored encrypted (null: none stored). */
  apiKey?: string | null;
  /** The key it is encrypted under (ENCRYPTION_KEY by default). */
  encryptionKey?: string;
};

/**
 * A shop configured to send through ACCOUNT, switched on. A shop that exists already takes
 * every column this call writes (its defaults and overrides), and keeps the rest: saving
 * new settings, say, leaves a pause in place.
 */
export async function makeShop(db: SqlExecutor, domain: string, overrides: ShopOverrides = {}): Promise<void> {
  const { apiKey: given, encryptionKey, ...columns } = overrides;
  const apiKey = given === undefined ? ACCOUNT.apiKey : given;
  const now = new Date();
  const row: Row = {
    domain,
    name: "Test Shop",
    enabled: true,
    kaleyraSid: ACCOUNT.sid,
    apiKeyCipher: apiKey === null ? null : encryptSecret(apiKey, encryptionKey ?? process.env.ENCRYPTION_KEY ?? ""),
    apiKeyLast4: apiKey === null ? null : lastFour(apiKey),
    pod: "IN",
    businessNumber: ACCOUNT.number,
    sendProcessingOnCreate: true,
    referenceIdSource: "order_id",
    // The seed's message always, as before message forms: tests of templates and the window
    // set "auto" (the column's default for real shops).
    messageForm: "interactive",
    createdAt: now,
    updatedAt: now,
    ...columns,
  };
  const update = Object.keys(row).filter((name) => name !== "domain" && name !== "createdAt");
  await insertRow(db, "Shop", row, { key: ["domain"], update });
}

export type MessageOverrides = Partial<Omit<Message, "shopDomain">>;

/**
 * A message of an order as the outbox holds it: by default `shipped`, already sent, to a
 * valid shopper number, created 2026-03-10 11:00 UTC and due then. Returns its id.
 */
export async function makeMessage(db: SqlExecutor, shopDomain: string, overrides: MessageOverrides = {}): Promise<string> {
  const id = overrides.id ?? randomUUID();
  const orderId = overrides.orderId ?? "820982911946154500";
  const orderStatus = overrides.orderStatus ?? "shipped";
  const createdAt = overrides.createdAt ?? new Date("2026-03-10T11:00:00Z");
  const row: Row = {
    id,
    shopDomain,
    orderId,
    orderName: "#1001",
    orderStatus,
    dedupeKey: `${orderId}:${orderStatus}:${id}`,
    state: "sent",
    rank: 2,
    recipient: "+15025550147",
    recipientSource: "shipping_address",
    referenceId: orderId,
    bodyText: "Your order is on its way.",
    attempts: 1,
    nextAttemptAt: createdAt,
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
  await insertRow(db, "Message", row);
  return id;
}

export type TemplateOverrides = Partial<Omit<Template, "shopDomain" | "status">>;

/** A shop's own template for one status, switched on. */
export async function makeTemplate(db: SqlExecutor, shopDomain: string, status: string, overrides: TemplateOverrides = {}): Promise<void> {
  await insertRow(db, "Template", {
    id: randomUUID(),
    shopDomain,
    status,
    enabled: true,
    body: "Your order {{order_name}} from {{shop_name}} has an update.",
    description: null,
    updatedAt: new Date(),
    ...overrides,
  });
}

export type WhatsAppTemplateOverrides = Partial<Omit<WhatsAppTemplate, "shopDomain">>;

/**
 * An approved utility template for `shipped` in English, as a merchant maps it: the
 * shopper's first name, the order name and the tracking link's number on the button.
 * Returns its id.
 */
export async function makeWhatsAppTemplate(db: SqlExecutor, shopDomain: string, overrides: WhatsAppTemplateOverrides = {}): Promise<string> {
  const id = overrides.id ?? randomUUID();
  await insertRow(db, "WhatsAppTemplate", {
    id,
    shopDomain,
    kind: "utility",
    status: "shipped",
    language: "en",
    name: "order_shipped",
    body: "Hi {{1}}, your order {{2}} has shipped.",
    bodyParams: JSON.stringify(["customer_first_name", "order_name"]),
    headerParam: null,
    buttonParam: null,
    updatedAt: new Date(),
    ...overrides,
  });
  return id;
}

/**
 * The shop's offline session as Shopify's library keeps it after an install: what the worker's
 * Admin API calls (order lookups, Flow triggers) and `authenticate.flow` find. The token is
 * stored as written; the app's session storage reads such a row as it reads a legacy one.
 */
export async function makeOfflineSession(db: SqlExecutor, shop: string, accessToken: string, scope = "read_orders,read_fulfillments"): Promise<void> {
  await db.execute(`INSERT INTO "Session" ("id", "shop", "state", "isOnline", "scope", "accessToken") VALUES (?, ?, 'state', ?, ?, ?)`, [
    `offline_${shop}`,
    shop,
    false,
    scope,
    accessToken,
  ]);
}

/**
 * What the app knows of an order, stored as the pipeline stores it: the lifecycle fixture's
 * order (its shipping phone is valid) with the given payload changes. Returns the knowledge.
 */
export async function makeOrderState(
  db: SqlExecutor,
  shopDomain: string,
  changes: Record<string, unknown> = {},
  now = new Date(),
): Promise<OrderKnowledge> {
  const parsed = parseOrderPayload(orderPayload(changes));
  if (!parsed.ok) throw new Error(parsed.reason);
  const knowledge = applyOrder(undefined, parsed.value);
  await saveOrder(db, shopDomain, knowledge, { dueAt: null }, now);
  return knowledge;
}
