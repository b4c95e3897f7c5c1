import { z } from "zod";
import type { SqlExecutor } from "../db/sql.server";
import { pauseShop } from "../outbox/pause.server";
import type { TopicResult, WebhookDelivery } from "./types";
import { deleteShopSessions } from "../db/repositories/sessions.server";
import { ensureShop, updateShop } from "../db/repositories/shops.server";
import { storeGrantedScopes } from "../shops/session-storage.server";

const scopesUpdate = z.object({ current: z.array(z.string()).default([]) });

/**
 * app/uninstalled: the shop's sessions go and its queue pauses; its settings stay until
 * shop/redact (48 h later) so that a quick reinstall keeps them.
 * app/scopes_update: the stored sessions get the scopes the merchant granted.
 */
export async function handleAppTopic(
  tx: SqlExecutor,
  topic: "app/uninstalled" | "app/scopes_update",
  delivery: WebhookDelivery,
  now: Date,
): Promise<TopicResult> {
  if (topic === "app/uninstalled") {
    await ensureShop(tx, delivery.shop, now);
    await deleteShopSessions(tx, delivery.shop);
    await updateShop(tx, delivery.shop, { installed: false, uninstalledAt: now, updatedAt: now });
    await pauseShop(tx, delivery.shop, { reason: "uninstalled", code: null, detail: "The app was uninstalled" }, now);
    return { outcome: "processed", enqueued: 0 };
  }
  const parsed = scopesUpdate.safeParse(JSON.parse(delivery.rawBody));
  if (!parsed.success) return { outcome: "ignored", reason: "scopes_update payload has no current scopes", enqueued: 0 };
  await storeGrantedScopes(tx, delivery.shop, parsed.data.current);
  return { outcome: "processed", enqueued: 0 };
}
