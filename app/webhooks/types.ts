/**
 * What a webhook delivery is and what handling it gives, shared by the ingest transaction
 * (`ingest.server.ts`) and the topic handlers it calls (compliance, shop lifecycle, orders),
 * so that the handlers need not import back from the module that calls them.
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
  /** Set when the body could not be read at all; the event is kept as ignored. */
  malformed?: string;
}

export type IngestOutcome = "processed" | "ignored" | "deferred" | "duplicate";

export interface TopicResult {
  outcome: Exclude<IngestOutcome, "duplicate">;
  reason?: string;
  orderId?: string;
  enqueued: number;
  /** The event itself is not kept (shop/redact erases the shop, its events included). */
  unrecorded?: boolean;
}

export type IngestResult = TopicResult | { outcome: "duplicate"; enqueued: 0 };
