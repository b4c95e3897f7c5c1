import type { Insertable, Selectable, Updateable } from "kysely";
import type { Shop } from "../generated/kysely";
import { lockedOnPostgres, queries } from "../kysely.server";
import type { SqlExecutor } from "../sql.server";

/** The Shop table: one row per installed shop, its Kaleyra settings and its sending state. */
export type ShopRecord = Selectable<Shop>;

const STATE_COLUMNS = [
  "domain",
  "name",
  "installed",
  "enabled",
  "kaleyraSid",
  "apiKeyCipher",
  "pod",
  "businessNumber",
  "referenceIdSource",
  "referenceIdAttribute",
  "sendProcessingOnCreate",
  "inPersonSales",
  "giftRecipients",
  "pausedReason",
  "resumeAt",
  "messageForm",
  "consentPolicy",
  "checkoutConsent",
  "templateLanguage",
] as const;

/** The columns of a shop that the pipeline and the worker read. */
export type ShopRow = Pick<ShopRecord, (typeof STATE_COLUMNS)[number]>;

export async function findShop(db: SqlExecutor, domain: string): Promise<ShopRow | undefined> {
  return queries(db).selectFrom("Shop").select(STATE_COLUMNS).where("domain", "=", domain).executeTakeFirst();
}

/** A shop's row, created with the defaults when a webhook arrives before anyone opened the app. */
export async function ensureShop(tx: SqlExecutor, domain: string, now: Date): Promise<ShopRow> {
  // Nearly every call finds the shop: read first, insert only when it is missing.
  const existing = await findShop(tx, domain);
  if (existing) return existing;
  await queries(tx)
    .insertInto("Shop")
    .values({ domain, createdAt: now, updatedAt: now })
    .onConflict((conflict) => conflict.column("domain").doNothing())
    .execute();
  return (await findShop(tx, domain)) as ShopRow;
}

/** The whole row (the admin's pages), or undefined before anyone opened the app. */
export async function readShop(db: SqlExecutor, domain: string): Promise<ShopRecord | undefined> {
  return queries(db).selectFrom("Shop").selectAll().where("domain", "=", domain).executeTakeFirst();
}

/**
 * The whole row, locked until the transaction ends on PostgreSQL (SQLite's transaction
 * already holds the database's only write lock), so a decision read from it still holds
 * when the transaction writes.
 */
export async function lockShop(tx: SqlExecutor, domain: string): Promise<ShopRecord | undefined> {
  return queries(tx)
    .selectFrom("Shop")
    .selectAll()
    .where("domain", "=", domain)
    .$call(lockedOnPostgres(tx))
    .executeTakeFirst();
}

/** Writes the given settings, creating the row if need be. */
export async function saveShop(
  tx: SqlExecutor,
  domain: string,
  values: Omit<Updateable<Shop>, "domain" | "createdAt"> & { updatedAt: Date },
  now: Date,
): Promise<void> {
  await queries(tx)
    .insertInto("Shop")
    .values({ ...values, domain, createdAt: now } as Insertable<Shop>)
    .onConflict((conflict) => conflict.column("domain").doUpdateSet(values))
    .execute();
}

/** Changes columns of an existing shop; returns whether the shop exists. */
export async function updateShop(
  tx: SqlExecutor,
  domain: string,
  values: Omit<Updateable<Shop>, "domain"> & { updatedAt: Date },
): Promise<boolean> {
  const result = await queries(tx).updateTable("Shop").set(values).where("domain", "=", domain).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Installed again: the uninstall mark goes; a known name is kept for `{{shop_name}}`. */
export async function markInstalled(tx: SqlExecutor, domain: string, name: string | null, now: Date): Promise<void> {
  await queries(tx)
    .updateTable("Shop")
    .set((eb) => ({
      installed: true,
      uninstalledAt: null,
      name: name === null ? eb.ref("name") : name,
      updatedAt: now,
    }))
    .where("domain", "=", domain)
    .execute();
}

/** The credentials a test message was sent with. */
export interface ShopCredentials {
  domain: string;
  kaleyraSid: string;
  apiKeyCipher: string;
  pod: string;
  businessNumber: string;
}

/**
 * Records a test send's outcome on the shop, only if its credentials are still `used` (a
 * save may have replaced them while the message was on its way). Returns whether it did.
 */
export async function recordTestSend(
  tx: SqlExecutor,
  used: ShopCredentials,
  values: Pick<Updateable<Shop>, "credentialsVerifiedAt" | "testMessageSentAt" | "testMessageId" | "testDelivery">,
  now: Date,
): Promise<boolean> {
  const result = await queries(tx)
    .updateTable("Shop")
    .set({ ...values, updatedAt: now })
    .where("domain", "=", used.domain)
    .where("kaleyraSid", "=", used.kaleyraSid)
    .where("apiKeyCipher", "=", used.apiKeyCipher)
    .where("pod", "=", used.pod)
    .where("businessNumber", "=", used.businessNumber)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The shop's latest accepted test message: Kaleyra's id and what its callbacks said (JSON). */
export async function readTestDelivery(db: SqlExecutor, domain: string): Promise<{ testMessageId: string; testDelivery: string | null } | undefined> {
  const row = await queries(db).selectFrom("Shop").select(["testMessageId", "testDelivery"]).where("domain", "=", domain).executeTakeFirst();
  return row?.testMessageId ? { testMessageId: row.testMessageId, testDelivery: row.testDelivery } : undefined;
}

/** Records what the test message's callbacks said, unless a newer test replaced it meanwhile. */
export async function saveTestDelivery(db: SqlExecutor, domain: string, testMessageId: string, testDelivery: string, now: Date): Promise<void> {
  await queries(db)
    .updateTable("Shop")
    .set({ testDelivery, updatedAt: now })
    .where("domain", "=", domain)
    .where("testMessageId", "=", testMessageId)
    .execute();
}

/** Why sending stops: every pause column at once, or all of them cleared (`null`). */
export interface ShopPause {
  reason: string;
  code: string | null;
  detail: string | null;
  resumeAt?: Date | null;
}

export async function setPause(tx: SqlExecutor, domain: string, pause: ShopPause | null, now: Date): Promise<void> {
  await queries(tx)
    .updateTable("Shop")
    .set({
      pausedReason: pause?.reason ?? null,
      pausedCode: pause?.code ?? null,
      pausedDetail: pause?.detail ?? null,
      pausedAt: pause ? now : null,
      resumeAt: pause?.resumeAt ?? null,
      updatedAt: now,
    })
    .where("domain", "=", domain)
    .execute();
}

/** Installed shops paused for a configuration error with this detail, with their stored key. */
export async function shopsPausedFor(
  db: SqlExecutor,
  detail: string,
): Promise<Array<Pick<ShopRecord, "domain" | "apiKeyCipher">>> {
  return queries(db)
    .selectFrom("Shop")
    .select(["domain", "apiKeyCipher"])
    .where("pausedReason", "=", "config_error")
    .where("pausedDetail", "=", detail)
    .where("installed", "=", true)
    .execute();
}

/** Whether the shop is still paused for that configuration error with that stored key. */
export async function stillPausedFor(tx: SqlExecutor, domain: string, detail: string, apiKeyCipher: string | null): Promise<boolean> {
  if (apiKeyCipher === null) return false;
  const row = await queries(tx)
    .selectFrom("Shop")
    .select("domain")
    .where("domain", "=", domain)
    .where("pausedReason", "=", "config_error")
    .where("pausedDetail", "=", detail)
    .where("apiKeyCipher", "=", apiKeyCipher)
    .executeTakeFirst();
  return row !== undefined;
}

/** Installed shops whose timed pause (low balance, daily limit) is over at `at`. */
export async function shopsDueToResume(db: SqlExecutor, at: Date): Promise<string[]> {
  const rows = await queries(db)
    .selectFrom("Shop")
    .select("domain")
    .where("resumeAt", "is not", null)
    .where("resumeAt", "<=", at)
    .where("installed", "=", true)
    .execute();
  return rows.map((row) => row.domain);
}

/** The shop a callback URL token belongs to, with what authenticates its callbacks. */
export async function findShopByCallbackToken(
  db: SqlExecutor,
  token: string,
): Promise<{ domain: string; callbackToken: string; callbackSecretCipher: string } | undefined> {
  const row = await queries(db)
    .selectFrom("Shop")
    .select(["domain", "callbackToken", "callbackSecretCipher"])
    .where("callbackToken", "=", token)
    .executeTakeFirst();
  if (!row?.callbackToken || !row.callbackSecretCipher) return undefined;
  return { domain: row.domain, callbackToken: row.callbackToken, callbackSecretCipher: row.callbackSecretCipher };
}

/** Sets (or replaces) the shop's callback URL token and secret. */
export async function saveCallbackCredentials(db: SqlExecutor, domain: string, token: string, secretCipher: string, now: Date): Promise<void> {
  await queries(db)
    .updateTable("Shop")
    .set({ callbackToken: token, callbackSecretCipher: secretCipher, updatedAt: now })
    .where("domain", "=", domain)
    .execute();
}

/** Notes the first status callback of a shop (the setup step); later ones change nothing. */
export async function noteFirstCallback(tx: SqlExecutor, domain: string, at: Date): Promise<void> {
  await queries(tx).updateTable("Shop").set({ firstCallbackAt: at }).where("domain", "=", domain).where("firstCallbackAt", "is", null).execute();
}

/** The Shop columns that hold a secret encrypted under ENCRYPTION_KEY. */
export type ShopSecretColumn = "apiKeyCipher" | "callbackSecretCipher";

/** Every stored secret of one column (key rotation). */
export async function storedShopSecrets(db: SqlExecutor, column: ShopSecretColumn): Promise<Array<{ id: string; secret: string }>> {
  const rows = await queries(db).selectFrom("Shop").select(["domain", column]).where(column, "is not", null).execute();
  return rows.flatMap((row) => {
    const secret = row[column];
    return secret ? [{ id: row.domain, secret }] : [];
  });
}

/** Replaces a shop's stored secret only if it still holds `expected`. Returns whether it did. */
export async function replaceShopSecret(db: SqlExecutor, column: ShopSecretColumn, domain: string, expected: string, next: string): Promise<boolean> {
  const result = await queries(db)
    .updateTable("Shop")
    .set({ [column]: next })
    .where("domain", "=", domain)
    .where(column, "=", expected)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** What a shopper's inbound message needs of the shop: its number, name and consent keywords. */
export async function findConsentSettings(db: SqlExecutor, domain: string) {
  return queries(db)
    .selectFrom("Shop")
    .select(["domain", "name", "businessNumber", "installed", "enabled", "pausedReason", "optOutKeywords", "optInKeywords", "optOutConfirmation"])
    .where("domain", "=", domain)
    .executeTakeFirst();
}
