import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grantScopes, type ScopeGrantContext } from "./scope-grant.server";
import { scopeGrantUrl } from "./scope-grant";
import { openAdminTestDatabase, type AdminTestDatabase } from "../../tests/helpers/admin-database";

const APP = { apiKey: "grant-test-key", requiredScopes: ["read_orders", "read_fulfillments"] };
let t: AdminTestDatabase;
let shopCounter = 0;

beforeAll(async () => {
  t = await openAdminTestDatabase();
});

afterAll(async () => {
  await t?.close();
});

async function shopWithSession(scope: string): Promise<string> {
  const shop = `grant-${++shopCounter}.myshopify.com`;
  await t.deps.sql.execute(`INSERT INTO "Session" ("id", "shop", "state", "isOnline", "scope", "accessToken") VALUES (?, ?, ?, ?, ?, ?)`, [
    `offline_${shop}`,
    shop,
    "installed",
    false,
    scope,
    "v1.sealed-token",
  ]);
  return shop;
}

const storedScope = async (shop: string) =>
  (await t.deps.sql.query<{ scope: string }>(`SELECT "scope" FROM "Session" WHERE "shop" = ?`, [shop]))[0]?.scope;

function context(shop: string, granted: string, shopify: () => Promise<{ granted: string[] }>): ScopeGrantContext & { asked: () => number } {
  let asked = 0;
  return {
    shop,
    granted,
    queryScopes: () => {
      asked += 1;
      return shopify();
    },
    asked: () => asked,
  };
}

describe("granting the app's scopes", () => {
  it("GIVEN a session with every required scope WHEN asked THEN it is granted and Shopify is not asked", async () => {
    const shop = await shopWithSession("read_orders,write_fulfillments");
    const ctx = context(shop, "read_orders,write_fulfillments", () => Promise.reject(new Error("not to be asked")));
    expect(await grantScopes(t.deps.sql, APP, ctx)).toEqual({ granted: true, rechecked: false });
    expect(ctx.asked()).toBe(0);
  });

  it("GIVEN a stored session behind Shopify (its scopes_update never came) WHEN asked THEN Shopify's answer is stored and nothing is left to grant", async () => {
    const shop = await shopWithSession("read_orders");
    const ctx = context(shop, "read_orders", async () => ({ granted: ["read_orders", "read_fulfillments"] }));
    expect(await grantScopes(t.deps.sql, APP, ctx)).toEqual({ granted: true, rechecked: true });
    expect(await storedScope(shop)).toBe("read_orders,read_fulfillments");
  });

  it("GIVEN Shopify has not granted a required scope WHEN asked THEN the answer is its grant screen and the session is unchanged", async () => {
    const shop = await shopWithSession("read_orders");
    const ctx = context(shop, "read_orders", async () => ({ granted: ["read_orders"] }));
    expect(await grantScopes(t.deps.sql, APP, ctx)).toEqual({ granted: false, grantUrl: scopeGrantUrl(shop, APP.apiKey, APP.requiredScopes) });
    expect(await storedScope(shop)).toBe("read_orders");
  });

  it("GIVEN Shopify cannot be reached WHEN asked THEN the grant screen is still the way on", async () => {
    const shop = await shopWithSession("read_orders");
    const ctx = context(shop, "read_orders", () => Promise.reject(new TypeError("fetch failed")));
    expect(await grantScopes(t.deps.sql, APP, ctx)).toMatchObject({ granted: false });
  });

  it("GIVEN Shopify refuses the access token WHEN asked THEN the library's own answer (re-authenticate) goes through untouched", async () => {
    const shop = await shopWithSession("read_orders");
    const reauthenticate = new Response(null, { status: 401 });
    const ctx = context(shop, "read_orders", () => Promise.reject(reauthenticate));
    await expect(grantScopes(t.deps.sql, APP, ctx)).rejects.toBe(reauthenticate);
  });
});
