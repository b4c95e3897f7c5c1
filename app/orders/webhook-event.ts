/**
 * The glue between a webhook topic and the pure order modules: which payload reader, which
 * reducer and which decision trigger belong to each topic the order-status flow subscribes to
 * (the topic list itself lives in app/webhooks/topics.ts).
 */
import { applyFulfillment, applyFulfillmentEvent, applyOrder, type OrderKnowledge } from "./knowledge";
import {
  parseFulfillmentEventPayload,
  parseFulfillmentPayload,
  parseOrderPayload,
  type FulfillmentEventPayload,
  type FulfillmentPayload,
  type OrderPayload,
} from "./payloads";
import type { OrderTopic } from "../webhooks/topics";
import type { DecisionTrigger } from "./status-decision";

export type OrderWebhookEvent =
  | { topic: "orders/create" | "orders/updated" | "orders/cancelled"; orderId: string; trigger: DecisionTrigger; payload: OrderPayload }
  | { topic: "fulfillments/create" | "fulfillments/update"; orderId: string; trigger: DecisionTrigger; payload: FulfillmentPayload }
  | { topic: "fulfillment_events/create"; orderId: string; trigger: DecisionTrigger; payload: FulfillmentEventPayload };

const ORDER_TRIGGER = {
  "orders/create": "order_created",
  "orders/updated": "order_updated",
  "orders/cancelled": "order_cancelled",
} as const satisfies Record<string, DecisionTrigger>;

/** Reads a parsed webhook body for a topic; never throws. */
export function readOrderWebhook(
  topic: OrderTopic,
  body: unknown,
): { ok: true; event: OrderWebhookEvent } | { ok: false; reason: string } {
  switch (topic) {
    case "orders/create":
    case "orders/updated":
    case "orders/cancelled": {
      const parsed = parseOrderPayload(body);
      if (!parsed.ok) return parsed;
      let payload = parsed.value;
      if (topic === "orders/cancelled" && payload.cancelled_at === null) {
        // The topic itself says the order is cancelled, even when include_fields trimmed
        // cancelled_at away: fall back to the payload's own timestamps.
        const when = payload.updated_at ?? payload.created_at;
        if (when === null) return { ok: false, reason: "orders/cancelled payload has no cancelled_at or updated_at" };
        payload = { ...payload, cancelled_at: when };
      }
      const trigger = ORDER_TRIGGER[topic];
      return { ok: true, event: { topic, orderId: payload.id, trigger, payload } };
    }
    case "fulfillments/create":
    case "fulfillments/update": {
      const parsed = parseFulfillmentPayload(body);
      if (!parsed.ok) return parsed;
      return { ok: true, event: { topic, orderId: parsed.value.order_id, trigger: "fulfillment", payload: parsed.value } };
    }
    case "fulfillment_events/create": {
      const parsed = parseFulfillmentEventPayload(body);
      if (!parsed.ok) return parsed;
      return {
        ok: true,
        event: { topic, orderId: parsed.value.order_id, trigger: "fulfillment_event", payload: parsed.value },
      };
    }
  }
}

/** Folds one webhook into the order's knowledge (pure; `knowledge` must be for event.orderId). */
export function applyOrderWebhook(knowledge: OrderKnowledge | undefined, event: OrderWebhookEvent): OrderKnowledge {
  switch (event.topic) {
    case "orders/create":
    case "orders/updated":
    case "orders/cancelled":
      return applyOrder(knowledge, event.payload);
    case "fulfillments/create":
    case "fulfillments/update":
      return applyFulfillment(knowledge, event.payload);
    case "fulfillment_events/create":
      return applyFulfillmentEvent(knowledge, event.payload);
  }
}
