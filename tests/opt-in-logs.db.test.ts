/**
 * The opt-in endpoints log no phone number: the production server process at trace level,
 * through a recorded choice, a refused number, a choice kept for an order not received yet,
 * a bad token and a state read, and its whole output searched for the shopper's digits.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderPayload } from "../app/orders/__fixtures__/lifecycle";
import { OPT_IN_PHONE_HEADER } from "../app/consent/opt-in-http.server";
import { makeShop } from "./factories";
import { EXTENSION_BROWSER_HEADERS, extensionToken, postOptIn } from "./helpers/extension-requests";
import { fileDatabase } from "./helpers/file-database";
import { freePort, waitFor, type RunningProcess } from "./helpers/process";
import { killHard, PROCESS_SECRET, processEnvironment, startServerProcess, waitForHealthy } from "./reliability/helpers/processes";
import { deliver } from "./reliability/helpers/shopify";

const SHOP = "opt-in-logs.myshopify.com";
const PHONE = "+919812399871";
const OTHER = "+919812399872";
const WORDING = "Get order updates on WhatsApp: Log Shop will message you at +91 98123 99871 on WhatsApp.";
const ORDER_ID = "950000001";

const { database, db } = fileDatabase();
let server: RunningProcess;
let url: string;
let apiKey: string;

beforeAll(async () => {
  await makeShop(db, SHOP, { consentPolicy: "opted_in" });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const options = { databaseUrl: database.url, kaleyraUrl: "http://127.0.0.1:9", port, logLevel: "trace" };
  apiKey = processEnvironment(options).SHOPIFY_API_KEY ?? "";
  server = startServerProcess(options);
  await waitForHealthy(url, server);
}, 60_000);

afterAll(async () => {
  if (server) await killHard(server);
});

describe("the opt-in endpoints' logs", () => {
  it("GIVEN choices recorded, refused and kept, a bad token and a read WHEN the server logged at trace THEN no form of the number is in its output", async () => {
    const order = orderPayload({ id: ORDER_ID, name: "#7001", phone: PHONE });
    expect((await deliver(url, { topic: "orders/create", shop: SHOP, body: order, secret: PROCESS_SECRET })).ok).toBe(true);
    const bearer = await extensionToken(SHOP, {}, PROCESS_SECRET, apiKey);
    const choice = { order: ORDER_ID, phone: "+91 98123 99871", choice: "opted_in", wording: WORDING };
    await waitFor(async () => ((await db.query(`SELECT 1 FROM "OrderState" WHERE "orderId" = ?`, [ORDER_ID])).length > 0 ? true : undefined), 15_000, "the order to be decided");
    expect(await (await postOptIn(url, "/api/opt-in/thank-you", bearer, choice)).json()).toMatchObject({ pending: false });
    expect((await postOptIn(url, "/api/opt-in/thank-you", bearer, { ...choice, phone: OTHER })).status).toBe(403);
    expect((await postOptIn(url, "/api/opt-in/thank-you", bearer, { ...choice, order: "950000002" })).status).toBe(200);
    expect((await postOptIn(url, "/api/opt-in/thank-you", `${bearer}x`, choice)).status).toBe(401);
    const read = await fetch(`${url}/api/opt-in/thank-you?order=${ORDER_ID}`, { headers: { ...EXTENSION_BROWSER_HEADERS, authorization: `Bearer ${bearer}`, [OPT_IN_PHONE_HEADER]: PHONE } });
    expect(await read.json()).toMatchObject({ on: true, consent: "opted_in" });

    const output = server.output();
    expect(output).toContain("opt-in choice recorded");
    expect(output).toContain("opt-in request refused");
    for (const digits of ["9812399871", "98123 99871", "9812399872"]) expect(output).not.toContain(digits);
  });
});
