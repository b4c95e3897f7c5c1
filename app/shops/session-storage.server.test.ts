import { Session } from "@shopify/shopify-app-remix/server";
import { describe, expect, it } from "vitest";
import { ScopedSessionStorage, withoutSessionReads, type SessionStore } from "./session-storage.server";

class MemoryStore implements SessionStore {
  readonly sessions = new Map<string, Session>();
  reads = 0;
  async storeSession(session: Session) {
    this.sessions.set(session.id, session);
    return true;
  }
  async loadSession(id: string) {
    this.reads += 1;
    return this.sessions.get(id);
  }
  async deleteSession(id: string) {
    return this.sessions.delete(id);
  }
  async deleteSessions(ids: string[]) {
    for (const id of ids) this.sessions.delete(id);
    return true;
  }
  async findSessionsByShop(shop: string) {
    this.reads += 1;
    return [...this.sessions.values()].filter((session) => session.shop === shop);
  }
}

const shop = "sunrise.myshopify.com";
const offline = new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken: "shpat_x" });

describe("ScopedSessionStorage", () => {
  it("GIVEN a stored session WHEN read outside a webhook THEN the store answers", async () => {
    const inner = new MemoryStore();
    const storage = new ScopedSessionStorage(inner);
    await storage.storeSession(offline);
    expect(await storage.loadSession(offline.id)).toBe(offline);
    expect(await storage.findSessionsByShop(shop)).toEqual([offline]);
    expect(inner.reads).toBe(2);
  });

  it("GIVEN a stored session WHEN read inside withoutSessionReads THEN nothing is read and none is offered", async () => {
    const inner = new MemoryStore();
    const storage = new ScopedSessionStorage(inner);
    await storage.storeSession(offline);
    const seen = await withoutSessionReads(async () => {
      await Promise.resolve();
      return [await storage.loadSession(offline.id), await storage.findSessionsByShop(shop)];
    });
    expect(seen).toEqual([undefined, []]);
    expect(inner.reads).toBe(0);
    // The scope ends with the work: reads afterwards reach the store again.
    expect(await storage.loadSession(offline.id)).toBe(offline);
  });

  it("GIVEN writes inside withoutSessionReads WHEN made THEN they still reach the store", async () => {
    const inner = new MemoryStore();
    const storage = new ScopedSessionStorage(inner);
    await withoutSessionReads(async () => {
      await storage.storeSession(offline);
      await storage.deleteSessions(["other"]);
    });
    expect(inner.sessions.get(offline.id)).toBe(offline);
    expect(await storage.deleteSession(offline.id)).toBe(true);
    expect(inner.sessions.size).toBe(0);
  });
});
