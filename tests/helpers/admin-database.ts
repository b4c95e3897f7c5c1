/**
 * For the admin modules' database tests only: a fresh database of the engine under test
 * (TEST_DB) with the SQL handle the modules use, a Prisma client of its own that the tests read
 * rows back through, and the shop they start from (rows are made with tests/factories.ts).
 */
import { createKaleyraClient, type KaleyraClient } from "../../app/kaleyra/client.server";
import { startKaleyraSandbox, type KaleyraSandbox } from "../../sandbox/kaleyra-sandbox";
import type { AdminDeps } from "../../app/admin/deps.server";
import { createPrismaClient, type PrismaClient } from "../../app/db/client.server";
import { openSqlDatabase } from "../../app/db/sql.server";
import { makeShop, type ShopOverrides } from "../factories";
import { createTestDatabase, type TestDatabase } from "./database";

export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 5).toString("base64");
export const TEST_ACCOUNT = { sid: "HXAP16ADMIN01IN", apiKey: "Aadmin-test-key-4242", number: "+919876500009" };

export interface AdminTestDatabase {
  deps: AdminDeps;
  /** For the tests' own reads, apart from the handle the modules write through. */
  prisma: PrismaClient;
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
    deps: { sql, encryptionKey: TEST_ENCRYPTION_KEY, now: () => clock.now, appUrl: "https://order-status.example" },
    prisma,
    database,
    clock,
    async close() {
      await prisma.$disconnect();
      await sql.close();
      await database.drop();
    },
  };
}

/** The admin tests' shop: TEST_ACCOUNT's credentials under TEST_ENCRYPTION_KEY, and no name yet. */
export function makeAdminShop(deps: AdminDeps, domain: string, overrides: ShopOverrides = {}): Promise<void> {
  return makeShop(deps.sql, domain, {
    name: null,
    kaleyraSid: TEST_ACCOUNT.sid,
    businessNumber: TEST_ACCOUNT.number,
    apiKey: TEST_ACCOUNT.apiKey,
    encryptionKey: TEST_ENCRYPTION_KEY,
    ...overrides,
  });
}

/** An admin test database, the Kaleyra sandbox knowing TEST_ACCOUNT, and a client pointed at it. */
export interface AdminSandbox {
  t: AdminTestDatabase;
  sandbox: KaleyraSandbox;
  kaleyra: KaleyraClient;
  close(): Promise<void>;
}

export async function openAdminSandbox(): Promise<AdminSandbox> {
  const t = await openAdminTestDatabase();
  const sandbox = await startKaleyraSandbox({
    accounts: [{ sid: TEST_ACCOUNT.sid, apiKey: TEST_ACCOUNT.apiKey, numbers: [TEST_ACCOUNT.number] }],
  });
  const kaleyra = createKaleyraClient({ baseUrlOverride: sandbox.url });
  return {
    t,
    sandbox,
    kaleyra,
    async close() {
      await kaleyra.close();
      await sandbox.close();
      await t.close();
    },
  };
}
