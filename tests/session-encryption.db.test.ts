import { Session } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret } from "../app/crypto/secrets.server";
import { createPrismaClient } from "../app/db/client.server";
import { EncryptedSessionStorage, encryptStoredSessions } from "../app/shops/session-storage.server";
import { fileDatabase } from "./helpers/file-database";

const KEY = process.env.ENCRYPTION_KEY ?? "";
const { database, db } = fileDatabase();
let prisma: ReturnType<typeof createPrismaClient>;
let storage: EncryptedSessionStorage;

beforeAll(async () => {
  prisma = createPrismaClient(database.url, { poolSize: 2 });
  storage = new EncryptedSessionStorage(new PrismaSessionStorage(prisma, { connectionRetries: 1 }), KEY);
});

afterAll(async () => {
  await prisma?.$disconnect();
});

async function storedRow(id: string) {
  const rows = await db.query<{ accessToken: string; refreshToken: string | null }>(`SELECT "accessToken", "refreshToken" FROM "Session" WHERE "id" = ?`, [id]);
  return rows[0];
}

describe("Shopify access tokens at rest", () => {
  it("GIVEN an offline session WHEN the app stores it through Prisma's storage THEN the row holds only ciphertext and the library reads the token back", async () => {
    const shop = "sealed.myshopify.com";
    const session = new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, scope: "read_orders", accessToken: "shpat_sealed_01", refreshToken: "shprt_sealed_02" });
    expect(await storage.storeSession(session)).toBe(true);

    const row = await storedRow(session.id);
    expect(row?.accessToken).not.toContain("shpat_sealed_01");
    expect(row?.refreshToken).not.toContain("shprt_sealed_02");
    expect(decryptSecret(row?.accessToken ?? "", KEY)).toBe("shpat_sealed_01");
    expect((await storage.loadSession(session.id))?.accessToken).toBe("shpat_sealed_01");
    expect((await storage.findSessionsByShop(shop)).map((s) => s.refreshToken)).toEqual(["shprt_sealed_02"]);
  });

  it("GIVEN sessions stored in clear by an earlier version WHEN the server starts THEN they are encrypted in place and still load, and a second start changes nothing", async () => {
    const shop = "legacy.myshopify.com";
    await db.execute(`INSERT INTO "Session" ("id", "shop", "state", "isOnline", "scope", "accessToken") VALUES (?, ?, '', ?, 'read_orders', 'shpat_legacy_03')`, [
      `offline_${shop}`,
      shop,
      false,
    ]);
    const already = encryptSecret("shpat_already_04", KEY);
    await db.execute(`INSERT INTO "Session" ("id", "shop", "state", "isOnline", "accessToken") VALUES ('offline_new.myshopify.com', 'new.myshopify.com', '', ?, ?)`, [
      false,
      already,
    ]);

    expect(await encryptStoredSessions(db, KEY)).toBe(1);
    expect((await storedRow(`offline_${shop}`))?.accessToken).not.toContain("shpat_legacy_03");
    expect((await storedRow("offline_new.myshopify.com"))?.accessToken).toBe(already);
    expect((await storage.loadSession(`offline_${shop}`))?.accessToken).toBe("shpat_legacy_03");
    expect(await encryptStoredSessions(db, KEY)).toBe(0);
  });
});
