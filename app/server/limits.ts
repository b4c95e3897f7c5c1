/** Shopify sends webhooks well under this; a larger body is refused (413) before it is kept. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;
