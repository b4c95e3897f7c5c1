/**
 * The admin preview's stand-in for Shopify's grant screen: the merchant approved the app's
 * scopes, so Shopify tells the app with a signed app/scopes_update webhook, sent here to
 * the app's own webhook route as Shopify would send it.
 */
import { randomUUID } from "node:crypto";
import { ADMIN_API_VERSION } from "../api-version";
import { webhookHmac } from "../webhooks/hmac.server";
import { storedScopes } from "./session.server";

export async function sendScopesUpdate(
  appOrigin: string,
  shop: string,
  app: { apiSecret: string; scopes: string[] },
  now = new Date(),
): Promise<Response> {
  const body = JSON.stringify({
    id: Date.now(),
    previous: await storedScopes(shop),
    current: app.scopes,
    updated_at: now.toISOString(),
  });
  return fetch(new URL("/webhooks/app/scopes_update", appOrigin), {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": "app/scopes_update",
      "x-shopify-shop-domain": shop,
      "x-shopify-api-version": ADMIN_API_VERSION,
      "x-shopify-webhook-id": randomUUID(),
      "x-shopify-event-id": randomUUID(),
      "x-shopify-triggered-at": now.toISOString(),
      "x-shopify-hmac-sha256": webhookHmac(body, app.apiSecret),
    },
    body,
  });
}
