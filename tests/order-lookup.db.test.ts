import { MockAgent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from "undici";
import { adminApiOrder } from "../app/orders/__fixtures__/admin-api-order";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeOfflineSession } from "./factories";
import { fulfillmentPayload, LINE_A, LINE_B, SHIPPING_PHONE_E164 } from "../app/orders/__fixtures__/lifecycle";
import { adminApiOrderFetcher, type FetchOrder } from "../app/pipeline/order-lookup.server";
import { SHOP, startPipeline, type Pipeline } from "./helpers/pipeline";

/**
 * A fulfillment for an order the app never saw: the webhook is kept as deferred and the worker
 * reads the order through the Admin GraphQL API with the shop's offline session. Shopify's
 * servers cannot run here, so only that HTTP edge is mocked (undici's MockAgent behind fetch).
 */
let pipeline: Pipeline;
let previous: Dispatcher;
const mock = new MockAgent();
const graphqlBodies: string[] = [];
const accessTokens: string[] = [];
/** What the production reader threw, if anything: the worker only logs it, and tests log nothing. */
const lookupFailures: string[] = [];
// The Shopify library reads DATABASE_URL as it loads, so it loads once the pipeline set it.
const readOrder = adminApiOrderFetcher(async (shop) => (await import("../app/shopify.server")).unauthenticated.admin(shop));
const recordingReader: FetchOrder = async (shop, orderId) => {
  try {
    return await readOrder(shop, orderId);
  } catch (error) {
    lookupFailures.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
    throw error;
  }
};

function graphqlOrder(orderId: string) {
  return { data: { order: adminApiOrder(orderId, { name: "#4242", unfulfilled: false }) } };
}

beforeAll(async () => {
  previous = getGlobalDispatcher();
  mock.disableNetConnect();
  // The app itself and the sandbox stay on real loopback HTTP.
  mock.enableNetConnect(/127\.0\.0\.1/);
  mock
    .get(`https://${SHOP}`)
    .intercept({ path: /\/admin\/api\/2026-07\/graphql\.json/, method: "POST" })
    .reply((options) => {
      graphqlBodies.push(String(options.body));
      const headers = options.headers as Record<string, string>;
      accessTokens.push(headers["X-Shopify-Access-Token"] ?? headers["x-shopify-access-token"] ?? "");
      const { variables } = JSON.parse(String(options.body)) as { variables: { id: string } };
      return { statusCode: 200, data: graphqlOrder(variables.id.split("/").pop() ?? ""), responseOptions: { headers: { "content-type": "application/json" } } };
    })
    .persist();
  setGlobalDispatcher(mock);
  pipeline = await startPipeline({ fetchOrder: recordingReader });
  await makeOfflineSession(pipeline.db, SHOP, "shpat_lookup_token");
});

afterAll(async () => {
  await pipeline?.stop();
  setGlobalDispatcher(previous);
  // Not awaited: close waits for the pass-through keep-alive sockets to idle out (seconds).
  void mock.close().catch(() => {});
});

describe("order lookup through the Admin API", () => {
  it("GIVEN a full shipment of an unknown order WHEN it arrives THEN the order is read from the Admin API and 'shipped' is sent", async () => {
    const body = { ...fulfillmentPayload({ id: "424201", status: "success", lines: [[LINE_A, 2], [LINE_B, 1]], created: 10 }), order_id: "4242" };
    const response = await pipeline.post("fulfillments/create", body);
    expect(response.status).toBe(200);
    await pipeline.settle();
    expect(lookupFailures).toEqual([]);
    const orderState = await pipeline.db.query(`SELECT "lookupDueAt", "lookupAttempts", "lookupError" FROM "OrderState" WHERE "orderId" = '4242'`);
    expect(pipeline.received(), JSON.stringify({ orderState, messages: await pipeline.messages() })).toEqual([
      ["shipped", SHIPPING_PHONE_E164, "4242"],
    ]);
    expect(graphqlBodies).toHaveLength(1);
    expect(graphqlBodies[0]).toContain("gid://shopify/Order/4242");
    expect(accessTokens).toEqual(["shpat_lookup_token"]);
    const events = await pipeline.db.query<{ outcome: string }>(`SELECT "outcome" FROM "WebhookEvent" WHERE "orderId" = '4242'`);
    expect(events.map((e) => e.outcome)).toEqual(["deferred"]);
  });
});
