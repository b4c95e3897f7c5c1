/**
 * Pure checks made on a request before the Shopify library or Remix sees it, where either
 * would answer a client's mistake with a 500 or follow it somewhere it must not go.
 */

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/**
 * The library's `/auth/exit-iframe?exitIframe=...` page opens any https URL at the top of
 * the admin window (shopify-app-js issue 2180): an open redirect under the app's name. Only
 * the app itself (a relative path or its own origin), Shopify's admin and a shop's own
 * `*.myshopify.com` admin are destinations the app ever sends there.
 */
export function isAllowedExitIframeTarget(target: string | null, appUrl: string): boolean {
  if (target === null || target === "" || /[\s\\]/.test(target)) return false;
  let url: URL;
  try {
    url = new URL(target, appUrl);
  } catch {
    return false;
  }
  if (/\/\//.test(url.pathname)) return false;
  if (url.username !== "" || url.password !== "") return false;
  if (url.origin === new URL(appUrl).origin) return true;
  if (url.protocol !== "https:" || url.port !== "") return false;
  return url.hostname === "admin.shopify.com" || SHOP_DOMAIN.test(url.hostname);
}

export type OriginCheck = "ok" | "malformed" | "cross-origin";

/**
 * Remix 2 refuses a mutating document request whose Origin is not its Host (or
 * X-Forwarded-Host) by throwing, which answers 500 and logs a server error. The same rule,
 * answered as the client's mistake it is: 400 for an Origin that is no URL, 403 otherwise.
 */
export function originCheck(method: string, headers: { origin?: string; host?: string; forwardedHost?: string }): OriginCheck {
  if (!["POST", "PUT", "PATCH", "DELETE"].includes(method.toUpperCase())) return "ok";
  const origin = headers.origin;
  if (origin === undefined) return "ok";
  const host = headers.forwardedHost?.split(",")[0]?.trim() || headers.host;
  if (origin === "null") return "cross-origin";
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return "malformed";
  }
  return host && originHost === host ? "ok" : "cross-origin";
}

/**
 * The routes the admin's UI extensions call (app/routes/api.*): from Shopify's origin, so never
 * the app's host, with a session token in `Authorization`, which no cross-site form can send.
 * They are resource routes, on which Remix makes no origin check either, so the origin rule
 * above does not apply to them. Only a path one of them answers is let through: any other
 * POST from another origin would reach Remix's own check on a page and its 500.
 *
 * `routePaths` are the routes' Remix paths (`api/orders/:orderId/whatsapp`); a request's URL
 * (path and query, as received) is matched after dot segments are resolved, as Remix resolves
 * them, and case-insensitively, as Remix matches.
 */
export function extensionApiMatcher(routePaths: readonly string[]): (url: string) => boolean {
  const patterns = routePaths.map((routePath) => {
    const segments = routePath.split("/").map((segment) => (segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    return new RegExp(`^/${segments.join("/")}/?$`, "i");
  });
  return (url) => {
    let pathname: string;
    try {
      // Appended, not resolved, as the request handed to Remix is built (http.server.ts).
      pathname = new URL(`http://localhost${url}`).pathname;
    } catch {
      return false;
    }
    return patterns.some((pattern) => pattern.test(pathname));
  };
}
