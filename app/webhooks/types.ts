/**
 * What a webhook delivery is and what handling it gives, shared by the request that accepts
 * it (`ingest.server.ts`), the processor that decides it (`handle.server.ts`) and the topic
 * handlers, so that the handlers need not import back from the modules that call them.
 */
import type { Topic } from "./topics";

/** An authenticated webhook as the route hands it over. */
export interface WebhookDelivery {
  shop: string;
  rawTopic: string;
  topic: Topic | undefined;
  webhookId: string;
  eventId?: string;
  triggeredAt?: Date;
  rawBody: string;
  /** The inbox lane (app/inbox/lane.ts): the order's id, or "" for the shop's other topics. */
  lane?: string;
  /** Set when the body could not be read at all; the event is kept as ignored. */
  malformed?: string;
  /** Who sent it: Shopify's webhooks, or Kaleyra's status callbacks (app/receipts). */
  source?: "shopify" | "kaleyra";
  /** When the app received it (the time a callback without one of its own is dated). */
  receivedAt?: Date;
}

/** What the webhook request did: kept the delivery to be processed, or as ignored, or saw it before. */
export type AcceptResult = "received" | "ignored" | "duplicate";

export interface TopicResult {
  outcome: "processed" | "ignored" | "deferred";
  reason?: string;
  orderId?: string;
  enqueued: number;
  /** The event itself is not kept (shop/redact erases the shop, its events included). */
  unrecorded?: boolean;
}
