import { queries } from "../kysely.server";
import type { SqlExecutor } from "../sql.server";

/**
 * shop/redact: every row of the shop, in every table, children first: the tables keyed by
 * `shopDomain`, then the shop's sessions and the shop itself.
 */
export async function deleteAllShopData(tx: SqlExecutor, shop: string): Promise<void> {
  const q = queries(tx);
  for (const table of ["FlowTriggerFiring", "Message", "OrderState", "Template", "DataRequest", "WebhookEvent", "WebhookBody", "RecipientPace", "Shopper", "WhatsAppTemplate", "FlowActionRun", "OrderOptIn"] as const) {
    await q.deleteFrom(table).where("shopDomain", "=", shop).execute();
  }
  await q.deleteFrom("Session").where("shop", "=", shop).execute();
  await q.deleteFrom("Shop").where("domain", "=", shop).execute();
}
