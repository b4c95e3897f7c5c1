import { ApiVersion } from "@shopify/shopify-app-remix/server";

/**
 * The one Admin API version of the app: the library, the Admin GraphQL client and the
 * `[webhooks] api_version` in shopify.app.toml (a test checks they agree).
 */
export const ADMIN_API_VERSION = ApiVersion.July26;
