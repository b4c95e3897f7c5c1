import type { Selectable } from "kysely";
import type { Session } from "../generated/kysely";
import { queries } from "../kysely.server";
import type { SqlExecutor } from "../sql.server";

/**
 * The Session table. Shopify's session storage (Prisma, @shopify/shopify-app-session-storage-prisma)
 * reads and writes sessions; the app itself only drops a shop's sessions, records granted
 * scopes and seals tokens stored in clear by earlier versions.
 */
export type SessionTokens = Pick<Selectable<Session>, "id" | "accessToken" | "refreshToken">;

export async function deleteShopSessions(tx: SqlExecutor, shop: string): Promise<void> {
  await queries(tx).deleteFrom("Session").where("shop", "=", shop).execute();
}

export async function setShopScope(tx: SqlExecutor, shop: string, scope: string): Promise<void> {
  await queries(tx).updateTable("Session").set({ scope }).where("shop", "=", shop).execute();
}

export async function allSessionTokens(db: SqlExecutor): Promise<SessionTokens[]> {
  return queries(db).selectFrom("Session").select(["id", "accessToken", "refreshToken"]).execute();
}

/** Replaces a session's tokens only if its access token is still `expected`. Returns whether it did. */
export async function replaceTokens(
  db: SqlExecutor,
  id: string,
  expected: string,
  tokens: Pick<SessionTokens, "accessToken" | "refreshToken">,
): Promise<boolean> {
  const result = await queries(db).updateTable("Session").set(tokens).where("id", "=", id).where("accessToken", "=", expected).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Every stored access token, by session. */
export async function storedAccessTokens(db: SqlExecutor): Promise<Array<{ id: string; secret: string }>> {
  const rows = await queries(db).selectFrom("Session").select(["id", "accessToken"]).execute();
  return rows.map((row) => ({ id: row.id, secret: row.accessToken }));
}

/** Replaces a session's access token only if it still holds `expected`. Returns whether it did. */
export async function replaceAccessToken(db: SqlExecutor, id: string, expected: string, next: string): Promise<boolean> {
  const result = await queries(db).updateTable("Session").set({ accessToken: next }).where("id", "=", id).where("accessToken", "=", expected).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
