import { allSessionTokens, replaceTokens, setShopScope } from "../db/repositories/sessions.server";
import { Session as SessionClass, type Session } from "@shopify/shopify-app-remix/server";
import { decryptSecret, encryptSecret, isEncryptedSecret } from "../crypto/secrets.server";
import type { SqlExecutor } from "../db/sql.server";

/** What the Shopify library asks of a session store. */
export interface SessionStore {
  storeSession(session: Session): Promise<boolean>;
  loadSession(id: string): Promise<Session | undefined>;
  deleteSession(id: string): Promise<boolean>;
  deleteSessions(ids: string[]): Promise<boolean>;
  findSessionsByShop(shop: string): Promise<Session[]>;
}

/**
 * Shopify's access tokens at rest: the inner store (Prisma's) keeps `accessToken` and
 * `refreshToken` encrypted under ENCRYPTION_KEY like the Kaleyra keys; the library sees them
 * in clear. A token stored before encryption (no `v1.` form) is read as it is until
 * `encryptStoredSessions` rewrites it on start.
 */
export class EncryptedSessionStorage implements SessionStore {
  constructor(
    private readonly inner: SessionStore,
    private readonly ring: string,
  ) {}

  private seal(session: Session): Session {
    const params = session.toObject();
    if (params.accessToken) params.accessToken = encryptSecret(params.accessToken, this.ring);
    if (params.refreshToken) params.refreshToken = encryptSecret(params.refreshToken, this.ring);
    return new SessionClass(params);
  }

  private open(session: Session): Session {
    const params = session.toObject();
    const read = (value: string | undefined) => (value && isEncryptedSecret(value) ? decryptSecret(value, this.ring) : value);
    params.accessToken = read(params.accessToken);
    params.refreshToken = read(params.refreshToken);
    return new SessionClass(params);
  }

  storeSession(session: Session): Promise<boolean> {
    return this.inner.storeSession(this.seal(session));
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const session = await this.inner.loadSession(id);
    return session && this.open(session);
  }

  deleteSession(id: string): Promise<boolean> {
    return this.inner.deleteSession(id);
  }

  deleteSessions(ids: string[]): Promise<boolean> {
    return this.inner.deleteSessions(ids);
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    return (await this.inner.findSessionsByShop(shop)).map((session) => this.open(session));
  }
}

/**
 * The scopes Shopify granted the app on `shop`, onto its stored sessions: from app/scopes_update,
 * and from the admin's own re-check when that webhook is late or lost.
 */
export async function storeGrantedScopes(db: SqlExecutor, shop: string, granted: readonly string[]): Promise<void> {
  await setShopScope(db, shop, granted.join(","));
}

/** On start: encrypts the access and refresh tokens stored in clear before encryption; returns how many rows. */
export async function encryptStoredSessions(db: SqlExecutor, ring: string): Promise<number> {
  const rows = await allSessionTokens(db);
  let changed = 0;
  for (const row of rows) {
    const access = isEncryptedSecret(row.accessToken) ? row.accessToken : encryptSecret(row.accessToken, ring);
    const refresh = row.refreshToken && !isEncryptedSecret(row.refreshToken) ? encryptSecret(row.refreshToken, ring) : row.refreshToken;
    if (access === row.accessToken && refresh === row.refreshToken) continue;
    // Only if the row is as read: a session stored meanwhile is already encrypted.
    if (await replaceTokens(db, row.id, row.accessToken, { accessToken: access, refreshToken: refresh })) changed += 1;
  }
  return changed;
}
