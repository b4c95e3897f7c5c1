import "@shopify/shopify-app-remix/adapters/node";
import {
  AppDistribution,
  LogSeverity,
  shopifyApp,
} from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { ADMIN_API_VERSION } from "./api-version";
import { config } from "./config.server";
import { sessionPrisma } from "./db/session-prisma.server";
import { sql } from "./db/sql-instance.server";
import { logger } from "./logger.server";
import { markShopInstalled } from "./shops/install.server";
import { EncryptedSessionStorage } from "./shops/session-storage.server";

const env = config();
const libraryLog = logger.child({ module: "shopify" });

const shopify = shopifyApp({
  apiKey: env.SHOPIFY_API_KEY,
  apiSecretKey: env.SHOPIFY_API_SECRET,
  apiVersion: ADMIN_API_VERSION,
  scopes: env.SCOPES,
  appUrl: env.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: new EncryptedSessionStorage(
    new PrismaSessionStorage(sessionPrisma(), { connectionRetries: 5 }),
    env.ENCRYPTION_KEY,
  ),
  distribution: AppDistribution.AppStore,
  // The library's own messages go through the app's structured logger, not the console.
  logger: {
    level: LogSeverity.Info,
    log: (severity, message) => {
      if (severity === LogSeverity.Error) libraryLog.error(message);
      else if (severity === LogSeverity.Warning) libraryLog.warn(message);
      else if (severity === LogSeverity.Info) libraryLog.info(message);
      else libraryLog.debug(message);
    },
  },
  hooks: {
    // Runs after every (re)installation and token exchange: the shop is installed again,
    // a pause caused by an earlier uninstall lifts, and the shop's name fills {{shop_name}}.
    afterAuth: async ({ session, admin }) => {
      let name: string | null = null;
      try {
        const response = await admin.graphql(`#graphql
          query ShopName { shop { name } }`);
        const body = (await response.json()) as { data?: { shop?: { name?: string } } };
        name = body.data?.shop?.name ?? null;
      } catch (error) {
        libraryLog.warn({ err: error, shop: session.shop }, "could not read the shop's name");
      }
      const result = await markShopInstalled(sql(), session.shop, name, new Date());
      libraryLog.info({ shop: session.shop, ...result }, "shop installed");
    },
  },
  future: {
    unstable_newEmbeddedAuthStrategy: true,
    // Left off on purpose: with it, authenticate.webhook can answer 500 forever for shops
    // that uninstalled (shopify-app-js issue 3360).
    expiringOfflineAccessTokens: false,
  },
});

export default shopify;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const sessionStorage = shopify.sessionStorage;
