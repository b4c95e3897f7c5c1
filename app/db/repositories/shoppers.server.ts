import type { Selectable } from "kysely";
import type { Shopper } from "../generated/kysely";
import { queries } from "../kysely.server";
import type { SqlExecutor } from "../sql.server";
import type { ConsentSource } from "../../consent/sources";

/** The Shopper table: per shop and shopper number, the 24-hour window's start and the consent. */
export type ShopperRecord = Selectable<Shopper>;

export interface ConsentChange {
  consent: "opted_in" | "opted_out";
  at: Date;
  source: ConsentSource;
  wording: string | null;
}

export async function findShopper(db: SqlExecutor, shop: string, phone: string): Promise<ShopperRecord | undefined> {
  return queries(db).selectFrom("Shopper").selectAll().where("shopDomain", "=", shop).where("phone", "=", phone).executeTakeFirst();
}

/** The shopper wrote to `number` at `at`: the window runs from the latest such time. */
export async function noteInbound(tx: SqlExecutor, shop: string, phone: string, number: string, at: Date, now: Date): Promise<void> {
  await queries(tx)
    .insertInto("Shopper")
    .values({ shopDomain: shop, phone, lastInboundAt: at, inboundNumber: number, updatedAt: now })
    .onConflict((conflict) =>
      conflict
        .columns(["shopDomain", "phone"])
        .doUpdateSet({ lastInboundAt: at, inboundNumber: number, updatedAt: now })
        // Inbound messages may come out of order: only a later one moves the window.
        .where((eb) => eb.or([eb("Shopper.lastInboundAt", "is", null), eb("Shopper.lastInboundAt", "<", at)])),
    )
    .execute();
}

/** Records a consent (the latest word counts; an older one arriving late changes nothing). */
export async function saveConsent(tx: SqlExecutor, shop: string, phone: string, change: ConsentChange, now: Date): Promise<void> {
  const values = { consent: change.consent, consentAt: change.at, consentSource: change.source, consentWording: change.wording, updatedAt: now };
  await queries(tx)
    .insertInto("Shopper")
    .values({ shopDomain: shop, phone, ...values })
    .onConflict((conflict) =>
      conflict
        .columns(["shopDomain", "phone"])
        .doUpdateSet(values)
        .where((eb) => eb.or([eb("Shopper.consentAt", "is", null), eb("Shopper.consentAt", "<=", change.at)])),
    )
    .execute();
}

/** Records an opt-in only where the shopper never said anything (the order's implied consent). */
export async function saveConsentIfNone(tx: SqlExecutor, shop: string, phone: string, change: ConsentChange, now: Date): Promise<void> {
  const values = { consent: change.consent, consentAt: change.at, consentSource: change.source, consentWording: change.wording, updatedAt: now };
  await queries(tx)
    .insertInto("Shopper")
    .values({ shopDomain: shop, phone, ...values })
    .onConflict((conflict) => conflict.columns(["shopDomain", "phone"]).doUpdateSet(values).where("Shopper.consent", "is", null))
    .execute();
}

/** customers/redact: the shoppers' numbers are forgotten. */
export async function deleteShoppers(tx: SqlExecutor, shop: string, phones: readonly string[]): Promise<number> {
  if (phones.length === 0) return 0;
  const result = await queries(tx).deleteFrom("Shopper").where("shopDomain", "=", shop).where("phone", "in", [...phones]).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** shop/redact and uninstall cleanup. */
export async function deleteShopShoppers(tx: SqlExecutor, shop: string): Promise<void> {
  await queries(tx).deleteFrom("Shopper").where("shopDomain", "=", shop).execute();
}
