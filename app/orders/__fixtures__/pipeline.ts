/**
 * A test double of the caller around the pure modules: it folds each webhook into the
 * order's knowledge, asks decideMessages, answers `needs_order` by "reading the order from
 * the Admin API" (the scenario's current order) and enqueues under the unique key, the
 * way the database's unique index on (shop, key) would.
 */
import type { GiftRecipientsPref } from "../gift-recipients";
import { applyOrder, type OrderKnowledge } from "../knowledge";
import { parseOrderPayload } from "../payloads";
import { parseShopifyJson } from "../shopify-json";
import { decideMessages, type Decision, type InPersonSalePref, type PlannedMessage } from "../status-decision";
import { applyOrderWebhook, readOrderWebhook } from "../webhook-event";
import type { OrderTopic } from "../../webhooks/topics";
import type { JsonObject } from "./shopify-samples";

export interface Delivery {
  topic: OrderTopic;
  body: JsonObject;
}

export interface PipelineOptions {
  sendProcessingOnCreate?: boolean;
  inPersonSales?: InPersonSalePref;
  giftRecipients?: GiftRecipientsPref;
  /** What an Admin API read of the order returns; without it, needs_order stays unanswered. */
  currentOrder?: () => JsonObject;
}

export interface Pipeline {
  deliver(delivery: Delivery): Decision;
  readonly knowledge: OrderKnowledge | undefined;
  /** Messages in the order they were enqueued. */
  readonly queued: readonly PlannedMessage[];
  /** Every message any decision asked for, duplicates included (must never contain one). */
  readonly emitted: readonly PlannedMessage[];
  readonly lookups: number;
}

export function createPipeline(options: PipelineOptions = {}): Pipeline {
  const prefs = {
    sendProcessingOnCreate: options.sendProcessingOnCreate ?? true,
    inPersonSales: options.inPersonSales ?? "nothing",
    giftRecipients: options.giftRecipients ?? "buyer",
  };
  let knowledge: OrderKnowledge | undefined;
  const queued: PlannedMessage[] = [];
  const emitted: PlannedMessage[] = [];
  let lookups = 0;

  return {
    deliver({ topic, body }) {
      // Through the text form, as a real webhook body arrives.
      const read = readOrderWebhook(topic, parseShopifyJson(JSON.stringify(body)));
      if (!read.ok) throw new Error(`fixture payload refused: ${read.reason}`);
      knowledge = applyOrderWebhook(knowledge, read.event);
      let decision = decideMessages({ knowledge, alreadyQueued: queued, trigger: read.event.trigger, prefs });
      if (decision.kind === "needs_order" && options.currentOrder) {
        lookups += 1;
        const order = parseOrderPayload(options.currentOrder());
        if (!order.ok) throw new Error(`fixture order refused: ${order.reason}`);
        knowledge = applyOrder(knowledge, order.value);
        decision = decideMessages({ knowledge, alreadyQueued: queued, trigger: "order_lookup", prefs });
      }
      if (decision.kind === "send") {
        for (const message of decision.messages) {
          emitted.push(message);
          if (!queued.some((q) => q.key === message.key)) queued.push(message);
        }
      }
      return decision;
    },
    get knowledge() {
      return knowledge;
    },
    get queued() {
      return queued;
    },
    get emitted() {
      return emitted;
    },
    get lookups() {
      return lookups;
    },
  };
}

/** The statuses of the queued messages, e.g. ["processing", "shipped"]. */
export function statusesOf(pipeline: Pipeline): string[] {
  return pipeline.queued.map((m) => m.status);
}
