/**
 * Requests as a checkout or customer account extension sends them: a session token signed
 * with the app's secret the way Shopify signs it, from a browser's web worker.
 */
import { getJwt } from "@shopify/shopify-api/test-helpers";

// The extension runs in the shopper's browser; Shopify's library answers bots 410.
export const EXTENSION_BROWSER_HEADERS = {
  "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36",
  origin: "https://extensions.shopifycdn.com",
};

/** A session token for `shop` (no customer unless `claims.sub` names one). */
export async function extensionToken(
  shop: string,
  claims: Record<string, unknown> = {},
  secret = process.env.SHOPIFY_API_SECRET ?? "",
  apiKey = process.env.SHOPIFY_API_KEY ?? "",
): Promise<string> {
  // The helper appends .myshopify.com itself; a checkout's token names the shop without a scheme.
  const store = shop.replace(/\.myshopify\.com$/, "");
  const { token } = await getJwt(store, apiKey, secret, { dest: shop, sub: undefined, ...claims });
  return token;
}

/** A customer account extension's token: the signed-in customer in `sub`. */
export function customerAccountToken(shop: string, customerId: string): Promise<string> {
  return extensionToken(shop, { dest: `https://${shop}`, sub: `gid://shopify/Customer/${customerId}` });
}

/** POSTs a choice to an opt-in route. */
export function postOptIn(appUrl: string, path: string, bearer: string | null, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${appUrl}${path}`, {
    method: "POST",
    headers: { ...EXTENSION_BROWSER_HEADERS, ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}
