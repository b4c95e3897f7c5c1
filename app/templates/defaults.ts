/**
 * Default templates, written for shoppers. Every line that depends on a value that may be
 * missing (first name, tracking, order page) stands on its own line, so the renderer's
 * optional-line rule drops it cleanly instead of leaving "Hi ," or "Carrier: ".
 */
import type { OrderStatus } from "../kaleyra/statuses";
import type { RecipientWording, Wording } from "../orders/wording";

export interface MessageTemplate {
  /** The WhatsApp message body (`interactive.body.text`), at most 1,024 characters, strictly counted (kaleyra/limits.ts). */
  body: string;
  /** The order description (`order.description`), at most 120 characters, strictly counted. */
  description: string;
}

const ORDER_PAGE = "Your order: {{order_status_url}}";

/** The tracking lines of a shipment; `link` words the last one. */
function tracking(link: string): string[] {
  return ["Carrier: {{tracking_company}}", "Tracking number: {{tracking_number}}", `${link}: {{tracking_url}}`];
}

/** To the buyer: greeted by first name, then the news, then `after` (the order page by default). */
function toBuyer(news: string, description: string, after: string[] = [ORDER_PAGE]): MessageTemplate {
  return { body: ["Hi {{customer_first_name}},", news, ...after].join("\n"), description };
}

/**
 * To a gift recipient, who did not place the order: a plain greeting, no "your order", and
 * no link to the order status page, which shows the buyer's details.
 */
function toRecipient(news: string, description: string, after: string[] = []): MessageTemplate {
  return { body: ["Hello,", news, ...after].join("\n"), description };
}

export const DEFAULT_TEMPLATES: Readonly<Record<OrderStatus, MessageTemplate>> = {
  processing: toBuyer(
    "Thank you for your order {{order_name}} from {{shop_name}}! We're getting it ready and will let you know as soon as it ships.",
    "We're preparing your order {{order_name}}.",
  ),
  partially_shipped: toBuyer(
    "Part of your order {{order_name}} from {{shop_name}} is on its way. We'll send the rest as soon as it's ready.",
    "Part of your order {{order_name}} has shipped.",
    tracking("Track this package"),
  ),
  shipped: toBuyer(
    "Good news: your order {{order_name}} from {{shop_name}} is on its way.",
    "Your order {{order_name}} is on its way.",
    tracking("Track it here"),
  ),
  completed: toBuyer(
    "Your order {{order_name}} from {{shop_name}} has been delivered. We hope you love it!",
    "Your order {{order_name}} has been delivered.",
  ),
  cancelled: toBuyer(
    "Your order {{order_name}} from {{shop_name}} has been cancelled. If you have any questions, please get in touch with us.",
    "Your order {{order_name}} has been cancelled.",
  ),
};

/**
 * Built-in wordings for orders the shop's templates do not fit (their own `completed` speaks of
 * a delivery, their `shipped` of a parcel on its way). Not edited in Templates; the status's
 * switch still turns them off. `standard` is the shop's own template.
 */
export const WORDING_TEMPLATES: Readonly<Record<Exclude<Wording, "standard" | RecipientWording>, MessageTemplate>> = {
  in_person: toBuyer(
    "Thank you for your purchase {{order_name}} at {{shop_name}}! We hope you love it.",
    "Thank you for your purchase {{order_name}}.",
  ),
  ready_for_pickup: toBuyer(
    "Your order {{order_name}} from {{shop_name}} is ready for pickup.",
    "Your order {{order_name}} is ready for pickup.",
  ),
  picked_up: toBuyer(
    "Your order {{order_name}} from {{shop_name}} has been picked up. Thank you, we hope you love it!",
    "Your order {{order_name}} has been picked up.",
  ),
  local_delivery: toBuyer(
    "Good news: your order {{order_name}} from {{shop_name}} is out for local delivery.",
    "Your order {{order_name}} is out for delivery.",
  ),
};

/**
 * What a gift recipient is told, when the shop chooses to tell them (Settings). Not edited in
 * Templates; the status's switch turns them off with the buyer's.
 */
export const RECIPIENT_TEMPLATES: Readonly<Record<RecipientWording, MessageTemplate>> = {
  recipient_processing: toRecipient(
    "An order from {{shop_name}} is being prepared for you. We'll let you know as soon as it's on its way.",
    "An order from {{shop_name}} is being prepared for you.",
  ),
  recipient_partially_shipped: toRecipient(
    "Part of an order from {{shop_name}} is on its way to you. The rest will follow as soon as it's ready.",
    "Part of an order from {{shop_name}} is on its way to you.",
    tracking("Track this package"),
  ),
  recipient_shipped: toRecipient(
    "Good news: an order from {{shop_name}} is on its way to you.",
    "An order from {{shop_name}} is on its way to you.",
    tracking("Track it here"),
  ),
  recipient_completed: toRecipient(
    "An order from {{shop_name}} has been delivered to you. We hope you enjoy it!",
    "An order from {{shop_name}} has been delivered to you.",
  ),
  recipient_cancelled: toRecipient(
    "An order from {{shop_name}} that was coming to you has been cancelled, so it will not arrive.",
    "An order from {{shop_name}} for you has been cancelled.",
  ),
  recipient_ready_for_pickup: toRecipient(
    "An order from {{shop_name}} is ready for you to pick up.",
    "An order from {{shop_name}} is ready for pickup.",
  ),
  recipient_picked_up: toRecipient(
    "An order from {{shop_name}} has been picked up. We hope you enjoy it!",
    "An order from {{shop_name}} has been picked up.",
  ),
  recipient_local_delivery: toRecipient(
    "Good news: an order from {{shop_name}} is out for delivery to you.",
    "An order from {{shop_name}} is out for delivery to you.",
  ),
};

/** Every built-in wording's template, by wording (`standard` is the shop's own). */
export const BUILT_IN_TEMPLATES: Readonly<Record<Exclude<Wording, "standard">, MessageTemplate>> = {
  ...WORDING_TEMPLATES,
  ...RECIPIENT_TEMPLATES,
};
