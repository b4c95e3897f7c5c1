import { describe, expect, it } from "vitest";
import { checkDeliveryHeaders } from "./delivery-headers";
import { webhookHmac } from "./hmac.server";

const SECRET = "header-test-secret";
const BODY = Buffer.from(JSON.stringify({ id: 450789469, name: "#1001" }));

function webhookHeaders(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    "x-shopify-hmac-sha256": webhookHmac(BODY, SECRET),
    "x-shopify-topic": "orders/create",
    "x-shopify-shop-domain": "shop-a.myshopify.com",
    "x-shopify-api-version": "2026-07",
    "x-shopify-webhook-id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
    "x-shopify-event-id": "98880550-7158-44d4-b7cd-2c97c8a091b5",
    "x-shopify-triggered-at": "2026-12-02T10:00:00.000Z",
    ...overrides,
  };
}

const check = (headers: Record<string, string | undefined>, body: Uint8Array = BODY) =>
  checkDeliveryHeaders((name) => headers[name], body, SECRET);

describe("checkDeliveryHeaders: a delivery authenticated as Shopify's library does", () => {
  it("GIVEN a genuine webhook THEN its shop, topic (as the library stores it) and ids", () => {
    expect(check(webhookHeaders())).toEqual({
      ok: true,
      headers: {
        shop: "shop-a.myshopify.com",
        rawTopic: "ORDERS_CREATE",
        webhookId: "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        eventId: "98880550-7158-44d4-b7cd-2c97c8a091b5",
        triggeredAt: "2026-12-02T10:00:00.000Z",
      },
    });
  });

  it.each([
    ["no signature", { "x-shopify-hmac-sha256": undefined }, 400],
    ["a wrong signature", { "x-shopify-hmac-sha256": webhookHmac("other", SECRET) }, 401],
    ["a signature under another secret", { "x-shopify-hmac-sha256": webhookHmac(BODY, "not-the-secret") }, 401],
    ["a wrong signature and a missing topic", { "x-shopify-hmac-sha256": "AAAA", "x-shopify-topic": undefined }, 401],
    ["no topic", { "x-shopify-topic": undefined }, 400],
    ["no shop", { "x-shopify-shop-domain": undefined }, 400],
    ["no API version", { "x-shopify-api-version": undefined }, 400],
    ["no webhook id", { "x-shopify-webhook-id": "" }, 400],
  ] as const)("GIVEN %s THEN %i", (_case, overrides, status) => {
    expect(check(webhookHeaders(overrides))).toEqual({ ok: false, status });
  });

  it("GIVEN a webhook without an event id or a time THEN it is still taken (they are optional)", () => {
    const taken = check(webhookHeaders({ "x-shopify-event-id": undefined, "x-shopify-triggered-at": undefined }));
    expect(taken).toMatchObject({ ok: true, headers: { eventId: undefined, triggeredAt: undefined } });
  });

  it("GIVEN an event delivery (shopify-* headers) THEN it needs its event id", () => {
    const event = {
      "shopify-hmac-sha256": webhookHmac(BODY, SECRET),
      "shopify-topic": "orders/updated",
      "shopify-shop-domain": "shop-a.myshopify.com",
      "shopify-api-version": "2026-07",
      "shopify-webhook-id": "w-1",
      "shopify-event-id": "e-1",
    };
    expect(check(event)).toMatchObject({ ok: true, headers: { rawTopic: "ORDERS_UPDATED", eventId: "e-1" } });
    expect(check({ ...event, "shopify-event-id": undefined })).toEqual({ ok: false, status: 400 });
  });

  it("GIVEN a body with a byte-order mark in front THEN the signature of the body without it does not pass", () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), BODY]);
    expect(check(webhookHeaders(), withBom)).toEqual({ ok: false, status: 401 });
  });
});
