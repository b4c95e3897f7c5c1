import { PREVIEW_PATHS } from "./paths";

/**
 * A page's headers in the admin preview: it is framed by the preview's own shell (same
 * origin) instead of the Shopify admin, and it preloads the App Bridge stand-in instead of
 * Shopify's CDN script.
 */
export function setAdminPreviewHeaders(headers: Headers): void {
  headers.set("Content-Security-Policy", "frame-ancestors 'self';");
  const link = headers.get("Link");
  if (link) headers.set("Link", link.replace(/<https:\/\/cdn\.shopify\.com\/shopifycloud\/app-bridge\.js>/, `<${PREVIEW_PATHS.appBridge}>`));
}
