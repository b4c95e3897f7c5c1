/** The webhook topics the app subscribes to (shopify.app.toml lists the same; a test checks). */
export const ORDER_TOPICS = [
  "orders/create",
  "orders/updated",
  "orders/cancelled",
  "fulfillments/create",
  "fulfillments/update",
  "fulfillment_events/create",
] as const;

export const APP_TOPICS = ["app/uninstalled", "app/scopes_update"] as const;

export const COMPLIANCE_TOPICS = ["customers/data_request", "customers/redact", "shop/redact"] as const;

export const SUBSCRIBED_TOPICS = [...APP_TOPICS, ...ORDER_TOPICS] as const;

export type OrderTopic = (typeof ORDER_TOPICS)[number];
export type AppTopic = (typeof APP_TOPICS)[number];
export type ComplianceTopic = (typeof COMPLIANCE_TOPICS)[number];
export type Topic = OrderTopic | AppTopic | ComplianceTopic;

const ALL_TOPICS: readonly Topic[] = [...SUBSCRIBED_TOPICS, ...COMPLIANCE_TOPICS];

/** The library reports `orders/create` as `ORDERS_CREATE`; the header carries the plain form. */
export function normaliseTopic(value: string): Topic | undefined {
  const key = value.toUpperCase().replace(/[/.]/g, "_");
  return ALL_TOPICS.find((topic) => topic.toUpperCase().replace(/[/.]/g, "_") === key);
}

export function isOrderTopic(topic: Topic): topic is OrderTopic {
  return (ORDER_TOPICS as readonly string[]).includes(topic);
}

export function isComplianceTopic(topic: Topic | undefined): topic is ComplianceTopic {
  return (COMPLIANCE_TOPICS as readonly string[]).includes(topic ?? "");
}
