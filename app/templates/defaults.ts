/**
 * Default templates, written for shoppers. Every line that depends on a value that may be
 * missing (first name, tracking, order page) stands on its own line, so the renderer's
 * optional-line rule drops it cleanly instead of leaving "Hi ," or "Carrier: ".
 */
import type { OrderStatus } from "../kaleyra/statuses";

export interface MessageTemplate {
  /** The WhatsApp message body (`interactive.body.text`), at most 1,024 characters, strictly counted (kaleyra/limits.ts). */
  body: string;
  /** The order description (`order.description`), at most 120 characters, strictly counted. */
  description: string;
}

export const DEFAULT_TEMPLATES: Readonly<Record<OrderStatus, MessageTemplate>> = {
  processing: {
    body: [
      "Hi {{customer_first_name}},",
      "Thank you for your order {{order_name}} from {{shop_name}}! We're getting it ready and will let you know as soon as it ships.",
      "Your order: {{order_status_url}}",
    ].join("\n"),
    description: "We're preparing your order {{order_name}}.",
  },
  partially_shipped: {
    body: [
      "Hi {{customer_first_name}},",
      "Part of your order {{order_name}} from {{shop_name}} is on its way. We'll send the rest as soon as it's ready.",
      "Carrier: {{tracking_company}}",
      "Tracking number: {{tracking_number}}",
      "Track this package: {{tracking_url}}",
    ].join("\n"),
    description: "Part of your order {{order_name}} has shipped.",
  },
  shipped: {
    body: [
      "Hi {{customer_first_name}},",
      "Good news: your order {{order_name}} from {{shop_name}} is on its way.",
      "Carrier: {{tracking_company}}",
      "Tracking number: {{tracking_number}}",
      "Track it here: {{tracking_url}}",
    ].join("\n"),
    description: "Your order {{order_name}} is on its way.",
  },
  completed: {
    body: [
      "Hi {{customer_first_name}},",
      "Your order {{order_name}} from {{shop_name}} has been delivered. We hope you love it!",
      "Your order: {{order_status_url}}",
    ].join("\n"),
    description: "Your order {{order_name}} has been delivered.",
  },
  cancelled: {
    body: [
      "Hi {{customer_first_name}},",
      "Your order {{order_name}} from {{shop_name}} has been cancelled. If you have any questions, please get in touch with us.",
      "Your order: {{order_status_url}}",
    ].join("\n"),
    description: "Your order {{order_name}} has been cancelled.",
  },
};
