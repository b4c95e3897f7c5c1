import { AsyncLocalStorage } from "node:async_hooks";
import type { Session } from "@shopify/shopify-app-remix/server";

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
 * API with its own session lookup), and that read was a fifth of a webhook's CPU time.
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
