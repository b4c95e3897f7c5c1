/**
 * Shop isolation of every route the app has (app/routes), called over HTTP against the
 * production build exactly as Shopify and the embedded admin call them:
 *
 * - the admin (`app.*`): Remix data requests with `Authorization: Bearer <session token>`
 *   and documents opened with `id_token`, as shop A, with shop B's domain and ids in the
 *   URL and in the forms. Nothing of B may be read or changed.
 * - auth and the landing routes: A's token with B's domain, a forged OAuth callback for B.
 *   Nothing of B is shown, B's session is not replaced.
 * - webhooks: a delivery signed under shop C's header whose body names B's orders and domain
 *   changes C's rows only; the same signed delivery replayed under B's header is refused.
 *
 * ROUTE_CHECKS lists every route file with its checks; a meta-test fails when a route file
 * is added without being listed here.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlDatabase, type SqlDatabase } from "../app/db/sql.server";
import { ORDER_STATUSES } from "../app/kaleyra/statuses";
import {
  cancelledOrderPayload,
  fulfillmentEventPayload,
  fulfillmentPayload,
  LINE_A,
  orderPayload,
  orderUpdatedPayload,
} from "../app/orders/__fixtures__/lifecycle";
import { applyOrder } from "../app/orders/knowledge";
import { parseOrderPayload } from "../app/orders/payloads";
import { saveOrder } from "../app/pipeline/order-state.server";
import { DEFAULT_TEMPLATES } from "../app/templates/defaults";
import { startKaleyraSandbox, type KaleyraSandbox } from "../sandbox/kaleyra-sandbox";
import { embeddedUrl, hostParam, sessionToken, storeOfflineSession } from "./browser/support/shopify-session";
import { startTestApp, type TestApp } from "./helpers/app";
import { ACCOUNT, makeMessage, makeShop, makeTemplate, makeWhatsAppTemplate } from "./factories";
import { postWebhook } from "./helpers/webhooks";
import { customerAccountToken, extensionToken, postOptIn } from "./helpers/extension-requests";
import { kaleyraStatusCallback } from "../app/receipts/__fixtures__/callbacks";
import { refFor } from "../app/receipts/kaleyra-callback";
import { CALLBACK_SECRET_HEADER, issueCallbackCredentials } from "../app/receipts/receive.server";
import { claimFlowActionRun } from "../app/db/repositories/flow-action-runs.server";
import { webhookHmac } from "../app/webhooks/hmac.server";

const A = "isolation-a.myshopify.com";
const B = "isolation-b.myshopify.com";
/** Sends webhooks only: its deliveries name B's data, and are replayed under B's header. */
const C = "isolation-c.myshopify.com";
const B_SID = "HXBSHOPSECRETSID";
const B_ORDER = "#B-7777";
const B_ORDER_ID = "77771";
const B_TEMPLATE = "Only shop B writes {{order_name}} like this";
const BROWSER = { "user-agent": "Mozilla/5.0 Chrome/140.0" };

let sandbox: KaleyraSandbox;
let app: TestApp;
let db: SqlDatabase;
let bMessages: { failed: string; skipped: string; sent: string };
let aFailed: string;

/** A shipped message Kaleyra refused (WA400), in the given state. */
function insertMessage(shop: string, values: { id: string; orderId: string; orderName: string; state: string }): Promise<string> {
  return makeMessage(db, shop, {
    ...values,
    dedupeKey: `${values.orderId}:shipped`,
    recipientSource: null,
    bodyText: "Shipped",
    lastOutcome: "rejected",
    lastCode: "WA400",
    lastDetail: "Kaleyra refused the message format. x",
    skipReason: values.state === "skipped" ? "the shipped template is switched off" : null,
    createdAt: new Date(),
  });
}

/** Everything the app holds of a shop, to compare before and after. */
async function snapshotOf(shop: string): Promise<unknown> {
  const byShop = (table: string, order: string) =>
    db.query(`SELECT * FROM "${table}" WHERE "shopDomain" = ? ORDER BY "${order}"`, [shop]);
  return {
    shop: await db.query(`SELECT * FROM "Shop" WHERE "domain" = ?`, [shop]),
    templates: await byShop("Template", "status"),
    messages: await byShop("Message", "id"),
    orders: await byShop("OrderState", "orderId"),
    events: await byShop("WebhookEvent", "id"),
    dataRequests: await byShop("DataRequest", "id"),
    whatsAppTemplates: await byShop("WhatsAppTemplate", "id"),
    shoppers: await byShop("Shopper", "phone"),
    flowRuns: await byShop("FlowActionRun", "actionRunId"),
    optIns: await byShop("OrderOptIn", "orderId"),
    sessions: await db.query(`SELECT * FROM "Session" WHERE "shop" = ? ORDER BY "id"`, [shop]),
  };
}

const snapshotOfB = () => snapshotOf(B);

function dataUrl(urlPath: string, routeId: string, extra: Record<string, string> = {}): string {
  const url = new URL(urlPath, app.url);
  url.searchParams.set("_data", routeId);
  for (const [name, value] of Object.entries(extra)) url.searchParams.set(name, value);
  return url.toString().replace("index=&", "index&");
}

/** A Remix data request as the embedded app makes it, authenticated as `shop`. */
async function asShop(shop: string, url: string, form?: Record<string, string>): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method: form ? "POST" : "GET",
    headers: { authorization: `Bearer ${sessionToken(shop)}`, ...BROWSER },
    body: form ? new URLSearchParams(form) : undefined,
    redirect: "manual",
  });
  return { status: response.status, text: await response.text() };
}

const asA = (url: string, form?: Record<string, string>) => asShop(A, url, form);

/** A page opened as the admin opens it for A, with B's domain and host put in the URL. */
async function documentAsAWithBInUrl(urlPath: string): Promise<{ status: number; text: string }> {
  const url = new URL(embeddedUrl(app.url, urlPath, A));
  url.searchParams.set("shop", B);
  url.searchParams.set("host", hostParam(B));
  const response = await fetch(url, { headers: BROWSER, redirect: "manual" });
  return { status: response.status, text: await response.text() };
}

/** B's token with A's signature: what a shop can forge without the app's secret. */
function forgedTokenOfB(): string {
  const [header, payload] = sessionToken(B).split(".");
  const signature = sessionToken(A).split(".")[2];
  return `${header}.${payload}.${signature}`;
}

/** What B's data looks like in any answer: none of these may appear in A's. */
function expectNothingOfB(text: string): void {
  for (const secret of [B, B_SID, B_ORDER, B_TEMPLATE, bMessages.failed, bMessages.skipped, bMessages.sent, `shpat_test_${B.replace(/\W/g, "_")}`]) {
    expect(text).not.toContain(secret);
  }
}

const B_PHONE = "+15025550147";
const OPT_IN_CHOICE = { order: B_ORDER_ID, phone: B_PHONE, choice: "opted_out", wording: "Get order updates on WhatsApp: the shop will message you on WhatsApp." };

/** What B's app knows of B's order (its buyer's number), as its webhooks would have told it. */
async function knowBOrder(): Promise<void> {
  const parsed = parseOrderPayload(orderPayload({ id: B_ORDER_ID, name: B_ORDER, phone: B_PHONE }));
  if (!parsed.ok) throw new Error(parsed.reason);
  await saveOrder(db, B, applyOrder(undefined, parsed.value), { dueAt: null }, new Date());
}

const SETTINGS_FORM = {
  intent: "save",
  kaleyraSid: ACCOUNT.sid,
  apiKey: "",
  pod: "IN",
  businessNumber: ACCOUNT.number,
  enabled: "true",
  referenceIdSource: "order_id",
  sendProcessingOnCreate: "true",
};

/** A run of Shopify Flow's action for `shop`, signed as Flow signs it (with the app's secret unless told). */
async function flowRun(shop: string, properties: Record<string, unknown>, actionRunId: string, secret = process.env.SHOPIFY_API_SECRET ?? "") {
  const body = JSON.stringify({ shop_id: 1, shopify_domain: shop, action_run_id: actionRunId, handle: "send-whatsapp-update", properties });
  const response = await fetch(`${app.url}/flow/actions/send-order-update`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-hmac-sha256": webhookHmac(body, secret) },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

// ---------------------------------------------------------------------------------------
// The checks, by route file.

type Check = readonly [name: string, run: () => Promise<void>];

/** An admin page: a forged token is refused, and A's document with B's domain in the URL shows A's page only. */
function adminPageChecks(urlPath: string, routeId: string, documentStatus = 200): Check[] {
  // The search box shows what the URL searches for: the document is opened without one.
  const documentPath = urlPath.replace(/\?q=.*$/, "");
  return [
    [
      `GIVEN B's session token forged without the app's secret WHEN ${routeId}'s data is asked for THEN 401 and nothing of B`,
      async () => {
        const response = await fetch(dataUrl(urlPath, routeId), {
          headers: { authorization: `Bearer ${forgedTokenOfB()}`, ...BROWSER },
          redirect: "manual",
        });
        expect(response.status).toBe(401);
        expectNothingOfB(await response.text());
      },
    ],
    [
      `GIVEN A's id_token and B's domain in the URL WHEN ${documentPath} is opened as a page THEN A's page, nothing of B`,
      async () => {
        const before = await snapshotOfB();
        const page = await documentAsAWithBInUrl(documentPath);
        expect(page.status).toBe(documentStatus);
        expect(page.text).toContain("<!DOCTYPE html>");
        // A form posts back to the page's own URL, which the caller wrote: that is no data of B.
        expectNothingOfB(page.text.replace(/ action="[^"]*"/g, ""));
        expect(await snapshotOfB()).toEqual(before);
      },
    ],
  ];
}

/** A delivery signed under C's header naming B's data changes C only; replayed under B's header it is refused. */
function webhookChecks(topic: string, body: () => unknown, options: { replay?: boolean } = {}): Check[] {
  const webhookId = `isolation-${topic}`;
  const checks: Check[] = [
    [
      `GIVEN ${topic} signed under another shop's header naming B's order and domain WHEN delivered THEN only that shop's rows change`,
      async () => {
        const before = await snapshotOfB();
        const eventsOfC = async () => (await db.query(`SELECT "id" FROM "WebhookEvent" WHERE "shopDomain" = ?`, [C])).length;
        const cEventsBefore = await eventsOfC();
        const response = await postWebhook(app.url, { topic, shop: C, body: body(), webhookId });
        expect(response.status).toBe(200);
        // shop/redact deletes C's events, its own included; every other topic keeps one more.
        if (topic !== "shop/redact") expect(await eventsOfC()).toBe(cEventsBefore + 1);
        expect(await snapshotOfB()).toEqual(before);
      },
    ],
  ];
  if (options.replay !== false) {
    checks.push([
      `GIVEN that ${topic} delivery WHEN replayed with B's shop header THEN 401 and nothing of B changes`,
      async () => {
        const before = await snapshotOfB();
        const response = await postWebhook(app.url, { topic, shop: B, body: body(), webhookId });
        expect(response.status).toBe(401);
        expect(await snapshotOfB()).toEqual(before);
      },
    ]);
  }
  return checks;
}

/** A signed body that names shop B, sent under another shop's header: refused, nothing stored. */
function refusedWhenNamingB(topic: string, body: unknown): Check {
  return [
    `GIVEN a ${topic} body naming B sent under another shop's header WHEN delivered THEN 401 and nothing of B changes`,
    async () => {
      const before = await snapshotOfB();
      const response = await postWebhook(app.url, { topic, shop: C, body, webhookId: `${topic}-naming-b` });
      expect(response.status).toBe(401);
      expect(await snapshotOfB()).toEqual(before);
    },
  ];
}

const ordersBody = () => orderPayload({ id: B_ORDER_ID, name: B_ORDER });
const fulfillmentBody = (status: string) => () => ({
  ...fulfillmentPayload({ id: "7777001", status, lines: [[LINE_A, 2]], created: 30 }),
  order_id: B_ORDER_ID,
  name: `${B_ORDER}.1`,
});

const ROUTE_CHECKS: Record<string, Check[]> = {
  "app.tsx": [
    [
      "GIVEN no session token WHEN a page's data is asked for THEN it is refused",
      async () => {
        const response = await fetch(dataUrl("/app/settings", "routes/app.settings"), { headers: BROWSER, redirect: "manual" });
        expect(response.status).not.toBe(200);
        expectNothingOfB(await response.text());
      },
    ],
    [
      "GIVEN a token for another app WHEN a page's data is asked for THEN 401",
      async () => {
        const forged = await fetch(dataUrl("/app/settings", "routes/app.settings"), {
          headers: { authorization: `Bearer ${sessionToken(B, { aud: "another-app" })}`, ...BROWSER },
          redirect: "manual",
        });
        expect(forged.status).toBe(401);
        expect(await forged.text()).not.toContain(B_SID);
      },
    ],
    [
      "GIVEN B's domain in the URL WHEN A loads the layout THEN 200 with the app's key only",
      async () => {
        const layout = await asA(dataUrl("/app", "routes/app", { shop: B }));
        expect(layout.status).toBe(200);
        expect(JSON.parse(layout.text)).toEqual({ apiKey: process.env.SHOPIFY_API_KEY });
      },
    ],
    ...adminPageChecks("/app", "routes/app"),
  ],

  "app._index.tsx": [
    [
      "GIVEN B's domain in the URL WHEN A loads Home THEN A's own data comes back",
      async () => {
        const before = await snapshotOfB();
        const home = await asA(dataUrl("/app?index", "routes/app._index", { shop: B }));
        expect(home.status).toBe(200);
        expectNothingOfB(home.text);
        // B is paused for low balance; A is not, so A's Home has no such banner.
        expect(home.text).not.toContain("low_balance");
        expect(await snapshotOfB()).toEqual(before);
      },
    ],
    [
      "GIVEN B's domain in the form WHEN A posts Home's resume THEN B stays paused",
      async () => {
        const before = await snapshotOfB();
        const response = await asA(dataUrl("/app?index", "routes/app._index"), { intent: "resume", shop: B, domain: B });
        expect(response.status).toBe(200);
        expect(JSON.parse(response.text)).toMatchObject({ ok: true, resumed: false });
        expect(await snapshotOfB()).toEqual(before);
      },
    ],
    ...adminPageChecks("/app?index", "routes/app._index"),
  ],

  "app.settings.tsx": [
    [
      "GIVEN B's domain in the URL WHEN A loads Settings THEN A's settings come back, never B's SID",
      async () => {
        const response = await asA(dataUrl("/app/settings", "routes/app.settings", { shop: B }));
        expect(response.status).toBe(200);
        expect(JSON.parse(response.text).settings.kaleyraSid).toBe(ACCOUNT.sid);
        expectNothingOfB(response.text);
      },
    ],
    [
      "GIVEN B's domain in the form WHEN A saves settings THEN A's row changes and B's does not",
      async () => {
        const before = await snapshotOfB();
        const response = await asA(dataUrl("/app/settings", "routes/app.settings", { shop: B }), {
          ...SETTINGS_FORM,
          businessNumber: "+919876500003",
          shop: B,
          domain: B,
          shopDomain: B,
        });
        expect(JSON.parse(response.text)).toMatchObject({ intent: "save", ok: true });
        const [a] = await db.query<{ businessNumber: string }>(`SELECT "businessNumber" FROM "Shop" WHERE "domain" = ?`, [A]);
        expect(a?.businessNumber).toBe("+919876500003");
        expect(await snapshotOfB()).toEqual(before);
      },
    ],
    [
      "GIVEN B's domain in the form WHEN A sends a test message THEN it goes with A's account and B is not marked",
      async () => {
        await db.execute(`UPDATE "Shop" SET "businessNumber" = ? WHERE "domain" = ?`, [ACCOUNT.number, A]);
        const before = await snapshotOfB();
        sandbox.reset();
        const response = await asA(dataUrl("/app/settings", "routes/app.settings"), { intent: "test", to: "+919812345678", shop: B });
        expect(JSON.parse(response.text)).toMatchObject({ intent: "test", ok: true, report: { code: "WA202" } });
        expect(sandbox.received.map((message) => message.sid)).toEqual([ACCOUNT.sid]);
        expect(await snapshotOfB()).toEqual(before);
      },
    ],
    ...adminPageChecks("/app/settings", "routes/app.settings"),
  ],

  "app.templates.tsx": [
    [
      "GIVEN B's domain in the URL and form WHEN A loads and saves templates THEN only A's templates are read and written",
      async () => {
        const before = await snapshotOfB();
        const loaded = await asA(dataUrl("/app/templates", "routes/app.templates", { shop: B }));
        expect(loaded.status).toBe(200);
        expectNothingOfB(loaded.text);
        const form: Record<string, string> = { shop: B, shopDomain: B };
        for (const status of ORDER_STATUSES) {
          form[`${status}.enabled`] = "true";
          form[`${status}.body`] = `A's ${status}: ${DEFAULT_TEMPLATES[status].body}`;
          form[`${status}.description`] = "";
        }
        const saved = await asA(dataUrl("/app/templates", "routes/app.templates"), form);
        expect(JSON.parse(saved.text)).toMatchObject({ ok: true });
        const aTemplates = await db.query(`SELECT "id" FROM "Template" WHERE "shopDomain" = ?`, [A]);
        expect(aTemplates).toHaveLength(5);
        expect(await snapshotOfB()).toEqual(before);
      },
    ],
    [
      "GIVEN B's domain as a status in the field names WHEN A saves templates THEN B's templates are untouched",
      async () => {
        const before = await snapshotOfB();
        const form: Record<string, string> = {};
        for (const status of ORDER_STATUSES) {
          form[`${status}.enabled`] = "true";
          form[`${status}.body`] = DEFAULT_TEMPLATES[status].body;
          form[`${B}.body`] = "B was written by A";
          form[`${status}.shopDomain`] = B;
        }
        const saved = await asA(dataUrl("/app/templates", "routes/app.templates"), form);
        expect(JSON.parse(saved.text)).toMatchObject({ ok: true });
        expect(await snapshotOfB()).toEqual(before);
      },
    ],
    ...adminPageChecks("/app/templates", "routes/app.templates"),
  ],

  "app.messages._index.tsx": [
    [
      "GIVEN B's order name as the search WHEN A lists messages THEN none of B's messages are listed",
      async () => {
        const response = await asA(dataUrl("/app/messages?index", "routes/app.messages._index", { q: B_ORDER, shop: B }));
        expect(response.status).toBe(200);
        expect(JSON.parse(response.text).rows).toEqual([]);
        const byId = await asA(dataUrl("/app/messages?index", "routes/app.messages._index", { q: B_ORDER_ID }));
        expect(JSON.parse(byId.text).rows).toEqual([]);
        const all = await asA(dataUrl("/app/messages?index", "routes/app.messages._index"));
        expect(JSON.parse(all.text).rows.map((row: { id: string }) => row.id)).toEqual([aFailed]);
        expectNothingOfB(all.text);
      },
    ],
    ...adminPageChecks(`/app/messages?q=${encodeURIComponent(B_ORDER)}`, "routes/app.messages._index"),
  ],

  "app.messages.$id.tsx": [
    ...(["failed", "skipped", "sent"] as const).map(
      (which): Check => [
        `GIVEN B's ${which} message id in the URL WHEN A opens it THEN 404 and nothing of it`,
        async () => {
          const response = await asA(dataUrl(`/app/messages/${bMessages[which]}`, "routes/app.messages.$id"));
          expect(response.status).toBe(404);
          expect(response.text).not.toContain(B_ORDER);
          expect(response.text).not.toContain(B_ORDER_ID);
        },
      ],
    ),
    ...(["failed", "skipped"] as const).map(
      (which): Check => [
        `GIVEN B's ${which} message id in the URL WHEN A retries it THEN 404 and it is unchanged`,
        async () => {
          const before = await snapshotOfB();
          const response = await asA(dataUrl(`/app/messages/${bMessages[which]}`, "routes/app.messages.$id"), { intent: "retry" });
          expect(response.status).toBe(404);
          expect(await snapshotOfB()).toEqual(before);
        },
      ],
    ),
    [
      "GIVEN B's message id in the form of A's own retry WHEN posted THEN only A's message is retried",
      async () => {
        const before = await snapshotOfB();
        const response = await asA(dataUrl(`/app/messages/${aFailed}`, "routes/app.messages.$id"), {
          intent: "retry",
          id: bMessages.failed,
          messageId: bMessages.failed,
          shop: B,
        });
        expect(JSON.parse(response.text)).toMatchObject({ ok: true, state: "queued" });
        const [a] = await db.query<{ state: string }>(`SELECT "state" FROM "Message" WHERE "id" = ?`, [aFailed]);
        expect(a?.state).not.toBe("failed");
        expect(await snapshotOfB()).toEqual(before);
      },
    ],
    [
      "GIVEN B's message id WHEN A opens it as a page THEN the not-found page, nothing of B",
      async () => {
        const page = await documentAsAWithBInUrl(`/app/messages/${bMessages.failed}`);
        expect(page.status).toBe(404);
        expect(page.text).toContain("This message does not exist in your shop");
        expectNothingOfB(page.text);
      },
    ],
    ...adminPageChecks(`/app/messages/${encodeURIComponent("no-such-message")}`, "routes/app.messages.$id", 404).slice(0, 1),
  ],

  "app.test-delivery.tsx": [
    [
      "GIVEN B's test message read and A's without callbacks WHEN A asks for the test's delivery with B's domain in the URL THEN A's (none), nothing of B",
      async () => {
        const read = JSON.stringify({ state: "read", readAt: "2026-12-02T10:00:00.000Z" });
        await db.execute(`UPDATE "Shop" SET "testMessageId" = 'k-test-b', "testDelivery" = ? WHERE "domain" = ?`, [read, B]);
        await db.execute(`UPDATE "Shop" SET "testMessageId" = NULL, "testDelivery" = NULL WHERE "domain" = ?`, [A]);
        const response = await asA(dataUrl("/app/test-delivery", "routes/app.test-delivery", { shop: B }));
        expect(response.status).toBe(200);
        expect(JSON.parse(response.text)).toEqual({ delivery: null });
        expectNothingOfB(response.text);
      },
    ],
    [
      "GIVEN B's session token forged without the app's secret WHEN the test's delivery is asked for THEN 401 and nothing of B",
      async () => {
        const response = await fetch(dataUrl("/app/test-delivery", "routes/app.test-delivery"), {
          headers: { authorization: `Bearer ${forgedTokenOfB()}`, ...BROWSER },
          redirect: "manual",
        });
        expect(response.status).toBe(401);
        expectNothingOfB(await response.text());
      },
    ],
  ],

  // The order page's WhatsApp block: the admin's fetch from Shopify's origin with A's token.
  "api.orders.$orderId.whatsapp.tsx": [
    [
      "GIVEN B's order id, as a number and as a GraphQL id WHEN A's block asks for its timeline THEN 404 and nothing of B",
      async () => {
        for (const orderId of [B_ORDER_ID, `gid://shopify/Order/${B_ORDER_ID}`]) {
          const response = await asA(new URL(`/api/orders/${encodeURIComponent(orderId)}/whatsapp?shop=${B}`, app.url).toString());
          expect(response.status).toBe(404);
          expectNothingOfB(response.text);
        }
      },
    ],
    [
      "GIVEN B's failed message id WHEN A's block retries it through B's order and through A's own THEN 404 and B is unchanged",
      async () => {
        const before = await snapshotOfB();
        for (const orderId of [B_ORDER_ID, "11111"]) {
          const response = await fetch(new URL(`/api/orders/${orderId}/whatsapp`, app.url), {
            method: "POST",
            headers: { authorization: `Bearer ${sessionToken(A)}`, "content-type": "application/json", origin: "https://extensions.shopifycdn.com", ...BROWSER },
            body: JSON.stringify({ intent: "retry", messageId: bMessages.failed, shop: B }),
          });
          expect(response.status).toBe(404);
          expectNothingOfB(await response.text());
        }
        expect(await snapshotOfB()).toEqual(before);
      },
    ],
    [
      "GIVEN B's session token forged without the app's secret WHEN B's timeline is asked for THEN 401 and nothing of B",
      async () => {
        const response = await fetch(new URL(`/api/orders/${B_ORDER_ID}/whatsapp`, app.url), {
          headers: { authorization: `Bearer ${forgedTokenOfB()}`, ...BROWSER },
        });
        expect(response.status).toBe(401);
        expectNothingOfB(await response.text());
      },
    ],
  ],

  // The WhatsApp opt-in block on the thank-you and order-status pages: an extension's token of shop A.
  "api.opt-in.thank-you.tsx": [
    [
      "GIVEN B's order and its number WHEN A's thank-you page posts a choice for it THEN nothing of B changes or is answered",
      async () => {
        await knowBOrder();
        const before = await snapshotOfB();
        const response = await postOptIn(app.url, "/api/opt-in/thank-you", await extensionToken(A), { ...OPT_IN_CHOICE, order: `gid://shopify/OrderIdentity/${B_ORDER_ID}` });
        // A has no such order: the choice waits under A for an order that will never come to A.
        expect(response.status).toBe(200);
        expectNothingOfB(await response.text());
        expect(await snapshotOfB()).toEqual(before);
      },
    ],
    [
      "GIVEN B's session token forged without the app's secret WHEN a choice is posted THEN 401 and nothing of B changes",
      async () => {
        const before = await snapshotOfB();
        const response = await postOptIn(app.url, "/api/opt-in/thank-you", forgedTokenOfB(), OPT_IN_CHOICE);
        expect(response.status).toBe(401);
        expect(await snapshotOfB()).toEqual(before);
      },
    ],
  ],
  "api.opt-in.order-status.tsx": [
    [
      "GIVEN B's order WHEN A's signed-in customer posts a choice for it THEN 404 and nothing of B changes",
      async () => {
        await knowBOrder();
        const before = await snapshotOfB();
        const response = await postOptIn(app.url, "/api/opt-in/order-status", await customerAccountToken(A, "4400"), OPT_IN_CHOICE);
        expect(response.status).toBe(404);
        expectNothingOfB(await response.text());
        expect(await snapshotOfB()).toEqual(before);
      },
    ],
    [
      "GIVEN B's session token forged without the app's secret WHEN a choice is posted THEN 401 and nothing of B changes",
      async () => {
        const before = await snapshotOfB();
        const response = await postOptIn(app.url, "/api/opt-in/order-status", forgedTokenOfB(), OPT_IN_CHOICE);
        expect(response.status).toBe(401);
        expect(await snapshotOfB()).toEqual(before);
      },
    ],
  ],

  "auth.$.tsx": [
    [
      "GIVEN A's token and B's domain WHEN the auth paths are asked THEN nothing of B is answered and no cookie is set",
      async () => {
        const before = await snapshotOfB();
        const paths = [
          `/auth?shop=${B}`,
          `/auth/session-token?shop=${B}&host=${hostParam(B)}`,
          `/auth/exit-iframe?shop=${B}&exitIframe=${encodeURIComponent("https://admin.shopify.com/apps")}`,
          `/auth/anything?shop=${B}`,
        ];
        for (const urlPath of paths) {
          for (const url of [new URL(urlPath, app.url).toString(), dataUrl(urlPath, "routes/auth.$")]) {
            const response = await fetch(url, { headers: { authorization: `Bearer ${sessionToken(A)}`, ...BROWSER }, redirect: "manual" });
            expect(response.status, url).toBeLessThan(500);
            expect(response.headers.get("set-cookie"), url).toBeNull();
            expectNothingOfB((await response.text()).replaceAll(B, "<the shop named in the URL>"));
          }
        }
        expect(await snapshotOfB()).toEqual(before);
      },
    ],
    [
      "GIVEN a forged OAuth callback for B WHEN it is opened THEN B's session is not replaced",
      async () => {
        const before = await snapshotOfB();
        const query = new URLSearchParams({ shop: B, code: "forged-code", hmac: "00".repeat(32), state: "forged", timestamp: "1700000000", host: hostParam(B) });
        for (const headers of [BROWSER, { authorization: `Bearer ${sessionToken(A)}`, ...BROWSER }]) {
          const response = await fetch(new URL(`/auth/callback?${query}`, app.url), { headers, redirect: "manual" });
          expect(response.status).toBeLessThan(500);
          expect(response.headers.get("set-cookie")).toBeNull();
        }
        expect(await snapshotOfB()).toEqual(before);
      },
    ],
  ],

  "auth.login/route.tsx": [
    [
      "GIVEN B's domain WHEN A's browser asks to log in as B THEN it is sent to B's own Shopify admin, nothing of B shown or changed",
      async () => {
        const before = await snapshotOfB();
        const asked = await fetch(new URL(`/auth/login?shop=${B}`, app.url), {
          headers: { authorization: `Bearer ${sessionToken(A)}`, ...BROWSER },
          redirect: "manual",
        });
        const posted = await fetch(new URL("/auth/login", app.url), {
          method: "POST",
          headers: { authorization: `Bearer ${sessionToken(A)}`, ...BROWSER },
          body: new URLSearchParams({ shop: B }),
          redirect: "manual",
        });
        for (const response of [asked, posted]) {
          expect(response.status).toBe(302);
          expect(response.headers.get("location")).toBe(
            `https://admin.shopify.com/store/isolation-b/oauth/install?client_id=${process.env.SHOPIFY_API_KEY}`,
          );
          expect(response.headers.get("set-cookie")).toBeNull();
          expect(await response.text()).toBe("");
        }
        expect(await snapshotOfB()).toEqual(before);
      },
    ],
  ],

  "_index/route.tsx": [
    [
      "GIVEN B's domain WHEN the landing page is opened THEN it only redirects, and A's token on the target shows A's data",
      async () => {
        const landing = await fetch(new URL(`/?shop=${B}`, app.url), { headers: BROWSER, redirect: "manual" });
        expect(landing.status).toBe(302);
        expect(landing.headers.get("location")).toBe(`/app?shop=${B}`);
        expectNothingOfB((await landing.text()).replaceAll(B, ""));
        const target = await asA(dataUrl(landing.headers.get("location") ?? "", "routes/app._index", { index: "" }));
        expect(target.status).toBe(200);
        expectNothingOfB(target.text);
      },
    ],
  ],

  // Kaleyra's status callbacks: C's URL token and secret name B's message.
  // Shopify Flow's action: the signed body names its shop; a run acts in that shop only.
  "flow.actions.send-order-update.tsx": [
    [
      "GIVEN A's Flow run naming an order id B also has, with an action_run_id B used WHEN sent THEN A's own run and message, and nothing of B changes",
      async () => {
        await claimFlowActionRun(db, { shopDomain: B, actionRunId: "run-shared", orderId: B_ORDER_ID, outcome: "refused", reason: "a reason only B has", createdAt: new Date() });
        const parsed = parseOrderPayload(orderPayload({ id: B_ORDER_ID, name: "#A-7777" }));
        if (!parsed.ok) throw new Error(parsed.reason);
        await saveOrder(db, A, applyOrder(undefined, parsed.value), { dueAt: null }, new Date());
        const before = await snapshotOfB();
        const response = await flowRun(A, { order_id: B_ORDER_ID }, "run-shared");
        // B's messages of that order (shipped) do not count: A's order is only placed.
        expect(response).toMatchObject({ status: 200, body: { outcome: "queued", status: "processing" } });
        expect(JSON.stringify(response.body)).not.toContain("a reason only B has");
        expect(await db.query(`SELECT "shopDomain" FROM "Message" WHERE "dedupeKey" LIKE '%:flow:run-shared'`)).toEqual([{ shopDomain: A }]);
        expect(await snapshotOfB()).toEqual(before);
      },
    ],
    [
      "GIVEN a Flow body naming B WHEN signed with another secret THEN 401 and nothing of B changes",
      async () => {
        const before = await snapshotOfB();
        const response = await flowRun(B, { order_id: B_ORDER_ID, status: "cancelled" }, "run-forged", "another app's secret");
        expect(response.status).toBe(401);
        expect(await snapshotOfB()).toEqual(before);
      },
    ],
  ],
  "kaleyra.callbacks.$token.tsx": [
    [
      "GIVEN C's callback URL and secret WHEN a callback names B's message THEN it is kept for C, as ignored, and nothing of B changes",
      async () => {
        const before = await snapshotOfB();
        const { token, secret } = await issueCallbackCredentials(db, C, new Date());
        const [ofB] = await db.query<{ id: string; kaleyraMessageId: string | null }>(`SELECT "id", "kaleyraMessageId" FROM "Message" WHERE "shopDomain" = ? LIMIT 1`, [B]);
        expect(ofB).toBeDefined();
        const response = await fetch(`${app.url}/kaleyra/callbacks/${token}`, {
          method: "POST",
          headers: { "content-type": "application/json", [CALLBACK_SECRET_HEADER]: secret },
          body: JSON.stringify(kaleyraStatusCallback({ status: "failed", ref: refFor(ofB!.id), kaleyraId: ofB!.kaleyraMessageId ?? "k-b", errors: [{ code: 131047 }] })),
        });
        expect(response.status).toBe(200);
        await app.inboxSettled();
        expect(await snapshotOfB()).toEqual(before);
      },
    ],
    [
      "GIVEN C's callback URL WHEN a callback comes with another secret THEN 401",
      async () => {
        const { token } = await issueCallbackCredentials(db, C, new Date());
        const response = await fetch(`${app.url}/kaleyra/callbacks/${token}`, {
          method: "POST",
          headers: { "content-type": "application/json", [CALLBACK_SECRET_HEADER]: "the secret of some other shop" },
          body: JSON.stringify(kaleyraStatusCallback({ status: "read" })),
        });
        expect(response.status).toBe(401);
      },
    ],
  ],
  // Inbound messages: C's URL token and secret, from B's shopper, touch only C's records.
  "kaleyra.inbound.$token.tsx": [
    [
      "GIVEN C's Incoming URL and secret WHEN B's shopper writes STOP there THEN C records it and nothing of B changes",
      async () => {
        const before = await snapshotOfB();
        const { token, secret } = await issueCallbackCredentials(db, C, new Date());
        const [ofB] = await db.query<{ recipient: string }>(`SELECT "recipient" FROM "Message" WHERE "shopDomain" = ? AND "recipient" IS NOT NULL LIMIT 1`, [B]);
        expect(ofB).toBeDefined();
        const response = await fetch(`${app.url}/kaleyra/inbound/${token}`, {
          method: "POST",
          headers: { "content-type": "application/json", [CALLBACK_SECRET_HEADER]: secret },
          body: JSON.stringify({ meta_object: { value: { messages: [{ from: ofB!.recipient.slice(1), id: "wamid.iso", timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: "STOP" } }] } } }),
        });
        expect(response.status).toBe(200);
        await app.inboxSettled();
        const [ofC] = await db.query<{ consent: string }>(`SELECT "consent" FROM "Shopper" WHERE "shopDomain" = ? AND "phone" = ?`, [C, ofB!.recipient]);
        expect(ofC?.consent).toBe("opted_out");
        expect(await snapshotOfB()).toEqual(before);
      },
    ],
    [
      "GIVEN C's Incoming URL WHEN a message comes with another secret THEN 401",
      async () => {
        const { token } = await issueCallbackCredentials(db, C, new Date());
        const response = await fetch(`${app.url}/kaleyra/inbound/${token}`, {
          method: "POST",
          headers: { "content-type": "application/json", [CALLBACK_SECRET_HEADER]: "the secret of some other shop" },
          body: JSON.stringify({ meta_object: { value: { messages: [{ from: "919812345678", type: "text", text: { body: "STOP" } }] } } }),
        });
        expect(response.status).toBe(401);
      },
    ],
  ],
  "app.whatsapp-templates.tsx": [
    [
      "GIVEN B's template id and domain WHEN A loads, saves over, deletes and test-sends it THEN only A's templates are read and written, and nothing is sent",
      async () => {
        const idOfB = await makeWhatsAppTemplate(db, B, { name: "b_secret_template" });
        const before = await snapshotOfB();
        const loaded = await asA(dataUrl("/app/whatsapp-templates", "routes/app.whatsapp-templates", { shop: B }));
        expect(loaded.status).toBe(200);
        expect(loaded.text).not.toContain("b_secret_template");
        const form = { intent: "save", id: idOfB, shop: B, shopDomain: B, status: "shipped", kind: "utility", language: "en", name: "a_template", body: "Hi {{1}}", "bodyParams.1": "customer_first_name" };
        expect(JSON.parse((await asA(dataUrl("/app/whatsapp-templates", "routes/app.whatsapp-templates"), form)).text)).toMatchObject({ ok: true });
        expect(JSON.parse((await asA(dataUrl("/app/whatsapp-templates", "routes/app.whatsapp-templates"), { intent: "delete", id: idOfB })).text)).toMatchObject({ deleted: false });
        const test = await asA(dataUrl("/app/whatsapp-templates", "routes/app.whatsapp-templates"), { intent: "test", id: idOfB, to: "+919812345678" });
        expect(JSON.parse(test.text)).toMatchObject({ ok: false });
        expect(await db.query(`SELECT "name" FROM "WhatsAppTemplate" WHERE "shopDomain" = ?`, [A])).toEqual([{ name: "a_template" }]);
        expect(await snapshotOfB()).toEqual(before);
      },
    ],
    ...adminPageChecks("/app/whatsapp-templates", "routes/app.whatsapp-templates"),
  ],
  // Webhooks, in an order that keeps C installed until its own uninstall at the end.
  "webhooks.orders.create.tsx": webhookChecks("orders/create", ordersBody),
  "webhooks.orders.updated.tsx": webhookChecks("orders/updated", () => orderUpdatedPayload(45, { id: B_ORDER_ID, name: B_ORDER, tags: "vip" })),
  "webhooks.orders.cancelled.tsx": webhookChecks("orders/cancelled", () => cancelledOrderPayload(60, { id: B_ORDER_ID, name: B_ORDER })),
  "webhooks.fulfillments.create.tsx": webhookChecks("fulfillments/create", fulfillmentBody("success")),
  "webhooks.fulfillments.update.tsx": webhookChecks("fulfillments/update", fulfillmentBody("cancelled")),
  "webhooks.fulfillment_events.create.tsx": webhookChecks("fulfillment_events/create", () => ({
    ...fulfillmentEventPayload({ id: "7777002", fulfillmentId: "7777001", status: "delivered", happened: 90 }),
    order_id: B_ORDER_ID,
  })),
  "webhooks.app.scopes_update.tsx": webhookChecks("app/scopes_update", () => ({ current: ["write_orders", "read_all_orders"], previous: [] })),
  // Compliance and uninstall bodies name their shop: they are sent under the sender's own
  // header (C) and replayed under B's; a body naming B under C's header is refused outright.
  "webhooks.compliance.tsx": [
    ...webhookChecks("customers/data_request", () => ({
      shop_id: 3,
      shop_domain: C,
      customer: { id: 1, email: "b@example.com", phone: "+15025550147" },
      orders_requested: [B_ORDER_ID, "77772", "77773"],
      data_request: { id: 9 },
    })),
    ...webhookChecks("customers/redact", () => ({
      shop_id: 3,
      shop_domain: C,
      customer: { id: 1 },
      orders_to_redact: [B_ORDER_ID, "77772", "77773"],
    })),
    ...webhookChecks("shop/redact", () => ({ shop_id: 3, shop_domain: C })),
    refusedWhenNamingB("customers/redact", { shop_id: 2, shop_domain: B, customer: { id: 1 }, orders_to_redact: [B_ORDER_ID] }),
    refusedWhenNamingB("shop/redact", { shop_id: 2, shop_domain: B }),
  ],
  "webhooks.app.uninstalled.tsx": [
    ...webhookChecks("app/uninstalled", () => ({ id: 3, domain: C, myshopify_domain: C })),
    refusedWhenNamingB("app/uninstalled", { id: 2, domain: B, myshopify_domain: B }),
  ],
};

/** Every route module under app/routes, as Remix's flat routes find them (app/routes/<name> or <folder>/route.*). */
function routeFiles(): string[] {
  const dir = path.resolve("app", "routes");
  const isModule = (name: string) => /\.(tsx|ts|jsx|js)$/.test(name) && !/\.test\.(tsx|ts)$/.test(name) && !name.startsWith(".");
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;
    if (entry.isFile() && isModule(entry.name)) files.push(entry.name);
    if (entry.isDirectory()) {
      for (const inner of readdirSync(path.join(dir, entry.name))) {
        if (/^route\.(tsx|ts|jsx|js)$/.test(inner)) files.push(`${entry.name}/${inner}`);
      }
    }
  }
  return files.sort();
}

// ---------------------------------------------------------------------------------------

beforeAll(async () => {
  sandbox = await startKaleyraSandbox({
    accounts: [
      { sid: ACCOUNT.sid, apiKey: ACCOUNT.apiKey, numbers: [ACCOUNT.number] },
      { sid: B_SID, apiKey: ACCOUNT.apiKey, numbers: [ACCOUNT.number] },
    ],
  });
  app = await startTestApp({ KALEYRA_BASE_URL: sandbox.url });
  db = openSqlDatabase(app.database.url);
  await makeShop(db, A);
  await makeShop(db, B);
  await makeShop(db, C);
  await db.execute(
    `UPDATE "Shop" SET "kaleyraSid" = ?, "pausedReason" = 'low_balance', "pausedCode" = 'E110' WHERE "domain" = ?`,
    [B_SID, B],
  );
  for (const status of ORDER_STATUSES) await makeTemplate(db, B, status, { id: `b-${status}`, body: B_TEMPLATE });
  bMessages = {
    failed: await insertMessage(B, { id: "b-failed-message", orderId: B_ORDER_ID, orderName: B_ORDER, state: "failed" }),
    skipped: await insertMessage(B, { id: "b-skipped-message", orderId: "77772", orderName: B_ORDER, state: "skipped" }),
    sent: await insertMessage(B, { id: "b-sent-message", orderId: "77773", orderName: B_ORDER, state: "sent" }),
  };
  aFailed = await insertMessage(A, { id: "a-failed-message", orderId: "11111", orderName: "#A-1111", state: "failed" });
  // What A's app knows of that order: a retry plans the message again from it.
  const parsed = parseOrderPayload(orderPayload({ id: "11111", name: "#A-1111" }));
  if (!parsed.ok) throw new Error(parsed.reason);
  await saveOrder(db, A, applyOrder(undefined, parsed.value), { dueAt: null }, new Date());
  await storeOfflineSession(A);
  await storeOfflineSession(B);
});

afterAll(async () => {
  await db?.close();
  await app?.stop();
  await sandbox?.close();
});

describe("every route file is covered", () => {
  it("GIVEN the route files in app/routes WHEN compared with the checks THEN each one is listed, and no listed one is missing", () => {
    expect(Object.keys(ROUTE_CHECKS).sort()).toEqual(routeFiles());
  });

  it("GIVEN the checks WHEN counted THEN every route file has at least one", () => {
    for (const [file, checks] of Object.entries(ROUTE_CHECKS)) expect(checks.length, file).toBeGreaterThan(0);
  });
});

describe.each(Object.entries(ROUTE_CHECKS))("shop A never reaches shop B through %s", (_file, checks) => {
  it.each(checks)("%s", async (_name, run) => {
    await run();
  });
});
