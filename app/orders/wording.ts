/**
 * Which wording a message needs besides its status: the shop's templates speak of parcels on
 * their way and delivered, which is wrong for a counter sale, a pickup and a local delivery;
 * and they speak to the buyer ("your order"), which is wrong for a gift recipient.
 * Pure and derived from the order's knowledge, so a retried message is worded as it was queued.
 */
import type { OrderStatus } from "../kaleyra/statuses";
import type { OrderKnowledge } from "./knowledge";
import type { Audience } from "./recipient";
import { isCounterSale } from "./status-decision";

type BuyerWording = "standard" | "in_person" | "ready_for_pickup" | "picked_up" | "local_delivery";

/** A gift recipient's wordings: one per status, and the delivery methods' own. */
export type RecipientWording =
  | `recipient_${OrderStatus}`
  | "recipient_ready_for_pickup"
  | "recipient_picked_up"
  | "recipient_local_delivery";

export type Wording = BuyerWording | RecipientWording;

export function wordingFor(k: OrderKnowledge, status: OrderStatus, fulfillmentId: string | undefined, audience: Audience = "buyer"): Wording {
  const buyers = buyerWordingFor(k, status, fulfillmentId);
  if (audience === "buyer") return buyers;
  // A counter sale has no gift recipient; were one asked for, it is not told "thank you for your purchase".
  return buyers === "standard" || buyers === "in_person" ? `recipient_${status}` : `recipient_${buyers}`;
}

function buyerWordingFor(k: OrderKnowledge, status: OrderStatus, fulfillmentId: string | undefined): BuyerWording {
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
