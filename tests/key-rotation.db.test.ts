import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rotateStoredSecrets } from "../app/crypto/rotate.server";
import { decryptSecret, encryptSecret } from "../app/crypto/secrets.server";
import { createKaleyraClient } from "../app/kaleyra/client.server";
import { KEY_UNREADABLE_DETAIL } from "../app/outbox/pause.server";
import { startDeliveryWorker } from "../app/outbox/worker.server";
import { startKaleyraSandbox, type KaleyraSandbox } from "../sandbox/kaleyra-sandbox";
import { fileDatabase } from "./helpers/file-database";
import { ACCOUNT, makeMessage, makeShop } from "./factories";
import { waitFor } from "./helpers/process";

/** The key every shop was saved under (tests/setup.ts), and the one that replaces it. */
const OLD_KEY = process.env.ENCRYPTION_KEY ?? "";
const NEW_KEY = Buffer.alloc(32, 11).toString("base64");
const RING = `${NEW_KEY},${OLD_KEY}`;

const { db } = fileDatabase();
let sandbox: KaleyraSandbox;

beforeAll(async () => {
  sandbox = await startKaleyraSandbox({ accounts: [{ sid: ACCOUNT.sid, apiKey: ACCOUNT.apiKey, numbers: [ACCOUNT.number] }] });
});

afterAll(async () => {
  await sandbox?.close();
});

async function storedCipher(shop: string): Promise<string> {
  const rows = await db.query<{ apiKeyCipher: string }>(`SELECT "apiKeyCipher" FROM "Shop" WHERE "domain" = ?`, [shop]);
  return rows[0]?.apiKeyCipher ?? "";
}

describe("ENCRYPTION_KEY rotation", () => {
  it("GIVEN shops and a session saved under the old key WHEN keys:rotate runs with the new key first THEN every secret reads under the new key alone, and a second run has nothing to do", async () => {
    await makeShop(db, "rotate-a.myshopify.com");
    await makeShop(db, "rotate-b.myshopify.com");
    await db.execute(`INSERT INTO "Shop" ("domain", "apiKeyCipher", "createdAt", "updatedAt") VALUES (?, ?, ?, ?)`, [
      "rotate-lost.myshopify.com",
      encryptSecret("Alost-key", Buffer.alloc(32, 12).toString("base64")),
      new Date(),
      new Date(),
    ]);
    await db.execute(`INSERT INTO "Session" ("id", "shop", "state", "accessToken") VALUES (?, ?, '', ?)`, [
      "offline_rotate-a.myshopify.com",
      "rotate-a.myshopify.com",
      encryptSecret("shpat_rotate_token", OLD_KEY),
    ]);

    const first = await rotateStoredSecrets(db, RING);
    expect(first).toEqual({ rotated: 3, current: 0, unreadable: ["Shop.rotate-lost.myshopify.com"] });
    expect(decryptSecret(await storedCipher("rotate-a.myshopify.com"), NEW_KEY)).toBe(ACCOUNT.apiKey);
    const session = await db.query<{ accessToken: string }>(`SELECT "accessToken" FROM "Session"`);
    expect(decryptSecret(session[0]?.accessToken ?? "", NEW_KEY)).toBe("shpat_rotate_token");
    expect(await rotateStoredSecrets(db, RING)).toEqual({ rotated: 0, current: 3, unreadable: ["Shop.rotate-lost.myshopify.com"] });
  });

  it("GIVEN a shop paused because no configured key read its API key WHEN a worker runs with that key back in the ring THEN the shop resumes by itself and its message is sent", async () => {
    const shop = "rotate-paused.myshopify.com";
    await makeShop(db, shop);
    await db.execute(
      `UPDATE "Shop" SET "pausedReason" = 'config_error', "pausedDetail" = ?, "pausedAt" = ? WHERE "domain" = ?`,
      [KEY_UNREADABLE_DETAIL, new Date(), shop],
    );
    const id = await makeMessage(db, shop, {
      orderId: "8801",
      orderName: null,
      orderStatus: "processing",
      state: "paused",
      rank: 0,
      recipient: "+15025550199",
      recipientSource: null,
      referenceId: "rotate-8801",
      bodyText: "Your order is being prepared",
      attempts: 0,
      createdAt: new Date(),
    });
    const worker = startDeliveryWorker({
      db,
      encryptionKey: RING,
      kaleyra: createKaleyraClient({ baseUrlOverride: sandbox.url }),
      idlePollMs: 100,
      fetchOrder: async () => Promise.reject(new Error("no Admin API in this test")),
    });
    try {
      await waitFor(
        async () => {
          const rows = await db.query<{ state: string }>(`SELECT "state" FROM "Message" WHERE "id" = ?`, [id]);
          return rows[0]?.state === "sent" ? true : undefined;
        },
        60_000,
        "the paused message to be sent",
      );
    } finally {
      await worker.stop();
    }
    const rows = await db.query<{ pausedReason: string | null }>(`SELECT "pausedReason" FROM "Shop" WHERE "domain" = ?`, [shop]);
    expect(rows[0]?.pausedReason).toBeNull();
    expect(sandbox.received.map((m) => m.sid)).toEqual([ACCOUNT.sid]);
  });
});
