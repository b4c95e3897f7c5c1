import { describe, expect, it } from "vitest";
import { ShopCache } from "./shop-cache";

describe("the worker's shop cache", () => {
  it("GIVEN a shop read a moment ago THEN it is not read again until the cache time has passed", async () => {
    let clock = 0;
    const reads: string[] = [];
    const cache = new ShopCache(async (domain) => (reads.push(domain), { domain, enabled: reads.length === 1 }), 1000, () => clock);
    expect(await cache.get("a.myshopify.com")).toEqual({ domain: "a.myshopify.com", enabled: true });
    clock = 999;
    expect(await cache.get("a.myshopify.com")).toEqual({ domain: "a.myshopify.com", enabled: true });
    clock = 1000;
    expect(await cache.get("a.myshopify.com")).toEqual({ domain: "a.myshopify.com", enabled: false });
    expect(reads).toEqual(["a.myshopify.com", "a.myshopify.com"]);
  });

  it("GIVEN a shop the worker just changed WHEN forgotten THEN the next message reads it again; a missing shop is cached as missing", async () => {
    const reads: string[] = [];
    const cache = new ShopCache(async (domain) => (reads.push(domain), domain === "gone.myshopify.com" ? undefined : { domain }), 1000, () => 0);
    await cache.get("a.myshopify.com");
    cache.forget("a.myshopify.com");
    await cache.get("a.myshopify.com");
    expect(await cache.get("gone.myshopify.com")).toBeUndefined();
    expect(await cache.get("gone.myshopify.com")).toBeUndefined();
    expect(reads).toEqual(["a.myshopify.com", "a.myshopify.com", "gone.myshopify.com"]);
  });

  it("GIVEN keys from outside (keepMisses false, at most 2) WHEN unknown keys come THEN none is kept, and the oldest known one goes first", async () => {
    const reads: string[] = [];
    const known = new Set(["t1", "t2", "t3"]);
    const cache = new ShopCache(async (token) => (reads.push(token), known.has(token) ? { token } : undefined), 1000, () => 0, {
      keepMisses: false,
      maxEntries: 2,
    });
    expect(await cache.get("random")).toBeUndefined();
    expect(await cache.get("random")).toBeUndefined();
    await cache.get("t1");
    await cache.get("t2");
    await cache.get("t3");
    await cache.get("t3");
    await cache.get("t2");
    await cache.get("t1");
    expect(reads).toEqual(["random", "random", "t1", "t2", "t3", "t1"]);
  });
});
