import { decryptSecret } from "../app/crypto/secrets.server";
import { MockAgent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlDatabase, type SqlDatabase } from "../app/db/sql.server";
import { startTestApp, type TestApp } from "./helpers/app";
import { embeddedUrl } from "./browser/support/shopify-session";

/**
 * A merchant opens the app with no stored session (a fresh install or a reinstall): the
 * library exchanges the session token for an offline access token with Shopify, then the
 * afterAuth hook marks the shop installed and reads its name. Shopify's servers are the only
 * part replaced, at the HTTP edge (undici's MockAgent behind fetch).
 */
const SHOP = "fresh-install.myshopify.com";
let app: TestApp;
let db: SqlDatabase;
let previous: Dispatcher;
const mock = new MockAgent();
const calls: string[] = [];

beforeAll(async () => {
  previous = getGlobalDispatcher();
  mock.disableNetConnect();
  mock.enableNetConnect(/127\.0\.0\.1/);
  const shopify = mock.get(`https://${SHOP}`);
  shopify
    .intercept({ path: "/admin/oauth/access_token", method: "POST" })
    .reply(() => {
      calls.push("token exchange");
      return { statusCode: 200, data: { access_token: "shpat_exchanged", scope: "read_orders,read_fulfillments" } };
    })
    .persist();
  shopify
    .intercept({ path: /\/admin\/api\/2026-07\/graphql\.json/, method: "POST" })
    .reply(() => {
      calls.push("shop name");
      return {
        statusCode: 200,
        data: { data: { shop: { name: "Fresh Install Goods" } } },
        responseOptions: { headers: { "content-type": "application/json" } },
      };
    })
    .persist();
  setGlobalDispatcher(mock);
  app = await startTestApp();
  db = openSqlDatabase(app.database.url);
});

afterAll(async () => {
  await db.close();
  await app.stop();
  setGlobalDispatcher(previous);
  // Not awaited: close waits for the pass-through keep-alive sockets to idle out (seconds).
  void mock.close().catch(() => {});
});

describe("installation", () => {
  it("GIVEN a shop that uninstalled WHEN the merchant opens the app again THEN the token is exchanged, the shop is installed again and named", async () => {
    const now = new Date();
    await db.execute(
      `INSERT INTO "Shop" ("domain", "installed", "pausedReason", "createdAt", "updatedAt") VALUES (?, ?, 'uninstalled', ?, ?)`,
      [SHOP, false, now, now],
    );
    const response = await fetch(embeddedUrl(app.url, "/app", SHOP), {
      headers: { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36" },
      redirect: "manual",
    });
    expect(response.status).toBe(200);
    // The library may exchange more than once while it settles the new session; the shop's
    // name is read once, by the afterAuth hook.
    expect(calls).toContain("token exchange");
    expect(calls.filter((call) => call === "shop name")).toHaveLength(1);
    const [shop] = await db.query<{ installed: unknown; name: string; pausedReason: string | null }>(
      `SELECT "installed", "name", "pausedReason" FROM "Shop" WHERE "domain" = ?`,
      [SHOP],
    );
    expect([Boolean(shop?.installed), shop?.name, shop?.pausedReason]).toEqual([true, "Fresh Install Goods", null]);
    const sessions = await db.query<{ accessToken: string }>(`SELECT "accessToken" FROM "Session" WHERE "shop" = ?`, [SHOP]);
    // Stored encrypted under ENCRYPTION_KEY, like the Kaleyra keys; never in clear.
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.accessToken).not.toContain("shpat_exchanged");
    expect(decryptSecret(sessions[0]?.accessToken ?? "", process.env.ENCRYPTION_KEY ?? "")).toBe("shpat_exchanged");
  });
});
