/**
 * Real embedded-app sessions for tests: an offline session stored through Shopify's own
 * Prisma session storage (so authenticate.admin finds it and never exchanges a token with
 * Shopify), and session tokens signed with the app's secret exactly as the Shopify admin
 * signs them (HS256; aud = the app's API key, dest = the shop).
 */
import { createHmac, randomUUID } from "node:crypto";
import { Session } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { sessionPrisma } from "../../../app/db/session-prisma.server";
import { EncryptedSessionStorage } from "../../../app/shops/session-storage.server";

export function configuredScopes(): string {
  return process.env.SCOPES ?? "read_orders,read_fulfillments";
}

/** Stores `offline_<shop>` with the scopes the app asks for (or the ones given). */
export async function storeOfflineSession(shop: string, scope: string = configuredScopes()): Promise<void> {
  // The app's own wrapping, so the token is stored encrypted as the app stores it.
  const storage = new EncryptedSessionStorage(new PrismaSessionStorage(sessionPrisma(), { connectionRetries: 1 }), process.env.ENCRYPTION_KEY ?? "");
  const stored = await storage.storeSession(
    new Session({
      id: `offline_${shop}`,
      shop,
      state: "installed",
      isOnline: false,
      scope,
      accessToken: `shpat_test_${shop.replace(/\W/g, "_")}`,
    }),
  );
  if (!stored) throw new Error(`could not store the session of ${shop}`);
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

/**
 * A fresh session token for `shop`, as the admin's App Bridge hands one out: HS256 over the
 * claims Shopify documents, signed with SHOPIFY_API_SECRET (or the secret given, to forge
 * one), valid for a minute.
 */
export function sessionToken(shop: string, overrides: Record<string, unknown> = {}, secret = process.env.SHOPIFY_API_SECRET ?? ""): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: `https://${shop}/admin`,
    dest: `https://${shop}`,
    aud: process.env.SHOPIFY_API_KEY ?? "",
    sub: "42",
    exp: now + 60,
    nbf: now - 5,
    iat: now,
    jti: randomUUID(),
    sid: `session-${shop}`,
    ...overrides,
  };
  const unsigned = `${base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${base64url(JSON.stringify(claims))}`;
  const signature = createHmac("sha256", secret).update(unsigned).digest();
  return `${unsigned}.${base64url(signature)}`;
}

/** The `host` parameter the admin adds: base64 of admin.shopify.com/store/<handle>. */
export function hostParam(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}`).toString("base64");
}

/** The URL the Shopify admin opens a page of the embedded app with. */
export function embeddedUrl(appUrl: string, path: string, shop: string): string {
  const url = new URL(path, appUrl);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", shop);
  url.searchParams.set("host", hostParam(shop));
  url.searchParams.set("id_token", sessionToken(shop));
  return url.toString();
}
