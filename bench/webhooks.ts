/**
 * Webhook bodies for the benchmark and the scale test: Shopify's orders/create sample (the
 * lifecycle fixture, about 8 KB), each with its own order id, name and shopper phone, signed
 * the way Shopify signs them.
 */
import { createHash, randomUUID } from "node:crypto";
import { orderPayload } from "../app/orders/__fixtures__/lifecycle";
import { kaleyraStatusCallback } from "../app/receipts/__fixtures__/callbacks";
import { refFor } from "../app/receipts/kaleyra-callback";
import { webhookHmac } from "../app/webhooks/hmac.server";

/** Shops of the benchmark's merchant base, each with its own WhatsApp business number. */
export interface BenchShop {
  domain: string;
  businessNumber: string;
}

export const BENCH_ACCOUNT = { sid: "HXBENCH00001IN", apiKey: "bench-api-key-000000000000000000" };

/** The secret every bench shop's callback profile sends (X-Callback-Secret). */
export const BENCH_CALLBACK_SECRET = "bench-callback-secret-0000000000";

/** A shop's callback URL token: 43 URL-safe characters, like the app's, fixed per shop. */
export function callbackTokenOf(shop: string): string {
  return createHash("sha256").update(`bench:${shop}`).digest("base64url");
}

/** A Kaleyra status callback for one message, posted the way Kaleyra posts it to the shop's URL. */
export function statusCallbackDelivery(shop: string, message: { id: string; kaleyraId: string }, status: string): SignedDelivery {
  return {
    path: `/kaleyra/callbacks/${callbackTokenOf(shop)}`,
    headers: { "content-type": "application/json", "x-callback-secret": BENCH_CALLBACK_SECRET },
    body: JSON.stringify(
      kaleyraStatusCallback({ status, timestamp: String(Math.floor(Date.now() / 1000)), ref: refFor(message.id), kaleyraId: message.kaleyraId, ref2: shop }),
    ),
  };
}

export function benchShops(count: number): BenchShop[] {
  return Array.from({ length: count }, (_, i) => ({
    domain: `bench-shop-${i + 1}.myshopify.com`,
    // +91 98765 4xxxx: one number per shop, all in the sandbox account.
    businessNumber: `+9198765${String(40000 + i).padStart(5, "0")}`,
  }));
}

const AREA_CODES = [212, 312, 415, 502, 617, 646, 702, 713, 805, 917];

/** The i-th distinct, valid US shopper phone in national format, and its E.164 form. */
export function shopperPhone(i: number): { national: string; e164: string } {
  const area = AREA_CODES[i % AREA_CODES.length]!;
  const rest = Math.floor(i / AREA_CODES.length);
  const exchange = 200 + (Math.floor(rest / 10_000) % 800);
  const line = String(rest % 10_000).padStart(4, "0");
  return { national: `(${area}) ${exchange}-${line}`, e164: `+1${area}${exchange}${line}` };
}

const ID = "__ORDER_ID__";
const NAME = "__ORDER_NAME__";
const PHONE = "__PHONE__";

let template: string | undefined;

function orderTemplate(): string {
  if (template) return template;
  const base = orderPayload({ id: ID, name: NAME });
  const shipping = (base.shipping_address ?? {}) as Record<string, unknown>;
  template = JSON.stringify({ ...base, shipping_address: { ...shipping, phone: PHONE } });
  return template;
}

/** orders/create body for order `orderId` shipping to shopper phone number `phoneIndex`. */
export function orderCreateBody(orderId: string, phoneIndex: number): string {
  return orderTemplate()
    .replaceAll(ID, orderId)
    .replaceAll(NAME, `#${orderId}`)
    .replace(PHONE, shopperPhone(phoneIndex).national);
}

export interface SignedDelivery {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A signed orders/create delivery; pass the same webhookId again for a duplicate delivery. */
export function signedOrderCreate(
  shop: string,
  body: string,
  secret: string,
  webhookId: string = randomUUID(),
): SignedDelivery {
  return {
    path: "/webhooks/orders/create",
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": "orders/create",
      "x-shopify-shop-domain": shop,
      "x-shopify-api-version": "2026-07",
      "x-shopify-webhook-id": webhookId,
      "x-shopify-event-id": webhookId,
      "x-shopify-triggered-at": new Date().toISOString(),
      "x-shopify-hmac-sha256": webhookHmac(body, secret),
    },
    body,
  };
}
