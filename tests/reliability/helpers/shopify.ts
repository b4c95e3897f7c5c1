/**
 * Shopify's side of a webhook delivery, as the fault runs need it: a signed POST, retried
 * (as Shopify does) until it is answered 200, with every answer and its time recorded.
 * Against an in-process test app, a 200 also waits until the app's inbox has decided it.
 */
import { randomUUID } from "node:crypto";
import { inboxSettled, signedWebhookRequest } from "../../helpers/webhooks";
import { sleep } from "./harness";

export interface Delivery {
  webhookId: string;
  /** Every answer in order (0 = no answer: connection refused, reset or timed out). */
  statuses: number[];
  /** Milliseconds each answer took. */
  durations: number[];
  /** When each answer came (epoch ms), to order it against what Kaleyra saw. */
  answeredAt: number[];
  /** Answered 200 in the end. */
  ok: boolean;
}

export interface ShopifyOptions {
  /** Attempts before giving up (Shopify itself retries 8 times over 4 hours). */
  attempts?: number;
  /** Pause between attempts (Shopify's is minutes; compressed here). */
  retryDelayMs?: number;
  /** Per-attempt deadline: Shopify waits 5 s for an answer. */
  timeoutMs?: number;
}

export async function deliver(
  baseUrl: string,
  webhook: { topic: string; shop: string; body: unknown; webhookId?: string; eventId?: string; secret?: string },
  options: ShopifyOptions = {},
): Promise<Delivery> {
  const { attempts = 20, retryDelayMs = 500, timeoutMs = 5000 } = options;
  const webhookId = webhook.webhookId ?? randomUUID();
  const result: Delivery = { webhookId, statuses: [], durations: [], answeredAt: [], ok: false };
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const started = performance.now();
    let status = 0;
    try {
      const request = signedWebhookRequest(baseUrl, { ...webhook, webhookId });
      const response = await fetch(request, { signal: AbortSignal.timeout(timeoutMs) });
      await response.arrayBuffer();
      status = response.status;
    } catch {
      status = 0;
    }
    result.statuses.push(status);
    result.durations.push(Math.round(performance.now() - started));
    result.answeredAt.push(Date.now());
    if (status === 200) {
      result.ok = true;
      // An in-process app decides the delivery next; the run reads what it caused.
      await inboxSettled(baseUrl);
      return result;
    }
    // Shopify does not retry a 4xx other than 429 either... but these runs never expect one.
    if (status >= 400 && status < 500 && status !== 429) return result;
    await sleep(retryDelayMs);
  }
  return result;
}

/** Deliveries at a steady pace (per second), all in flight together, as Shopify would. */
export async function deliverPaced<T>(
  items: T[],
  perSecond: number,
  send: (item: T, index: number) => Promise<Delivery>,
): Promise<Delivery[]> {
  const gap = 1000 / perSecond;
  const started = performance.now();
  const pending: Array<Promise<Delivery>> = [];
  for (const [index, item] of items.entries()) {
    const due = started + index * gap - performance.now();
    if (due > 0) await sleep(due);
    pending.push(send(item, index));
  }
  return Promise.all(pending);
}
