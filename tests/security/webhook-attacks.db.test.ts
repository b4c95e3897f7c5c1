import { randomUUID } from "node:crypto";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlDatabase, type SqlDatabase } from "../../app/db/sql.server";
import { MAX_WEBHOOK_BYTES } from "../../app/server/limits";
import { webhookHmac } from "../../app/webhooks/hmac.server";
import { startTestApp, type TestApp } from "../helpers/app";
import { report } from "../reliability/helpers/harness";

/**
 * Requests that must not become stored webhooks: wrong or missing signatures, missing,
 * duplicated or malformed Shopify headers, a signed body replayed under another shop, bodies
 * over the size limit (declared, chunked, or never-ending). Each is answered with its status
 * and leaves no trace: no WebhookEvent, no Shop row for a shop named by the attacker.
 * Requests are made with node:http so that headers can be duplicated and bodies streamed.
 */
const SHOP = "attacked-shop.myshopify.com";
const SECRET = process.env.SHOPIFY_API_SECRET ?? "";

interface RawRequest {
  method?: string;
  path?: string;
  /** Each pair is sent as its own header line (a name may repeat). */
  headers: Array<[string, string]>;
  body?: string | Buffer;
  /** Send the body chunked (no content-length). */
  chunked?: boolean;
}

let app: TestApp;
let db: SqlDatabase;
let port: number;
const tried: Array<{ name: string; status: number }> = [];
let storedByAttacks = 0;

beforeAll(async () => {
  app = await startTestApp();
  db = openSqlDatabase(app.database.url);
  port = Number(new URL(app.url).port);
});

afterAll(async () => {
  report("webhook-attacks", {
    attacks: tried.length,
    rejected: tried.filter((t) => t.status >= 400).length,
    stored: storedByAttacks,
  });
  await db?.close();
  await app?.stop();
});

/** Header pairs as node:http takes them: a name that repeats gets an array (one line each). */
function headerObject(pairs: Array<[string, string]>): Record<string, string | string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of pairs) (out[name] ??= []).push(value);
  return Object.fromEntries(Object.entries(out).map(([name, values]) => [name, values.length === 1 ? values[0]! : values]));
}

/** Sends a raw request; after a 200, waits until the app's inbox has decided what it kept. */
async function send(request: RawRequest): Promise<{ status: number; body: string }> {
  const answer = await sendRaw(request);
  if (answer.status === 200) await app.inboxSettled();
  return answer;
}

function sendRaw(request: RawRequest): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = request.body ?? "";
    const headers = [...request.headers];
    if (!request.chunked) headers.push(["content-length", String(Buffer.byteLength(body))]);
    const req = http.request(
      { host: "127.0.0.1", port, method: request.method ?? "POST", path: request.path ?? "/webhooks/orders/create", headers: headerObject(headers) },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** The headers Shopify sends, signed over `body` with `secret`. */
function shopifyHeaders(body: string, overrides: Record<string, string | null> = {}, secret = SECRET): Array<[string, string]> {
  const base: Record<string, string | null> = {
    "content-type": "application/json",
    "x-shopify-topic": "orders/create",
    "x-shopify-shop-domain": SHOP,
    "x-shopify-api-version": "2026-07",
    "x-shopify-webhook-id": randomUUID(),
    "x-shopify-hmac-sha256": webhookHmac(body, secret),
    "x-shopify-triggered-at": new Date().toISOString(),
    ...overrides,
  };
  return Object.entries(base).filter((entry): entry is [string, string] => entry[1] !== null);
}

function webhookIdOf(headers: Array<[string, string]>): string | undefined {
  return headers.find(([name]) => name === "x-shopify-webhook-id")?.[1];
}

async function storedCount(): Promise<number> {
  const rows = await db.query<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "WebhookEvent"`);
  return Number(rows[0]?.n);
}

async function expectRejected(name: string, request: RawRequest, status: number): Promise<void> {
  const before = await storedCount();
  const response = await send(request);
  tried.push({ name, status: response.status });
  const after = await storedCount();
  storedByAttacks += after - before;
  expect(response.status, name).toBe(status);
  expect(after, `${name}: nothing stored`).toBe(before);
  const id = webhookIdOf(request.headers);
  if (id) expect(await db.query(`SELECT 1 FROM "WebhookEvent" WHERE "webhookId" = ?`, [id])).toEqual([]);
}

const ORDER = JSON.stringify({ id: 4242, name: "#4242", line_items: [] });

describe("webhook authentication under attack", () => {
  it("GIVEN a correctly signed delivery THEN 200 and it is stored (the baseline the attacks vary)", async () => {
    const headers = shopifyHeaders(ORDER);
    const response = await send({ headers, body: ORDER });
    expect(response.status).toBe(200);
    expect(await db.query(`SELECT 1 FROM "WebhookEvent" WHERE "webhookId" = ?`, [webhookIdOf(headers)])).toHaveLength(1);
  });

  it("GIVEN a wrong secret, a tampered body or a mangled signature THEN 401 and nothing stored", async () => {
    await expectRejected("wrong secret", { headers: shopifyHeaders(ORDER, {}, "not-the-secret"), body: ORDER }, 401);
    const tampered = ORDER.replace("4242", "4243");
    await expectRejected("body changed after signing", { headers: shopifyHeaders(ORDER), body: tampered }, 401);
    const hex = Buffer.from(webhookHmac(ORDER, SECRET), "base64").toString("hex");
    await expectRejected("hex digest", { headers: shopifyHeaders(ORDER, { "x-shopify-hmac-sha256": hex }), body: ORDER }, 401);
    const cut = webhookHmac(ORDER, SECRET).slice(0, 20);
    await expectRejected("truncated signature", { headers: shopifyHeaders(ORDER, { "x-shopify-hmac-sha256": cut }), body: ORDER }, 401);
    const secretAsSignature = { "x-shopify-hmac-sha256": SECRET };
    await expectRejected("the secret itself as signature", { headers: shopifyHeaders(ORDER, secretAsSignature), body: ORDER }, 401);
    // Not JSON: the signature is refused before anything would parse the body.
    await expectRejected("wrong secret, body not JSON", { headers: shopifyHeaders("{oops", {}, "nope"), body: "{oops" }, 401);
  });

  it("GIVEN a signed body WHEN sent with bytes that decode to the same text (a byte-order mark in front) THEN 401: the signature covers the raw bytes", async () => {
    const body = JSON.stringify({ id: 8181, name: "#8181", line_items: [] });
    const headers = shopifyHeaders(body);
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]);
    await expectRejected("byte-order mark before a signed body", { headers, body: withBom }, 401);
    expect(await db.query(`SELECT 1 FROM "WebhookEvent" WHERE "webhookId" = ?`, [webhookIdOf(headers)])).toEqual([]);
  });

  it("GIVEN a required Shopify header missing THEN 400 (401 for the signature) and nothing stored", async () => {
    await expectRejected("no signature", { headers: shopifyHeaders(ORDER, { "x-shopify-hmac-sha256": null }), body: ORDER }, 400);
    for (const header of ["x-shopify-topic", "x-shopify-shop-domain", "x-shopify-webhook-id", "x-shopify-api-version"]) {
      await expectRejected(`no ${header}`, { headers: shopifyHeaders(ORDER, { [header]: null }), body: ORDER }, 400);
    }
    // A body that is not JSON (or is empty) gets the same answers: the library checks its
    // headers and signature first, and the app checks them again before keeping it as ignored.
    for (const body of ["x", ""]) {
      for (const header of ["x-shopify-topic", "x-shopify-shop-domain", "x-shopify-webhook-id"]) {
        await expectRejected(`no ${header}, body ${JSON.stringify(body)}`, { headers: shopifyHeaders(body, { [header]: null }), body }, 400);
      }
    }
    await expectRejected("no signature, body not JSON", { headers: shopifyHeaders("x", { "x-shopify-hmac-sha256": null }), body: "x" }, 400);
    await expectRejected("no signature, empty body", { headers: shopifyHeaders("", { "x-shopify-hmac-sha256": null }), body: "" }, 400);
    await expectRejected("wrong secret, empty body", { headers: shopifyHeaders("", {}, "nope"), body: "" }, 401);
  });

  it("GIVEN a Shopify header sent twice THEN 400 and nothing stored", async () => {
    for (const header of [
      "x-shopify-hmac-sha256",
      "x-shopify-shop-domain",
      "x-shopify-topic",
      "x-shopify-webhook-id",
      "x-shopify-api-version",
      "x-shopify-triggered-at",
    ]) {
      const headers = shopifyHeaders(ORDER);
      const original = headers.find(([name]) => name === header)![1];
      const other = header === "x-shopify-shop-domain" ? "other-shop.myshopify.com" : original;
      await expectRejected(`${header} twice`, { headers: [...headers, [header, other]], body: ORDER }, 400);
    }
    const eventId = shopifyHeaders(ORDER, { "x-shopify-event-id": "e-1" });
    await expectRejected("x-shopify-event-id twice", { headers: [...eventId, ["x-shopify-event-id", "e-2"]], body: ORDER }, 400);
    // Shopify's newer event deliveries name the same headers without the x- prefix.
    for (const header of ["shopify-hmac-sha256", "shopify-shop-domain", "shopify-topic", "shopify-event-id"]) {
      const headers: Array<[string, string]> = [
        ["content-type", "application/json"],
        ["shopify-hmac-sha256", webhookHmac(ORDER, SECRET)],
        ["shopify-topic", "orders/create"],
        ["shopify-shop-domain", SHOP],
        ["shopify-api-version", "2026-07"],
        ["shopify-webhook-id", randomUUID()],
        ["shopify-event-id", randomUUID()],
      ];
      const original = headers.find(([name]) => name === header)![1];
      await expectRejected(`${header} twice`, { headers: [...headers, [header, original]], body: ORDER }, 400);
    }
  });

  it("GIVEN a validly signed body with a shop header that is not a shop's domain THEN 400 and no shop is created", async () => {
    for (const shop of ["evil.example.com", "attacked-shop.myshopify.com.evil.com", "../../admin", "UPPER.myshopify.com", " "]) {
      await expectRejected(`shop "${shop}"`, { headers: shopifyHeaders(ORDER, { "x-shopify-shop-domain": shop }), body: ORDER }, 400);
      expect(await db.query(`SELECT 1 FROM "Shop" WHERE "domain" = ?`, [shop])).toEqual([]);
    }
  });

  it("GIVEN a signed delivery replayed with another shop's header THEN 401 and nothing stored for that shop", async () => {
    const headers = shopifyHeaders(ORDER);
    expect((await send({ headers, body: ORDER })).status).toBe(200);
    const replay = headers.map(([name, value]): [string, string] =>
      name === "x-shopify-shop-domain" ? [name, "victim-shop.myshopify.com"] : [name, value],
    );
    const before = await storedCount();
    const response = await send({ headers: replay, body: ORDER });
    tried.push({ name: "replay under another shop", status: response.status });
    storedByAttacks += (await storedCount()) - before;
    expect(response.status).toBe(401);
    expect(await storedCount()).toBe(before);
    expect(await db.query(`SELECT 1 FROM "WebhookEvent" WHERE "shopDomain" = ?`, ["victim-shop.myshopify.com"])).toEqual([]);
  });

  it("GIVEN a signed body replayed under another shop with a fresh webhook id, or a compliance body naming another shop THEN 401 and nothing stored", async () => {
    const body = JSON.stringify({ id: 5151, name: "#5151", line_items: [] });
    expect((await send({ headers: shopifyHeaders(body), body })).status).toBe(200);
    await expectRejected(
      "same body, fresh webhook id, other shop",
      { headers: shopifyHeaders(body, { "x-shopify-shop-domain": "victim-shop.myshopify.com" }), body },
      401,
    );
    const redact = JSON.stringify({ shop_id: 1, shop_domain: "victim-shop.myshopify.com", customer: { id: 1 }, orders_to_redact: [] });
    await expectRejected(
      "compliance body naming another shop",
      { path: "/webhooks/compliance", headers: shopifyHeaders(redact, { "x-shopify-topic": "customers/redact" }), body: redact },
      401,
    );
    expect(await db.query(`SELECT 1 FROM "WebhookEvent" WHERE "shopDomain" = ?`, ["victim-shop.myshopify.com"])).toEqual([]);
  });

  it("GIVEN a delivered orders/create body WHEN re-sent with a fresh webhook id as orders/cancelled, app/uninstalled or shop/redact THEN 401 and nothing changes", async () => {
    const shopRows = async () => ({
      sessions: await db.query(`SELECT "id" FROM "Session" WHERE "shop" = ?`, [SHOP]),
      shop: await db.query(`SELECT "installed", "pausedReason" FROM "Shop" WHERE "domain" = ?`, [SHOP]),
      messages: await db.query(`SELECT "orderStatus" FROM "Message" WHERE "shopDomain" = ? ORDER BY "orderStatus"`, [SHOP]),
      events: await storedCount(),
    });
    await db.execute(
      `INSERT INTO "Session" ("id", "shop", "state", "isOnline", "accessToken") VALUES (?, ?, ?, ?, ?)`,
      [`offline_${SHOP}`, SHOP, "state", false, "shpat_test"],
    );
    const body = JSON.stringify({ id: 6161, name: "#6161", phone: "+919812345678", line_items: [] });
    expect((await send({ headers: shopifyHeaders(body), body })).status).toBe(200);
    const before = await shopRows();
    expect(before.sessions).toHaveLength(1);
    for (const [topic, path] of [
      ["orders/cancelled", "/webhooks/orders/cancelled"],
      ["app/uninstalled", "/webhooks/app/uninstalled"],
      ["shop/redact", "/webhooks/compliance"],
      ["customers/redact", "/webhooks/compliance"],
    ] as const) {
      await expectRejected(`orders/create body replayed as ${topic}`, { path, headers: shopifyHeaders(body, { "x-shopify-topic": topic }), body }, 401);
      expect(await shopRows(), `${topic}: nothing changed`).toEqual(before);
    }
  });

  it("GIVEN a signed body that does not name the header's shop WHEN it arrives as app/uninstalled, shop/redact or customers/* THEN nothing is erased (200, kept as ignored)", async () => {
    const shop = "named-shop.myshopify.com";
    await db.execute(
      `INSERT INTO "Session" ("id", "shop", "state", "isOnline", "accessToken") VALUES (?, ?, ?, ?, ?)`,
      [`offline_${shop}`, shop, "state", false, "shpat_test"],
    );
    const cases = [
      ["app/uninstalled", "/webhooks/app/uninstalled", { id: 7171, name: "#7171", line_items: [] }],
      ["shop/redact", "/webhooks/compliance", { shop_id: 7171 }],
      ["customers/redact", "/webhooks/compliance", { customer: { id: 1 }, orders_to_redact: [7171] }],
      ["customers/data_request", "/webhooks/compliance", { customer: { id: 1 }, orders_requested: [7171] }],
    ] as const;
    for (const [topic, path, payload] of cases) {
      const body = JSON.stringify(payload);
      const headers = shopifyHeaders(body, { "x-shopify-topic": topic, "x-shopify-shop-domain": shop });
      const response = await send({ path, headers, body });
      tried.push({ name: `${topic} body naming no shop`, status: response.status });
      expect(response.status, topic).toBe(200);
      const events = await db.query<{ outcome: string; reason: string }>(
        `SELECT "outcome", "reason" FROM "WebhookEvent" WHERE "webhookId" = ?`,
        [webhookIdOf(headers)],
      );
      expect(events, topic).toEqual([{ outcome: "ignored", reason: `the ${topic} body does not name this shop` }]);
      expect(await db.query(`SELECT 1 FROM "Session" WHERE "shop" = ?`, [shop]), topic).toHaveLength(1);
      expect(await db.query(`SELECT 1 FROM "DataRequest" WHERE "shopDomain" = ?`, [shop]), topic).toEqual([]);
    }
    expect(await db.query(`SELECT "installed" FROM "Shop" WHERE "domain" = ?`, [shop])).not.toContainEqual({ installed: false });
  });

  it("GIVEN a body over the limit, declared or chunked THEN 413 and nothing stored; just under the limit is taken", async () => {
    const big = JSON.stringify({ id: 1, note: "x".repeat(MAX_WEBHOOK_BYTES) });
    await expectRejected("declared over the limit", { headers: shopifyHeaders(big), body: big }, 413);
    await expectRejected("chunked over the limit", { headers: shopifyHeaders(big), body: big, chunked: true }, 413);
    const fits = JSON.stringify({ id: 2, note: "y".repeat(MAX_WEBHOOK_BYTES - 100) });
    expect((await send({ headers: shopifyHeaders(fits), body: fits, chunked: true })).status).toBe(200);
  });

  it("GIVEN a body that never ends WHEN it passes the limit THEN 413 at once, without reading the rest", async () => {
    const headers = shopifyHeaders("{}");
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, method: "POST", path: "/webhooks/orders/create", headers: headerObject(headers) }, (res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
        req.destroy();
      });
      req.on("error", () => {});
      // Past the limit, then silence: the body is still open when the answer must come.
      req.write(`{"note":"${"z".repeat(MAX_WEBHOOK_BYTES + 1024)}`);
      setTimeout(() => reject(new Error("no answer while the body was still open")), 5000).unref();
    });
    tried.push({ name: "never-ending body", status });
    expect(status).toBe(413);
  });

  it("GIVEN another method than POST THEN 405 and nothing stored", async () => {
    for (const method of ["GET", "PUT", "DELETE", "PATCH"]) {
      await expectRejected(`${method}`, { method, headers: shopifyHeaders(ORDER), body: method === "GET" ? "" : ORDER }, 405);
    }
  });
});
