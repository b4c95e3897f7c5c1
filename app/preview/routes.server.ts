/**
 * The admin preview's HTTP side, mounted only when ADMIN_PREVIEW_SHOP is set (and the
 * configuration guard let it through: development, loopback app URL):
 * - GET  /__preview               the admin shell around the app (shell.ts), for ?shop= or the preview shop
 * - GET  /__preview/open          a fresh session token, then the app page as the admin opens it
 * - GET  /__preview/app-bridge.js the App Bridge stand-in
 * - POST /__preview/session-token a session token for App Bridge's idToken()
 * - POST /__preview/grant-scopes  the merchant approved on Shopify's grant screen (grant.server.ts)
 * - GET  /auth/session-token      Shopify's token bounce page, answered through /__preview/open
 */
import type { Express, Request, Response } from "express";
import type { Logger } from "../logger.server";
import { SHOP_DOMAIN } from "../shops/domain";
import { appBridgeStandInScript } from "./app-bridge-stand-in";
import { sendScopesUpdate } from "./grant.server";
import { PREVIEW_PATHS } from "./paths";
import { ensureOfflineSession, hostParam, mintSessionToken, SESSION_TOKEN_SECONDS } from "./session.server";
import { previewShellHtml } from "./shell";

export interface AdminPreviewOptions {
  shop: string;
  apiKey: string;
  apiSecret: string;
  scopes: string[];
  logger: Logger;
}

/** The app page to open: a path under /app on this origin, without the admin's session parameters. */
export function appPagePath(requested: unknown): string {
  const fallback = "/app";
  if (typeof requested !== "string" || !requested.startsWith("/") || requested.startsWith("//")) return fallback;
  const url = new URL(requested, "http://preview.invalid");
  if (url.origin !== "http://preview.invalid" || !/^\/app(\/|$)/.test(url.pathname)) return fallback;
  for (const name of ["embedded", "shop", "host", "id_token", "session", "hmac", "timestamp", "locale"]) url.searchParams.delete(name);
  return `${url.pathname}${url.search}`;
}

export function mountAdminPreview(app: Express, options: AdminPreviewOptions): void {
  const shopOf = (req: Request): string | undefined => {
    const shop = typeof req.query.shop === "string" ? req.query.shop : options.shop;
    return SHOP_DOMAIN.test(shop) ? shop : undefined;
  };
  const noStore = (res: Response) => res.set("cache-control", "no-store");
  const badShop = (res: Response) => noStore(res).status(400).type("text/plain").send("shop must be <handle>.myshopify.com");

  app.get(PREVIEW_PATHS.shell, (req, res) => {
    const shop = shopOf(req);
    if (!shop) return badShop(res);
    noStore(res).type("html").send(previewShellHtml(shop));
  });

  app.get(PREVIEW_PATHS.open, async (req, res, next) => {
    const shop = shopOf(req);
    if (!shop) return badShop(res);
    try {
      await ensureOfflineSession(shop, options.scopes);
    } catch (error) {
      next(error);
      return;
    }
    const target = new URL(appPagePath(req.query.path), "http://preview.invalid");
    target.searchParams.set("embedded", "1");
    target.searchParams.set("shop", shop);
    target.searchParams.set("host", hostParam(shop));
    target.searchParams.set("id_token", mintSessionToken(shop, options));
    noStore(res).redirect(302, `${target.pathname}${target.search}`);
  });

  app.get(PREVIEW_PATHS.appBridge, (_req, res) => {
    noStore(res).type("text/javascript").send(appBridgeStandInScript(options.shop));
  });

  // Only the app's own pages may ask: another site open in the developer's browser may not.
  const sameOrigin = (req: Request, res: Response): boolean => {
    const site = req.get("sec-fetch-site");
    if (site === undefined || site === "same-origin") return true;
    noStore(res).status(403).json({ error: "same-origin requests only" });
    return false;
  };

  app.post(PREVIEW_PATHS.sessionToken, (req, res) => {
    if (!sameOrigin(req, res)) return;
    const shop = shopOf(req);
    if (!shop) return badShop(res);
    noStore(res).json({ token: mintSessionToken(shop, options), expiresInSeconds: SESSION_TOKEN_SECONDS });
  });

  app.post(PREVIEW_PATHS.grantScopes, async (req, res, next) => {
    if (!sameOrigin(req, res)) return;
    const shop = shopOf(req);
    if (!shop) return badShop(res);
    try {
      // To this very server, at the address the request came in on (not a Host header's word).
      const { localAddress = "127.0.0.1", localPort } = req.socket;
      const host = localAddress.includes(":") ? `[${localAddress}]` : localAddress;
      const answer = await sendScopesUpdate(`http://${host}:${localPort}`, shop, options);
      noStore(res).status(answer.ok ? 204 : 502).end();
    } catch (error) {
      next(error);
    }
  });

  // Shopify's library sends a page whose session token ran out to this bounce page, which
  // needs the real App Bridge; the preview opens the page again with a fresh token instead.
  app.get("/auth/session-token", (req, res) => {
    const shop = shopOf(req) ?? options.shop;
    const reload = typeof req.query["shopify-reload"] === "string" ? req.query["shopify-reload"] : "/app";
    let path = "/app";
    try {
      const url = new URL(reload, "http://preview.invalid");
      path = `${url.pathname}${url.search}`;
    } catch {
      // Not a URL: the app's home.
    }
    const target = `${PREVIEW_PATHS.open}?shop=${encodeURIComponent(shop)}&path=${encodeURIComponent(appPagePath(path))}`;
    noStore(res).redirect(302, target);
  });

  options.logger.warn({ shop: options.shop }, "admin preview on: development-only sessions are handed out on this server");
}
