import { createHmac, timingSafeEqual } from "node:crypto";

/** Shopify's webhook signature: base64 HMAC-SHA256 of the raw body with the app's secret. */
export function webhookHmac(rawBody: string, secret: string): string {
  return createHmac("sha256", secret).update(rawBody, "utf8").digest("base64");
}

export function hasValidHmac(rawBody: string, header: string | null, secret: string): boolean {
  if (!header) return false;
  const expected = Buffer.from(webhookHmac(rawBody, secret));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
