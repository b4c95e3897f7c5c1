/**
 * "Grant access" on Home: first ask Shopify what it granted (the stored session only learns
 * of a grant through app/scopes_update, which can be late or lost), and only when something
 * is still missing send the merchant to Shopify's grant screen.
 */
import type { SqlExecutor } from "../db/sql.server";
import { storeGrantedScopes } from "../shops/session-storage.server";
import { missingScopes } from "./dashboard";
import { scopeGrantUrl } from "./scope-grant";

export interface ScopeGrantContext {
  shop: string;
  /** The stored session's scopes. */
  granted: string | null | undefined;
  /** `scopes.query` of `authenticate.admin`: Shopify's own record of this installation. */
  queryScopes: () => Promise<{ granted: string[] }>;
}

export type ScopeGrantOutcome = { granted: true; rechecked: boolean } | { granted: false; grantUrl: string };

/** What Shopify says the app holds on the shop, or null when Shopify could not be asked. */
async function grantedAtShopify(queryScopes: ScopeGrantContext["queryScopes"]): Promise<string[] | null> {
  try {
    return (await queryScopes()).granted;
  } catch (error) {
    // The library answers a refused access token with a response of its own (re-authenticate): let it.
    if (error instanceof Response) throw error;
    return null;
  }
}

export async function grantScopes(
  db: SqlExecutor,
  app: { apiKey: string; requiredScopes: readonly string[] },
  context: ScopeGrantContext,
): Promise<ScopeGrantOutcome> {
  if (missingScopes(app.requiredScopes, context.granted).length === 0) return { granted: true, rechecked: false };
  const granted = await grantedAtShopify(context.queryScopes);
  if (granted !== null && missingScopes(app.requiredScopes, granted.join(",")).length === 0) {
    await storeGrantedScopes(db, context.shop, granted);
    return { granted: true, rechecked: true };
  }
  return { granted: false, grantUrl: scopeGrantUrl(context.shop, app.apiKey, app.requiredScopes) };
}
