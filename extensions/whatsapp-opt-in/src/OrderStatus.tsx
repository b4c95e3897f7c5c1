// Values are read once when the block renders; "@shopify/ui-extensions/preact" (which hands
// Shopify @preact/signals for reactive reads) is left out, so the bundle needs no signals library.
import { render } from "preact";
import { OptInBlock } from "./OptInBlock";
import { optInClient, ORDER_STATUS_ENDPOINT } from "./opt-in-client";
import { orderIdOf, shownNumber } from "./opt-in";

/** The order-status page of customer accounts: the signed-in customer's order. */
export default async () => {
  const orderId = orderIdOf(shopify.order.value?.id);
  const number = shownNumber(shopify.buyerIdentity?.phone.value, shopify.billingAddress?.value, shopify.shippingAddress?.value);
  // Without an order or a number there is nothing to offer: the block stays empty.
  if (!orderId || !number) return;
  const client = optInClient({ endpoint: ORDER_STATUS_ENDPOINT, token: () => shopify.sessionToken.get(), orderId, number });
  render(<OptInBlock shopName={shopify.shop.name} phone={number.phone} client={client} />, document.body);
};
