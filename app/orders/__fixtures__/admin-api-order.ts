import { LINE_A, LINE_B } from "./lifecycle";

/**
 * The lifecycle fixture's order as the Admin GraphQL API answers the app's order query
 * (app/pipeline/order-lookup.server.ts): two line items, a shipping phone, no fulfillment.
 */
export function adminApiOrder(orderId: string, options: { name: string; unfulfilled: boolean }) {
  const left = (quantity: number) => (options.unfulfilled ? quantity : 0);
  return {
    legacyResourceId: orderId,
    name: options.name,
    updatedAt: "2025-03-01T10:30:00Z",
    cancelledAt: null,
    phone: null,
    statusPageUrl: "https://example.com/orders/status",
    customAttributes: [],
    customer: { firstName: "Asha", phone: null, defaultAddress: null },
    shippingAddress: { firstName: "Asha", phone: "(502) 555-0147", countryCodeV2: "US" },
    billingAddress: null,
    lineItems: {
      nodes: [
        { id: `gid://shopify/LineItem/${LINE_A}`, quantity: 2, currentQuantity: 2, unfulfilledQuantity: left(2), requiresShipping: true },
        { id: `gid://shopify/LineItem/${LINE_B}`, quantity: 1, currentQuantity: 1, unfulfilledQuantity: left(1), requiresShipping: true },
      ],
    },
    fulfillments: [],
  };
}
