/**
 * Reaching every shopper, over HTTP on either engine: the form of each message (interactive
 * inside the window for WhatsApp orders, approved templates otherwise), inbound messages that
 * open the window and carry STOP / START, the 131047 fallback, opt-in-only shops and
 * redaction. The Kaleyra sandbox enforces the window and posts callbacks and inbound messages
 * to the app like Kaleyra.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminDeps } from "../app/admin/deps.server";
import { getMessage } from "../app/admin/messages.server";
import { CALLBACK_SECRET_HEADER, issueCallbackCredentials } from "../app/receipts/receive.server";
import { orderPayload } from "../app/orders/__fixtures__/lifecycle";
import { makeShop, makeWhatsAppTemplate, ACCOUNT } from "./factories";
import { startPipeline, type Pipeline } from "./helpers/pipeline";
import { waitFor } from "./helpers/process";

let pipeline: Pipeline;
let shopCount = 0;
let orderCount = 0;

beforeAll(async () => {
  pipeline = await startPipeline({ account: { enforceWindow: true } });
}, 60_000);

afterAll(async () => {
  await pipeline?.stop();
});

interface Shop {
  domain: string;
  token: string;
  secret: string;
}

/** A fresh shop deciding forms per message ("auto"), its Kaleyra profiles pointing at the app. */
async function newShop(overrides: Parameters<typeof makeShop>[2] = {}): Promise<Shop> {
  const domain = `reach-${++shopCount}.myshopify.com`;
  await makeShop(pipeline.db, domain, { messageForm: "auto", referenceIdSource: "note_attribute", referenceIdAttribute: "wa_order_id", ...overrides });
  const { token, secret } = await issueCallbackCredentials(pipeline.db, domain, new Date());
  const headers = { [CALLBACK_SECRET_HEADER]: secret };
  pipeline.sandbox.setCallbackProfile(ACCOUNT.sid, { url: `${pipeline.app.url}/kaleyra/callbacks/${token}`, headers, delaysMs: { sent: 10, delivered: 20, read: null } });
  pipeline.sandbox.setIncomingProfile(ACCOUNT.sid, { url: `${pipeline.app.url}/kaleyra/inbound/${token}`, headers });
  return { domain, token, secret };
}

/** A shopper number of its own for each test: the sandbox's window is per shopper. */
const phone = () => `+9198123456${String(10 + shopCount).padStart(2, "0")}`;

/** orders/create of a new order to `to`; born in WhatsApp when it carries the checkout's note attribute. */
function newOrder(to: string, options: { whatsapp?: boolean } = {}) {
  const id = String(930_000_000 + ++orderCount);
  const base = orderPayload();
  const shipping = { ...(base.shipping_address as Record<string, unknown>), phone: to };
  return {
    id,
    body: orderPayload({ id, name: `#${id.slice(-4)}`, shipping_address: shipping, note_attributes: options.whatsapp ? [{ name: "wa_order_id", value: `wa-${id}` }] : [] }),
  };
}

interface Row {
  id: string;
  orderId: string;
  orderStatus: string;
  state: string;
  form: string;
  formReason: string | null;
  skipReason: string | null;
  templateName: string | null;
  fallbackOf: string | null;
  deliveryState: string | null;
  bodyText: string | null;
}

async function messagesOf(shop: string): Promise<Row[]> {
  return pipeline.db.query<Row>(
    `SELECT "id", "orderId", "orderStatus", "state", "form", "formReason", "skipReason", "templateName", "fallbackOf", "deliveryState", "bodyText" FROM "Message" WHERE "shopDomain" = ? ORDER BY "createdAt", "id"`,
    [shop],
  );
}

/** What the sandbox received for one shopper: form, template name, reference id. */
function receivedBy(to: string) {
  return pipeline.sandbox.received
    .filter((message) => message.summary.to === to)
    .map((message) => ({ form: message.summary.form, template: message.summary.template, body: message.body as Record<string, unknown> }));
}

async function inbound(from: string, text: string, at?: Date) {
  const posted = await pipeline.sandbox.postInbound({ sid: ACCOUNT.sid, from, text, at: at?.toISOString() });
  expect(posted.httpStatus).toBe(200);
  await pipeline.app.inboxSettled();
}

async function placeOrder(shop: Shop, order: { body: unknown }) {
  await pipeline.accept("orders/create", order.body, { shop: shop.domain });
  await pipeline.app.inboxSettled();
  await pipeline.settle();
}

describe("the form of each message", () => {
  it("GIVEN a web-store order and an approved utility template WHEN the order comes THEN the template is sent with the order's values", async () => {
    const shop = await newShop();
    await makeWhatsAppTemplate(pipeline.db, shop.domain, { status: "processing", name: "order_confirmed", bodyParams: JSON.stringify(["customer_first_name", "order_name"]), body: "Hi {{1}}, we got order {{2}}." });
    const to = phone();
    const order = newOrder(to);
    await placeOrder(shop, order);
    const [message] = await messagesOf(shop.domain);
    expect(message).toMatchObject({ form: "template", state: "sent", templateName: "order_confirmed", formReason: expect.stringContaining("not ordered in WhatsApp") });
    expect(message?.bodyText).toMatch(/^Hi .+, we got order #\d{4}\.$/);
    const [sent] = receivedBy(to);
    expect(sent?.form).toBe("template");
    expect(sent?.template).toMatchObject({ name: "order_confirmed", language: "en", body: [expect.any(String), `#${order.id.slice(-4)}`] });
  });

  it("GIVEN a web-store order and no approved template WHEN the order comes THEN nothing is sent and the log says which template to add", async () => {
    const shop = await newShop();
    const to = phone();
    await placeOrder(shop, newOrder(to));
    const [message] = await messagesOf(shop.domain);
    expect(message).toMatchObject({ state: "skipped", skipReason: expect.stringContaining('no approved template for "Processing"') });
    expect(message?.skipReason).toContain("add it in Templates");
    expect(receivedBy(to)).toEqual([]);
  });

  it("GIVEN a WhatsApp order WHEN the shopper wrote to the shop first (inbound opens the window) THEN the seed's interactive message goes and is delivered", async () => {
    const shop = await newShop();
    const to = phone();
    await inbound(to, "Hi, I just ordered");
    const order = newOrder(to, { whatsapp: true });
    await placeOrder(shop, order);
    const [message] = await messagesOf(shop.domain);
    expect(message).toMatchObject({ form: "interactive", state: "sent", formReason: "ordered in WhatsApp, and the shopper wrote within 24 hours" });
    const [sent] = receivedBy(to);
    expect(sent?.form).toBe("interactive");
    expect(sent?.body).toMatchObject({ messaging_object: { interactive: { action: { parameters: { reference_id: `wa-${order.id}` } } } } });
    await waitFor(async () => ((await messagesOf(shop.domain))[0]?.deliveryState === "delivered" ? true : undefined), 15_000, "the delivered callback");
  });

  it("GIVEN a WhatsApp order outside the window and Meta's order-status template WHEN the order comes THEN that template goes with the order's reference", async () => {
    const shop = await newShop();
    await makeWhatsAppTemplate(pipeline.db, shop.domain, { kind: "order_status", status: "processing", name: "wa_order_update", body: "Your order is being prepared.", bodyParams: "[]" });
    const to = phone();
    const order = newOrder(to, { whatsapp: true });
    await placeOrder(shop, order);
    const [message] = await messagesOf(shop.domain);
    expect(message).toMatchObject({ form: "order_status_template", state: "sent", templateName: "wa_order_update" });
    const [sent] = receivedBy(to);
    expect(sent?.template).toMatchObject({ name: "wa_order_update", button: { subType: "order_status", referenceId: `wa-${order.id}`, status: "processing" } });
  });
});

describe("WhatsApp's refusal outside the window (131047)", () => {
  it("GIVEN an interactive message the app thought inside the window WHEN WhatsApp refuses it with 131047 THEN the update goes once more as the template, linked to it", async () => {
    const shop = await newShop();
    await makeWhatsAppTemplate(pipeline.db, shop.domain, { status: "processing", name: "order_confirmed" });
    const to = phone();
    // The app hears of a message the sandbox (WhatsApp) never saw: the app's window is open, WhatsApp's is not.
    const response = await fetch(`${pipeline.app.url}/kaleyra/inbound/${shop.token}`, {
      method: "POST",
      headers: { "content-type": "application/json", [CALLBACK_SECRET_HEADER]: shop.secret },
      body: JSON.stringify({ meta_object: { value: { metadata: { display_phone_number: ACCOUNT.number.slice(1) }, messages: [{ from: to.slice(1), id: "wamid.direct", timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: "hello" } }] } } }),
    });
    expect(response.status).toBe(200);
    await pipeline.app.inboxSettled();
    await placeOrder(shop, newOrder(to, { whatsapp: true }));
    const rows = await waitFor(async () => {
      const all = await messagesOf(shop.domain);
      return all.length === 2 && all[1]?.state === "sent" ? all : undefined;
    }, 20_000, "the template fallback to be sent");
    expect(rows[0]).toMatchObject({ form: "interactive", state: "failed" });
    expect(rows[1]).toMatchObject({ form: "template", templateName: "order_confirmed", fallbackOf: rows[0]!.id, formReason: expect.stringContaining("131047") });
    expect(receivedBy(to).map((m) => m.form)).toEqual(["interactive", "template"]);
    // The log links the two, both ways.
    expect((await getMessage(adminDeps(), shop.domain, rows[0]!.id))?.fallback).toEqual({ of: null, by: rows[1]!.id });
    expect((await getMessage(adminDeps(), shop.domain, rows[1]!.id))).toMatchObject({ fallback: { of: rows[0]!.id, by: null }, form: { label: "Approved template", template: "order_confirmed (en)" } });
    // A second 131047 for the same message changes nothing: the fallback is sent once.
    await pipeline.sandbox.postCallback({ messageId: pipeline.sandbox.received.find((m) => m.summary.to === to)!.messageId, status: "failed", code: 131047 });
    await pipeline.app.inboxSettled();
    await pipeline.settle();
    expect(await messagesOf(shop.domain)).toHaveLength(2);
  });
});

describe("consent", () => {
  it("GIVEN queued messages WHEN the shopper writes STOP THEN they are skipped, later ones too, one confirmation goes; START lets updates through again", async () => {
    const shop = await newShop({ pausedReason: "config_error" });
    await makeWhatsAppTemplate(pipeline.db, shop.domain, { status: "processing", name: "order_confirmed" });
    const to = phone();
    const first = newOrder(to);
    await pipeline.accept("orders/create", first.body, { shop: shop.domain });
    await pipeline.app.inboxSettled();
    expect((await messagesOf(shop.domain))[0]?.state).toBe("paused");
    await inbound(to, "Stop");
    await pipeline.db.execute(`UPDATE "Shop" SET "pausedReason" = NULL WHERE "domain" = ?`, [shop.domain]);
    await placeOrder(shop, newOrder(to));
    let rows = await messagesOf(shop.domain);
    const orderRows = rows.filter((row) => row.orderId !== "");
    expect(orderRows.map((row) => [row.state, row.skipReason])).toEqual([
      ["skipped", expect.stringContaining("opted out")],
      ["skipped", "the shopper opted out of WhatsApp updates"],
    ]);
    const reply = rows.find((row) => row.orderId === "");
    expect(reply).toMatchObject({ form: "text", orderStatus: "opt_out_reply", bodyText: expect.stringContaining("Reply START") });
    await pipeline.db.execute(`UPDATE "Message" SET "state" = 'queued', "nextAttemptAt" = ? WHERE "id" = ?`, [new Date(), reply!.id]);
    await pipeline.settle();
    expect(receivedBy(to).map((m) => m.form)).toEqual(["text"]);

    await inbound(to, "START");
    const third = newOrder(to);
    await placeOrder(shop, third);
    rows = await messagesOf(shop.domain);
    expect(rows.find((row) => row.orderId === third.id)).toMatchObject({ state: "sent", form: "template" });
  });

  it("GIVEN a shop that writes only to opted-in shoppers WHEN a shopper who never opted in orders THEN the message is skipped with the reason; after an opt-in it goes", async () => {
    const shop = await newShop({ consentPolicy: "opted_in" });
    await makeWhatsAppTemplate(pipeline.db, shop.domain, { status: "processing", name: "order_confirmed" });
    const to = phone();
    await placeOrder(shop, newOrder(to));
    expect((await messagesOf(shop.domain))[0]).toMatchObject({ state: "skipped", skipReason: expect.stringContaining("only to shoppers who opted in") });
    await inbound(to, "START");
    const second = newOrder(to);
    await placeOrder(shop, second);
    expect((await messagesOf(shop.domain)).find((row) => row.orderId === second.id)).toMatchObject({ state: "sent" });
  });

  it("GIVEN a shop whose checkout collects WhatsApp consent WHEN an order comes THEN it counts as the opt-in, recorded with how", async () => {
    const shop = await newShop({ consentPolicy: "opted_in", checkoutConsent: true });
    await makeWhatsAppTemplate(pipeline.db, shop.domain, { status: "processing", name: "order_confirmed" });
    const to = phone();
    await placeOrder(shop, newOrder(to));
    expect((await messagesOf(shop.domain))[0]?.state).toBe("sent");
    const [shopper] = await pipeline.db.query<{ consent: string; consentSource: string }>(`SELECT "consent", "consentSource" FROM "Shopper" WHERE "shopDomain" = ? AND "phone" = ?`, [shop.domain, to]);
    expect(shopper).toEqual({ consent: "opted_in", consentSource: "order" });
  });

  it("GIVEN a wrong secret or token WHEN an inbound message is posted THEN 401 and nothing is kept", async () => {
    const shop = await newShop();
    const before = await pipeline.db.query<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "WebhookEvent" WHERE "shopDomain" = ?`, [shop.domain]);
    for (const [token, secret] of [[shop.token, "not-the-secret"], ["A".repeat(43), shop.secret]] as const) {
      const response = await fetch(`${pipeline.app.url}/kaleyra/inbound/${token}`, {
        method: "POST",
        headers: { "content-type": "application/json", [CALLBACK_SECRET_HEADER]: secret },
        body: JSON.stringify({ meta_object: { value: { messages: [{ from: "919812345699", type: "text", text: { body: "STOP" } }] } } }),
      });
      expect(response.status).toBe(401);
    }
    const after = await pipeline.db.query<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "WebhookEvent" WHERE "shopDomain" = ?`, [shop.domain]);
    expect(Number(after[0]?.n)).toBe(Number(before[0]?.n));
  });

  it("GIVEN a shopper's window and consent WHEN customers/redact names them THEN their records and STOP replies are gone", async () => {
    const shop = await newShop();
    const to = phone();
    await inbound(to, "STOP");
    const count = async () => {
      const [shopper] = await pipeline.db.query<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "Shopper" WHERE "shopDomain" = ?`, [shop.domain]);
      const [replies] = await pipeline.db.query<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "Message" WHERE "shopDomain" = ? AND "orderId" = ''`, [shop.domain]);
      return [Number(shopper?.n), Number(replies?.n)];
    };
    expect(await count()).toEqual([1, 1]);
    await pipeline.accept("customers/redact", { shop_id: 1, shop_domain: shop.domain, customer: { id: 7, email: "priya@example.com", phone: to }, orders_to_redact: [] }, { shop: shop.domain });
    await pipeline.app.inboxSettled();
    expect(await count()).toEqual([0, 0]);
  });
});
