/**
 * The five order statuses of WhatsApp's `order_status` message: the one list the app uses.
 * The lifecycle rank lets the pipeline refuse to move an order backwards.
 */
export const ORDER_STATUSES = [
  "processing",
  "partially_shipped",
  "shipped",
  "completed",
  "cancelled",
] as const;

export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * How each status is spelled on the wire. Kaleyra's document spells them as below; Meta's
 * pages sometimes write `partially-shipped` / `canceled`, so the spelling lives here only.
 */
export const WIRE_STATUS: Readonly<Record<OrderStatus, string>> = {
  processing: "processing",
  partially_shipped: "partially_shipped",
  shipped: "shipped",
  completed: "completed",
  cancelled: "cancelled",
};

/** Position in the lifecycle; a later event never produces a lower rank than one already sent. */
export const STATUS_RANK: Readonly<Record<OrderStatus, number>> = {
  processing: 0,
  partially_shipped: 1,
  shipped: 2,
  completed: 3,
  cancelled: 4,
};

/** Human labels for the admin UI and logs. */
export const STATUS_LABEL: Readonly<Record<OrderStatus, string>> = {
  processing: "Processing",
  partially_shipped: "Partially shipped",
  shipped: "Shipped",
  completed: "Delivered",
  cancelled: "Cancelled",
};

export function isOrderStatus(value: unknown): value is OrderStatus {
  return typeof value === "string" && (ORDER_STATUSES as readonly string[]).includes(value);
}
