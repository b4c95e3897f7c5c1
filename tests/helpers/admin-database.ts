/**
 * For the admin modules' database tests only: a fresh database of the engine under test
 * (TEST_DB) with its own Prisma client and SQL handle, and builders for the rows the tests
 * start from.
 */
import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "./database";
import { encryptSecret, lastFour } from "../../app/crypto/secrets.server";
import { createPrismaClient } from "../../app/db/client.server";
import { openSqlDatabase } from "../../app/db/sql.server";
import { applyOrder, type OrderKnowledge } from "../../app/orders/knowledge";
import { parseOrderPayload } from "../../app/orders/payloads";
import { orderPayload } from "../../app/orders/__fixtures__/lifecycle";
import { saveOrder } from "../../app/pipeline/order-state.server";
import type { AdminDeps } from "../../app/admin/deps.server";

export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 5).toString("base64");
export const TEST_ACCOUNT = { sid: "HXAP16ADMIN01IN", apiKey: "Aadmin-test-key-4242", number: "+919876500009" };

export interface AdminTestDatabase {
  deps: AdminDeps;
  database: TestDatabase;
  /** The clock the modules see; tests move it. */
  clock: { now: Date };
  close(): Promise<void>;
}

export async function openAdminTestDatabase(): Promise<AdminTestDatabase> {
  const database = await createTestDatabase();
  const prisma = createPrismaClient(database.url, { poolSize: 2 });
  const sql = openSqlDatabase(database.url, { poolSize: 2 });
  const clock = { now: new Date("2026-03-10T12:00:00Z") };
  return {
    deps: { prisma, sql, encryptionKey: TEST_ENCRYPTION_KEY, now: () => clock.now },
    database,
    clock,
    async close() {
      await prisma.$disconnect();
      await sql.close();
      await database.drop();
    },
  };
}

export interface ShopSeed {
  enabled?: boolean;
  apiKey?: string | null;
  encryptionKey?: string;
  pausedReason?: string | null;
  pausedCode?: string | null;
  pausedDetail?: string | null;
  installed?: boolean;
  name?: string | null;
}

/** A configured shop with the test account's credentials (or the overrides). */
export async function seedShop(deps: AdminDeps, domain: string, seed: ShopSeed = {}): Promise<void> {
  const apiKey = seed.apiKey === undefined ? TEST_ACCOUNT.apiKey : seed.apiKey;
  await deps.prisma.shop.create({
    data: {
      domain,
      name: seed.name ?? null,
      enabled: seed.enabled ?? true,
      installed: seed.installed ?? true,
      kaleyraSid: TEST_ACCOUNT.sid,
      apiKeyCipher: apiKey === null ? null : encryptSecret(apiKey, seed.encryptionKey ?? TEST_ENCRYPTION_KEY),
      apiKeyLast4: apiKey === null ? null : lastFour(apiKey),
      pod: "IN",
      businessNumber: TEST_ACCOUNT.number,
      pausedReason: seed.pausedReason ?? null,
      pausedCode: seed.pausedCode ?? null,
      pausedDetail: seed.pausedDetail ?? null,
    },
  });
}

export interface MessageSeed {
  orderId?: string;
  orderName?: string | null;
  status?: string;
  state?: string;
  attempts?: number;
  createdAt?: Date;
  recipient?: string | null;
  referenceId?: string | null;
  bodyText?: string | null;
  lastOutcome?: string | null;
  lastCode?: string | null;
  lastHttpStatus?: number | null;
  lastDetail?: string | null;
  requestJson?: string | null;
  skipReason?: string | null;
  fulfillmentId?: string | null;
}

/** A message row as the outbox writes it; returns its id. */
export async function seedMessage(deps: AdminDeps, shopDomain: string, seed: MessageSeed = {}): Promise<string> {
  const id = randomUUID();
  const orderId = seed.orderId ?? "820982911946154500";
  const status = seed.status ?? "shipped";
  await deps.prisma.message.create({
    data: {
      id,
      shopDomain,
      orderId,
      orderName: seed.orderName === undefined ? "#1001" : seed.orderName,
      status,
      fulfillmentId: seed.fulfillmentId ?? null,
      dedupeKey: `${orderId}:${status}:${id}`,
      state: seed.state ?? "sent",
      rank: 2,
      recipient: seed.recipient === undefined ? "+15025550147" : seed.recipient,
      recipientSource: "shipping_address",
      referenceId: seed.referenceId === undefined ? orderId : seed.referenceId,
      bodyText: seed.bodyText === undefined ? "Your order is on its way." : seed.bodyText,
      attempts: seed.attempts ?? 1,
      lastOutcome: seed.lastOutcome ?? null,
      lastCode: seed.lastCode ?? null,
      lastHttpStatus: seed.lastHttpStatus ?? null,
      lastDetail: seed.lastDetail ?? null,
      requestJson: seed.requestJson ?? null,
      skipReason: seed.skipReason ?? null,
      createdAt: seed.createdAt ?? new Date("2026-03-10T11:00:00Z"),
    },
  });
  return id;
}

/** The lifecycle fixture's order as the pipeline stores it (its shipping phone is valid). */
export async function seedOrder(
  deps: AdminDeps,
  shopDomain: string,
  changes: Record<string, unknown> = {},
): Promise<OrderKnowledge> {
  const parsed = parseOrderPayload(orderPayload(changes));
  if (!parsed.ok) throw new Error(parsed.reason);
  const knowledge = applyOrder(undefined, parsed.value);
  await saveOrder(deps.sql, shopDomain, knowledge, { dueAt: null }, deps.now());
  return knowledge;
}
