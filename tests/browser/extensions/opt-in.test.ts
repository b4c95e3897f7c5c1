/**
 * The WhatsApp opt-in block as Shopify's host runs it: the built bundles of the thank-you and
 * order-status targets in Chromium, with a stand-in `shopify` global and the app's endpoints
 * answered by the test. What the shopper sees in each state, and what the block sends.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Request, Route } from "playwright-core";
import { launchChromium } from "../support/browser";
import { openExtensionPage, renderExtension, type ExtensionPage } from "../support/extension-page";

const APP = "https://example.com";
const NUMBER = "+91 98123 45601";
const ON = { on: true, consent: "opted_in", pending: false };
const OFF = { on: false, consent: null, pending: false };

let browser: Browser;
let pages: ExtensionPage[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});

afterEach(async () => {
  await Promise.all(pages.map((page) => page.close()));
  pages = [];
});

afterAll(async () => {
  await browser?.close();
});

interface PageFacts {
  phone?: string | null;
  /** The thank-you page's order, or the order-status page's. */
  orderGid?: string;
}

function thankYouGlobal({ phone = NUMBER, orderGid = "gid://shopify/OrderIdentity/5551234" }: PageFacts = {}): string {
  return `globalThis.shopify = {
    shop: { id: "gid://shopify/Shop/1", name: "Sunrise Teas", myshopifyDomain: "sunrise-teas.myshopify.com" },
    orderConfirmation: { value: { order: { id: ${JSON.stringify(orderGid)} }, number: "K2Q4", isFirstOrder: true } },
    buyerIdentity: { phone: { value: ${JSON.stringify(phone ?? undefined)} } },
    billingAddress: { value: { countryCode: "IN" } },
    shippingAddress: { value: undefined },
    sessionToken: { get: async () => "session-token-1" },
  };`;
}

function orderStatusGlobal({ phone = NUMBER, orderGid = "gid://shopify/Order/5551234" }: PageFacts = {}): string {
  return `globalThis.shopify = {
    shop: { id: "gid://shopify/Shop/1", name: "Sunrise Teas", myshopifyDomain: "sunrise-teas.myshopify.com" },
    order: { value: { id: ${JSON.stringify(orderGid)}, name: "#1001" } },
    buyerIdentity: { phone: { value: undefined } },
    billingAddress: { value: { countryCode: "IN", phone: ${JSON.stringify(phone ?? undefined)} } },
    shippingAddress: { value: undefined },
    sessionToken: { get: async () => "session-token-2" },
  };`;
}

type Reply = { status: number; body?: unknown };

/**
 * Answers the app's endpoints: each request gets the next reply of its method (the last one
 * repeats), and is recorded. The browser's CORS preflight is answered as the app answers it.
 */
async function answerApp(page: ExtensionPage, replies: { GET?: Reply[]; POST?: Reply[] }) {
  const seen: Request[] = [];
  const queues = { GET: [...(replies.GET ?? [])], POST: [...(replies.POST ?? [])] };
  const cors = { "access-control-allow-origin": "*", "access-control-allow-headers": "Authorization, Content-Type, X-Opt-In-Phone" };
  await page.page.route(`${APP}/api/opt-in/**`, async (route: Route) => {
    const request = route.request();
    if (request.method() === "OPTIONS") return route.fulfill({ status: 204, headers: cors });
    seen.push(request);
    const queue = queues[request.method() as "GET" | "POST"];
    const reply = (queue.length > 1 ? queue.shift() : queue[0]) ?? { status: 500 };
    return route.fulfill({ status: reply.status, headers: { ...cors, "content-type": "application/json" }, body: JSON.stringify(reply.body ?? {}) });
  });
  return seen;
}

async function open(module: "ThankYou" | "OrderStatus", shopifyGlobal: string): Promise<ExtensionPage> {
  const page = await openExtensionPage(browser, { extension: "whatsapp-opt-in", module, shopifyGlobal });
  pages.push(page);
  return page;
}

const checkbox = (page: ExtensionPage) => page.page.getByRole("checkbox", { name: "Get order updates on WhatsApp" });

async function waitForRequests(seen: Request[], count: number): Promise<void> {
  await expect.poll(() => seen.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(count);
}

/** Chromium logs each answer of 500 as a failed load; anything else logged is a problem. */
const otherProblems = (page: ExtensionPage) => page.problems.filter((problem) => !/Failed to load resource: .* 500/.test(problem));

describe("the thank-you page", () => {
  it("GIVEN a shopper who opted in WHEN the page opens THEN the box is ticked, with the shop's name and their number; one request, with the token and the number in a header", async () => {
    const page = await open("ThankYou", thankYouGlobal());
    const seen = await answerApp(page, { GET: [{ status: 200, body: ON }] });
    await renderExtension(page);
    await expect.poll(() => checkbox(page).getAttribute("aria-checked")).toBe("true");
    await expect.poll(() => checkbox(page).isDisabled()).toBe(false);
    const text = await page.page.locator("body").innerText();
    expect(text).toContain("Sunrise Teas will message you at +91 98123 45601 on WhatsApp");
    expect(seen).toHaveLength(1);
    const [get] = seen;
    expect(get!.url()).toBe(`${APP}/api/opt-in/thank-you?order=5551234&country=IN`);
    expect(await get!.allHeaders()).toMatchObject({ authorization: "Bearer session-token-1", "x-opt-in-phone": NUMBER });
    if (process.env.SCREENSHOTS) await page.screenshot("opt-in-thank-you");
    expect(page.problems).toEqual([]);
  });

  it("GIVEN a shopper not opted in WHEN they tick the box and untick it again THEN each change posts the choice, the order and the words shown", async () => {
    const page = await open("ThankYou", thankYouGlobal());
    const seen = await answerApp(page, { GET: [{ status: 200, body: OFF }], POST: [{ status: 200, body: ON }, { status: 200, body: { on: false, consent: "opted_out", pending: false } }] });
    await renderExtension(page);
    await expect.poll(() => checkbox(page).isDisabled()).toBe(false);
    expect(await checkbox(page).getAttribute("aria-checked")).toBe("false");

    await checkbox(page).click();
    await waitForRequests(seen, 2);
    await expect.poll(() => checkbox(page).isDisabled()).toBe(false);
    expect(await checkbox(page).getAttribute("aria-checked")).toBe("true");
    const opted = seen[1]!;
    expect(opted.method()).toBe("POST");
    expect(opted.url()).toBe(`${APP}/api/opt-in/thank-you`);
    expect(await opted.allHeaders()).toMatchObject({ authorization: "Bearer session-token-1", "content-type": "application/json" });
    const body = opted.postDataJSON() as Record<string, string>;
    expect(body).toMatchObject({ order: "5551234", phone: NUMBER, country: "IN", choice: "opted_in" });
    expect(body.wording).toBe(
      "Get order updates on WhatsApp: Sunrise Teas will message you at +91 98123 45601 on WhatsApp when this order ships or changes. Untick this box or reply STOP at any time to stop.",
    );

    await checkbox(page).click();
    await waitForRequests(seen, 3);
    await expect.poll(() => checkbox(page).isDisabled()).toBe(false);
    expect(await checkbox(page).getAttribute("aria-checked")).toBe("false");
    expect(seen[2]!.postDataJSON()).toMatchObject({ order: "5551234", choice: "opted_out", wording: body.wording });
    expect(page.problems).toEqual([]);
  });

  it("GIVEN the app cannot be reached WHEN the page opens THEN an error offers Try again, which loads the choice", async () => {
    const page = await open("ThankYou", thankYouGlobal());
    const seen = await answerApp(page, { GET: [{ status: 500 }, { status: 200, body: ON }] });
    await renderExtension(page);
    const retry = page.page.getByText("Try again", { exact: true });
    await retry.waitFor();
    expect(await page.page.locator("body").innerText()).toContain("WhatsApp updates could not be loaded");
    expect(await checkbox(page).isDisabled()).toBe(true);
    await retry.click();
    await expect.poll(() => checkbox(page).getAttribute("aria-checked")).toBe("true");
    await expect.poll(() => checkbox(page).isDisabled()).toBe(false);
    expect(await page.page.getByText("Try again", { exact: true }).count()).toBe(0);
    expect(seen.map((request) => request.method())).toEqual(["GET", "GET"]);
    expect(otherProblems(page)).toEqual([]);
  });

  it("GIVEN a choice that could not be saved WHEN the shopper presses Try again THEN the same choice is posted again", async () => {
    const page = await open("ThankYou", thankYouGlobal());
    const seen = await answerApp(page, { GET: [{ status: 200, body: OFF }], POST: [{ status: 500 }, { status: 200, body: ON }] });
    await renderExtension(page);
    await expect.poll(() => checkbox(page).isDisabled()).toBe(false);
    await checkbox(page).click();
    const retry = page.page.getByText("Try again", { exact: true });
    await retry.waitFor();
    expect(await page.page.locator("body").innerText()).toContain("Your choice could not be saved");
    expect(await checkbox(page).getAttribute("aria-checked")).toBe("false");
    await retry.click();
    await waitForRequests(seen, 3);
    await expect.poll(() => checkbox(page).isDisabled()).toBe(false);
    expect(await checkbox(page).getAttribute("aria-checked")).toBe("true");
    expect(await page.page.getByText("Try again", { exact: true }).count()).toBe(0);
    expect(seen.map((request) => [request.method(), request.postDataJSON()?.choice])).toEqual([
      ["GET", undefined],
      ["POST", "opted_in"],
      ["POST", "opted_in"],
    ]);
    expect(otherProblems(page)).toEqual([]);
  });

  it("GIVEN an order without a phone number WHEN the page opens THEN nothing shows and nothing is asked", async () => {
    const page = await open("ThankYou", thankYouGlobal({ phone: null }));
    const seen = await answerApp(page, { GET: [{ status: 200, body: ON }] });
    await renderExtension(page);
    expect(await page.page.locator("body s-section").count()).toBe(0);
    expect(seen).toEqual([]);
    expect(page.problems).toEqual([]);
  });

  it("GIVEN a shop that does not send WhatsApp updates WHEN the app says so THEN the block hides", async () => {
    const page = await open("ThankYou", thankYouGlobal());
    const seen = await answerApp(page, { GET: [{ status: 404, body: { error: "not_offered" } }] });
    await renderExtension(page);
    await waitForRequests(seen, 1);
    await expect.poll(() => page.page.locator("body s-section").count()).toBe(0);
    expect(page.problems.filter((problem) => !/Failed to load resource: .* 404/.test(problem))).toEqual([]);
  });
});

describe("the order-status page", () => {
  it("GIVEN the customer's order WHEN they tick the box THEN the order-status endpoint gets the order and the number from the billing address", async () => {
    const page = await open("OrderStatus", orderStatusGlobal());
    const seen = await answerApp(page, { GET: [{ status: 200, body: OFF }], POST: [{ status: 200, body: ON }] });
    await renderExtension(page);
    await expect.poll(() => checkbox(page).isDisabled()).toBe(false);
    await checkbox(page).click();
    await waitForRequests(seen, 2);
    expect(seen[0]!.url()).toBe(`${APP}/api/opt-in/order-status?order=5551234&country=IN`);
    expect(seen[1]!.url()).toBe(`${APP}/api/opt-in/order-status`);
    expect(await seen[1]!.allHeaders()).toMatchObject({ authorization: "Bearer session-token-2" });
    expect(seen[1]!.postDataJSON()).toMatchObject({ order: "5551234", phone: NUMBER, country: "IN", choice: "opted_in" });
    await expect.poll(() => checkbox(page).getAttribute("aria-checked")).toBe("true");
    expect(page.problems).toEqual([]);
  });
});
