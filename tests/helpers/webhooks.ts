import { randomUUID } from "node:crypto";
import { webhookHmac } from "../../app/webhooks/hmac.server";

export interface SignedWebhook {
  topic: string;
  shop: string;
  body: unknown;
  secret?: string;
  eventId?: string;
  webhookId?: string;
  triggeredAt?: string;
  apiVersion?: string;
  /** Send this text as the body instead of JSON.stringify(body). */
  rawBody?: string;
  /** Replace the computed signature (to test rejection). */
  hmac?: string;
}

/** A webhook request signed as Shopify signs it: base64 HMAC-SHA256 of the raw body. */
export function signedWebhookRequest(baseUrl: string, webhook: SignedWebhook): Request {
  const raw = webhook.rawBody ?? JSON.stringify(webhook.body);
  const secret = webhook.secret ?? process.env.SHOPIFY_API_SECRET ?? "";
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-shopify-topic": webhook.topic,
    "x-shopify-shop-domain": webhook.shop,
    "x-shopify-api-version": webhook.apiVersion ?? "2026-07",
    "x-shopify-webhook-id": webhook.webhookId ?? randomUUID(),
    "x-shopify-hmac-sha256": webhook.hmac ?? webhookHmac(raw, secret),
    "x-shopify-triggered-at": webhook.triggeredAt ?? new Date().toISOString(),
  };
  if (webhook.eventId !== undefined) headers["x-shopify-event-id"] = webhook.eventId;
  const route = webhook.topic.startsWith("customers/") || webhook.topic.startsWith("shop/")
    ? "compliance"
    : webhook.topic;
  return new Request(`${baseUrl}/webhooks/${route}`, { method: "POST", headers, body: raw });
}

/** In-process test apps that decide their inbox, by URL: how to wait for their decisions. */
const settlers = new Map<string, () => Promise<void>>();

/** Registers how to wait for a test app's inbox; returns how to forget it. */
export function settleInboxAfterWebhooks(baseUrl: string, settle: (() => Promise<void>) | undefined): () => void {
  if (settle) settlers.set(baseUrl, settle);
  return () => settlers.delete(baseUrl);
}

/** After a 200 from an in-process test app: waits until its processor has decided its inbox. */
export async function inboxSettled(baseUrl: string): Promise<void> {
  await settlers.get(baseUrl)?.();
}

/**
 * Posts a signed webhook. A 200 means the delivery is in the inbox; for an in-process test
 * app this also waits until its processor has decided it, so that the test reads its effects.
 */
export async function postWebhook(baseUrl: string, webhook: SignedWebhook): Promise<Response> {
  const response = await fetch(signedWebhookRequest(baseUrl, webhook));
  if (response.status === 200) await inboxSettled(baseUrl);
  return response;
}
