/**
 * Which wording a message needs besides its status: the shop's templates speak of parcels on
 * their way and delivered, which is wrong for a counter sale, a pickup and a local delivery.
 * Pure and derived from the order's knowledge, so a retried message is worded as it was queued.
 */
import type { OrderStatus } from "../kaleyra/statuses";
import type { OrderKnowledge } from "./knowledge";
import { isCounterSale } from "./status-decision";

export type Wording = "standard" | "in_person" | "ready_for_pickup" | "picked_up" | "local_delivery";

export function wordingFor(k: OrderKnowledge, status: OrderStatus, fulfillmentId: string | undefined): Wording {
  if (status === "completed" && isCounterSale(k)) return "in_person";
  const pickup = k.sale?.deliveryMethod === "pickup" || Object.values(k.fulfillments).some(saysPickup);
  const fulfillment = fulfillmentId === undefined ? undefined : k.fulfillments[fulfillmentId];
  if (status === "shipped" || status === "partially_shipped") {
    if (pickup || (fulfillment !== undefined && saysPickup(fulfillment))) return "ready_for_pickup";
    if (k.sale?.deliveryMethod === "local_delivery") return "local_delivery";
  }
  if (status === "completed" && pickup) return "picked_up";
  return "standard";
}

/** The fulfillment said it is ready for pickup, or was picked up (shipment status or event). */
function saysPickup(f: { shipmentStatus: string | null; lastEventStatus: string | null }): boolean {
  return [f.shipmentStatus, f.lastEventStatus].some((s) => s === "ready_for_pickup" || s === "picked_up");
}
