/** A shop's permanent domain as Shopify names it: `<handle>.myshopify.com`. */
export const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
