/** A shop's permanent domain as Shopify names it: `<handle>.myshopify.com`. */
export const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/** What `{{shop_name}}` says before the merchant has told the app its shop's name. */
export function shopDisplayName(shop: { domain: string; name: string | null }): string {
  return shop.name ?? shop.domain.replace(/\.myshopify\.com$/, "");
}
