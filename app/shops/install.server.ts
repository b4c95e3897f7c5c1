import type { SqlDatabase } from "../db/sql.server";
import { resumeShop } from "../outbox/pause.server";
import { skipPausedBefore } from "../db/repositories/messages.server";
import { ensureShop, markInstalled } from "../db/repositories/shops.server";

/**
 * Messages that waited out an uninstall longer than this are not sent after a reinstall:
 * an order update days late would confuse the shopper, and WhatsApp only delivers
 * interactive messages inside the 24-hour customer-service window anyway.
 */
export const STALE_AFTER_REINSTALL_MS = 24 * 60 * 60_000;

/**
 * After the merchant (re)installs and authenticates: the shop is installed again, its name
 * is kept for `{{shop_name}}`, and a pause caused by the uninstall lifts.
 */
export async function markShopInstalled(
  db: SqlDatabase,
  shop: string,
  name: string | null,
  now: Date,
): Promise<{ resumed: number; expired: number }> {
  return db.transaction(async (tx) => {
    const row = await ensureShop(tx, shop, now);
    await markInstalled(tx, shop, name, now);
    if (row.pausedReason !== "uninstalled") return { resumed: 0, expired: 0 };
    const expired = await skipPausedBefore(
      tx,
      shop,
      new Date(now.getTime() - STALE_AFTER_REINSTALL_MS),
      "not sent: the app was uninstalled for more than a day before this update could go out",
      now,
    );
    return { resumed: await resumeShop(tx, shop, now), expired };
  });
}
