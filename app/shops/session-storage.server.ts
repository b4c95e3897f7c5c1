import { allSessionTokens, replaceTokens, setShopScope } from "../db/repositories/sessions.server";
import { AsyncLocalStorage } from "node:async_hooks";
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

const sessionsUnneeded = new AsyncLocalStorage<true>();

/**
 * Runs `work` (an `authenticate.webhook` call) without reading the shop's session.
 * The library loads the offline session of every webhook's shop to offer an Admin client;
 * the webhook routes never use it (they only store the event; the worker reads the Admin
 * API with its own session lookup), and that read was a large share of a webhook's CPU time
 * (bench/README.md).
 */
export function withoutSessionReads<T>(work: () => Promise<T>): Promise<T> {
  return sessionsUnneeded.run(true, work);
}

/** The app's session store: the given one, whose reads are skipped inside `withoutSessionReads`. */
export class ScopedSessionStorage implements SessionStore {
  constructor(private readonly inner: SessionStore) {}

  loadSession(id: string): Promise<Session | undefined> {
    if (sessionsUnneeded.getStore()) return Promise.resolve(undefined);
    return this.inner.loadSession(id);
  }

  storeSession(session: Session): Promise<boolean> {
    return this.inner.storeSession(session);
  }

  deleteSession(id: string): Promise<boolean> {
    return this.inner.deleteSession(id);
  }

  deleteSessions(ids: string[]): Promise<boolean> {
    return this.inner.deleteSessions(ids);
  }

  findSessionsByShop(shop: string): Promise<Session[]> {
    if (sessionsUnneeded.getStore()) return Promise.resolve([]);
    return this.inner.findSessionsByShop(shop);
  }
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
