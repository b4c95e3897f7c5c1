import type { Topic } from "../webhooks/topics";

/**
 * The lane a delivery waits in: its order's id for order and fulfillment topics (they change
 * one order, so they run one at a time and in arrival order), "" for the shop's other topics.
 * Read from the body the library already parsed; an id it rounded (above 2^53) is rounded
 * the same way for every delivery of that order, so the lane is still the order's.
 */
export function laneOf(topic: Topic | undefined, payload: unknown): string {
  if (!topic || !payload || typeof payload !== "object") return "";
  const body = payload as Record<string, unknown>;
  const id = topic.startsWith("orders/") ? body.id : topic.startsWith("fulfillment") ? body.order_id : undefined;
  if (typeof id === "number" && Number.isFinite(id)) return String(id);
  if (typeof id === "string" && /^\d{1,32}$/.test(id)) return id;
  return "";
}
