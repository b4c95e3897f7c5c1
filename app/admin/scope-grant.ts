/**
 * Granting the access the app asks for. Its scopes are all required ones (shopify.app.toml
 * `[access_scopes] scopes`, no `optional_scopes`), so neither App Bridge's
 * `shopify.scopes.request()` nor the library's `scopes.request()` fits: both ask for
 * optional scopes (the library sends them as `optional_scopes`). Under Shopify-managed
 * installation a shop that lacks a required scope approves it on Shopify's install page,
 * which shows the app's required scopes, asks the merchant to approve what is new, and
 * opens the app again; Shopify then sends app/scopes_update with what was granted.
 */

/** Shopify's grant screen for the app's required scopes on `shop`. */
export function scopeGrantUrl(shop: string, apiKey: string, requiredScopes: readonly string[]): string {
  const url = new URL(`https://${shop}/admin/oauth/install`);
  url.searchParams.set("client_id", apiKey);
  url.searchParams.set("scope", requiredScopes.join(","));
  return url.toString();
}
