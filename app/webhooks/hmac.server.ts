import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Shopify's webhook signature: base64 HMAC-SHA256 of the raw body with the app's secret.
 * Given bytes, over those bytes exactly; given text, over its UTF-8.
 */
export function webhookHmac(rawBody: string | Uint8Array, secret: string): string {
  const hmac = createHmac("sha256", secret);
  return (typeof rawBody === "string" ? hmac.update(rawBody, "utf8") : hmac.update(rawBody)).digest("base64");
}

export function hasValidHmac(rawBody: string | Uint8Array, header: string | null, secret: string): boolean {
  if (!header) return false;
  const expected = Buffer.from(webhookHmac(rawBody, secret));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
