import { describe, expect, it } from "vitest";
import { pauseShop } from "../outbox/pause.server";
import { makeMessage } from "../../tests/factories";
import { fileDatabase } from "../../tests/helpers/file-database";
import { markShopInstalled } from "./install.server";
import { ensureShop } from "../db/repositories/shops.server";

const { db } = fileDatabase();

function message(shop: string, orderId: string, createdAt: Date): Promise<string> {
  return makeMessage(db, shop, { orderId, dedupeKey: `${orderId}:shipped`, state: "queued", attempts: 0, createdAt });
}

describe("reinstall", () => {
  it("GIVEN a shop paused by its uninstall WHEN it authenticates again THEN it is installed, named, and recent messages resume while day-old ones are skipped", async () => {
    const shop = "reinstall.myshopify.com";
    const now = new Date();
    await db.transaction(async (tx) => {
      await ensureShop(tx, shop, now);
    });
    const fresh = await message(shop, "1", new Date(now.getTime() - 60_000));
    const stale = await message(shop, "2", new Date(now.getTime() - 2 * 24 * 3_600_000));
    await db.transaction((tx) => pauseShop(tx, shop, { reason: "uninstalled", code: null, detail: "uninstalled" }, now));
    await db.execute(`UPDATE "Shop" SET "installed" = ? WHERE "domain" = ?`, [false, shop]);

    const result = await markShopInstalled(db, shop, "Sunrise Ceramics", now);

    expect(result).toEqual({ resumed: 1, expired: 1 });
    const [row] = await db.query<{ installed: unknown; name: string; pausedReason: string | null }>(
      `SELECT "installed", "name", "pausedReason" FROM "Shop" WHERE "domain" = ?`,
      [shop],
    );
    expect([Boolean(row?.installed), row?.name, row?.pausedReason]).toEqual([true, "Sunrise Ceramics", null]);
    const states = await db.query<{ id: string; state: string }>(`SELECT "id", "state" FROM "Message" WHERE "shopDomain" = ?`, [shop]);
    expect(Object.fromEntries(states.map((s) => [s.id, s.state]))).toEqual({ [fresh]: "queued", [stale]: "skipped" });
  });

  it("GIVEN a shop paused for wrong credentials WHEN it authenticates again THEN the pause stays (only the merchant's fix lifts it)", async () => {
    const shop = "credentials.myshopify.com";
    const now = new Date();
    await db.transaction(async (tx) => {
      await ensureShop(tx, shop, now);
      await pauseShop(tx, shop, { reason: "config_error", code: "RBC001", detail: "wrong key" }, now);
    });
    expect(await markShopInstalled(db, shop, null, now)).toEqual({ resumed: 0, expired: 0 });
    const [row] = await db.query<{ pausedReason: string }>(`SELECT "pausedReason" FROM "Shop" WHERE "domain" = ?`, [shop]);
    expect(row?.pausedReason).toBe("config_error");
  });
});
