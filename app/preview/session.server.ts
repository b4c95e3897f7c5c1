/**
 * The admin preview's development-only session: an offline session for the shop in the
 * app's own session storage (so `authenticate.admin` never asks Shopify for a token), and
 * session tokens signed with the app's secret the way the Shopify admin signs them (HS256;
 * aud = the app's API key, dest = the shop), valid for a minute.
 */
import { createHmac, randomUUID } from "node:crypto";
import { Session } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { config } from "../config.server";
import { sessionPrisma } from "../db/session-prisma.server";
import { EncryptedSessionStorage } from "../shops/session-storage.server";

export const SESSION_TOKEN_SECONDS = 60;

const base64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

export function mintSessionToken(shop: string, app: { apiKey: string; apiSecret: string }, now = Date.now()): string {
  const seconds = Math.floor(now / 1000);
  const claims = {
    iss: `https://${shop}/admin`,
    dest: `https://${shop}`,
    aud: app.apiKey,
    sub: "1",
    exp: seconds + SESSION_TOKEN_SECONDS,
    nbf: seconds - 5,
    iat: seconds,
    jti: randomUUID(),
    sid: `admin-preview-${shop}`,
  };
  const unsigned = `${base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${base64url(JSON.stringify(claims))}`;
  return `${unsigned}.${base64url(createHmac("sha256", app.apiSecret).update(unsigned).digest())}`;
}

/** The `host` parameter the admin adds: base64 of admin.shopify.com/store/<handle>. */
export function hostParam(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}`).toString("base64");
}

// The same encrypted storage as the app's: the preview's token is fake, but at rest it
// looks like every other.
const previewStorage = () =>
  new EncryptedSessionStorage(new PrismaSessionStorage(sessionPrisma(), { connectionRetries: 1 }), config().ENCRYPTION_KEY);

/** The scopes stored with `offline_<shop>`, none when there is no session. */
export async function storedScopes(shop: string): Promise<string[]> {
  const session = await previewStorage().loadSession(`offline_${shop}`);
  return (session?.scope ?? "").split(",").filter(Boolean);
}

/** Stores `offline_<shop>` with the app's scopes unless one is stored. */
export async function ensureOfflineSession(shop: string, scopes: string[]): Promise<void> {
  const storage = previewStorage();
  if (await storage.loadSession(`offline_${shop}`)) return;
  const stored = await storage.storeSession(
    new Session({
      id: `offline_${shop}`,
      shop,
      state: "admin-preview",
      isOnline: false,
      scope: scopes.join(","),
      // Never valid at Shopify: the preview's Admin API calls fail like any call without a network.
      accessToken: "shpat_admin_preview",
    }),
  );
  if (!stored) throw new Error(`could not store the preview session of ${shop}`);
}
