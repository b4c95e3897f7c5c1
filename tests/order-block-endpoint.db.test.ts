/**
 * The order page's WhatsApp block's endpoint (app/routes/api.orders.$orderId.whatsapp.tsx)
 * over real HTTP against the production build, called as the admin's UI extension calls it:
 * from Shopify's origin, with `Authorization: Bearer <session token>`, a preflight first for
 * the POST. Run `npm run build` first.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlDatabase, type SqlDatabase } from "../app/db/sql.server";
import { saveConsent } from "../app/db/repositories/shoppers.server";
import { createKaleyraClient } from "../app/kaleyra/client.server";
import { SHIPPING_PHONE_E164 } from "../app/orders/__fixtures__/lifecycle";
import { DELIVERY_ERRORS } from "../app/receipts/delivery-errors";
import { startDeliveryWorker } from "../app/outbox/worker.server";
import { startKaleyraSandbox, type KaleyraSandbox } from "../sandbox/kaleyra-sandbox";
import { sessionToken, storeOfflineSession } from "./browser/support/shopify-session";
import { readRetryAnswer, readTimeline, readUnknownOrder } from "../extensions/order-whatsapp-block/src/timeline";
import { ACCOUNT, makeMessage, makeOrderState, makeShop } from "./factories";
import { startTestApp, type TestApp } from "./helpers/app";
import { waitFor } from "./helpers/process";

const SHOP = "order-block.myshopify.com";
const OTHER = "order-block-other.myshopify.com";
const ORDER = "4100";
const OTHER_ORDER = "9900";
/** Where the admin runs UI extensions: never the app's own origin. */
const ADMIN_ORIGIN = "https://extensions.shopifycdn.com";
const BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36";
const at = (minute: number) => new Date(Date.UTC(2026, 2, 10, 11, minute));

let sandbox: KaleyraSandbox;
let app: TestApp;
let db: SqlDatabase;
const ids = { read: "ob-read", unreachable: "ob-unreachable", refused: "ob-refused", otherOrder: "ob-other-order", otherShop: "ob-other-shop" };

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

function url(orderId: string): string {
  return `${app.url}/api/orders/${encodeURIComponent(orderId)}/whatsapp`;
}

async function call(orderId: string, options: { token?: string | null; body?: unknown; method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const token = options.token === undefined ? sessionToken(SHOP) : options.token;
  const response = await fetch(url(orderId), {
    method: options.method ?? (options.body === undefined ? "GET" : "POST"),
    headers: {
      origin: ADMIN_ORIGIN,
      "user-agent": BROWSER,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    redirect: "manual",
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

async function messageRow(id: string): Promise<Record<string, unknown> | undefined> {
  return (await db.query<Record<string, unknown>>(`SELECT * FROM "Message" WHERE "id" = ?`, [id]))[0];
}

async function everyMessage(): Promise<unknown> {
  return db.query(`SELECT * FROM "Message" ORDER BY "id"`);
}

/** Runs a delivery worker against the sandbox until the message is sent. */
async function sendQueued(messageId: string, what: string): Promise<void> {
  const worker = startDeliveryWorker({
    db,
    kaleyra: createKaleyraClient({ baseUrlOverride: sandbox.url }),
    idlePollMs: 100,
    fetchOrder: async () => Promise.reject(new Error("no Admin API in this test")),
  });
  try {
    await waitFor(async () => ((await messageRow(messageId))?.state === "sent" ? true : undefined), 20_000, what);
  } finally {
    await worker.stop();
  }
}

/** Neither the shopper's number nor a secret in an answer. */
function expectNothingPrivate(text: string): void {
  for (const secret of [SHIPPING_PHONE_E164, SHIPPING_PHONE_E164.slice(1), ACCOUNT.apiKey, process.env.SHOPIFY_API_SECRET ?? "", "shpat_"]) {
    expect(text).not.toContain(secret);
  }
}

beforeAll(async () => {
  sandbox = await startKaleyraSandbox({ accounts: [{ sid: ACCOUNT.sid, apiKey: ACCOUNT.apiKey, numbers: [ACCOUNT.number] }] });
  app = await startTestApp({ KALEYRA_BASE_URL: sandbox.url });
  db = openSqlDatabase(app.database.url);
  const verified = { credentialsVerifiedAt: at(0), testMessageSentAt: at(0) };
  await makeShop(db, SHOP, verified);
  await makeShop(db, OTHER, verified);
  await makeOrderState(db, SHOP, { id: ORDER, name: "#4100" }, at(0));
  await makeOrderState(db, OTHER, { id: OTHER_ORDER, name: "#OTHER-9900" }, at(0));
  await makeMessage(db, SHOP, {
    id: ids.read,
    orderId: ORDER,
    orderName: "#4100",
    orderStatus: "processing",
    form: "template",
    templateName: "order_confirmed",
    templateLanguage: "en",
    sentAt: at(1),
    deliveryState: "read",
    whatsappSentAt: at(2),
    deliveredAt: at(3),
    readAt: at(4),
    createdAt: at(0),
  });
  await makeMessage(db, SHOP, {
    id: ids.unreachable,
    orderId: ORDER,
    orderName: "#4100",
    orderStatus: "partially_shipped",
    sentAt: at(6),
    deliveryState: "failed",
    failedAt: at(7),
    failure: JSON.stringify({ code: "131026", title: "Message undeliverable" }),
    createdAt: at(5),
  });
  await makeMessage(db, SHOP, {
    id: ids.refused,
    orderId: ORDER,
    orderName: "#4100",
    orderStatus: "shipped",
    state: "failed",
    sentAt: null,
    attempts: 1,
    lastOutcome: "rejected",
    lastCode: "WA400",
    lastDetail: "Kaleyra refused the message format. Invalid parameter",
    createdAt: at(8),
  });
  await makeMessage(db, SHOP, { id: ids.otherOrder, orderId: "4200", orderName: "#4200", state: "failed", lastOutcome: "rejected", lastCode: "WA400" });
  await makeMessage(db, OTHER, { id: ids.otherShop, orderId: OTHER_ORDER, orderName: "#OTHER-9900", state: "failed", lastOutcome: "rejected", lastCode: "WA400" });
  await saveConsent(db, SHOP, SHIPPING_PHONE_E164, { consent: "opted_in", at: at(0), source: "order", wording: "the shop's checkout collects WhatsApp consent" }, at(0));
  await storeOfflineSession(SHOP);
  await storeOfflineSession(OTHER);
});

afterAll(async () => {
  await db?.close();
  await app?.stop();
  await sandbox?.close();
});

describe("the order's WhatsApp timeline", () => {
  it("GIVEN the shop's session token WHEN the block asks for its order THEN each message with its form, state, times and explanation, the number masked", async () => {
    const answer = await call(ORDER);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    const timeline = JSON.parse(answer.text);
    expect(timeline.order).toEqual({ id: ORDER, name: "#4100" });
    expect(timeline.messages.map((message: { id: string }) => message.id)).toEqual([ids.read, ids.unreachable, ids.refused]);
    const [read, unreachable, refused] = timeline.messages;
    expect(read).toMatchObject({
      statusLabel: "Processing",
      form: { label: "Approved template", template: "order_confirmed (en)" },
      stateLabel: "Read",
      tone: "success",
      recipient: "•••••••0147",
      help: null,
      url: `/app/messages/${ids.read}`,
    });
    expect(read.times.map((time: { label: string }) => time.label)).toEqual(["Queued", "Accepted by Kaleyra", "Sent to WhatsApp", "Delivered", "Read"]);
    expect(unreachable).toMatchObject({
      stateLabel: "Not delivered",
      tone: "critical",
      canRetry: false,
      help: { explanation: DELIVERY_ERRORS["131026"]!.explanation, action: DELIVERY_ERRORS["131026"]!.fix },
    });
    expect(refused).toMatchObject({ stateLabel: "Failed", tone: "critical", canRetry: true, fix: { url: "/app/templates#template-shipped" } });
    expect(refused.help.title).toBeTruthy();
    expect(timeline.consent).toEqual([
      expect.objectContaining({ recipient: "•••••••0147", state: "opted_in", how: expect.stringContaining("checkout"), at: at(0).toISOString() }),
    ]);
    expect(timeline.setup).toMatchObject({ canSend: true });
    // What the block reads of it (the contract between the two).
    expect(readTimeline(timeline)).toEqual(timeline);
    expectNothingPrivate(answer.text);
    expect(answer.text).not.toContain("Your order is on its way");
  });

  it("GIVEN the order's GraphQL id, as the block is given it WHEN asked THEN the same order", async () => {
    const answer = await call(`gid://shopify/Order/${ORDER}`);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text).messages).toHaveLength(3);
  });

  it("GIVEN an order the app has no record of WHEN asked THEN 404 with why, for the block's empty state", async () => {
    const answer = await call("123456789");
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.text)).toMatchObject({ empty: [expect.stringContaining("no record of this order")], setup: { canSend: true } });
    expect(readUnknownOrder(JSON.parse(answer.text))).not.toBeNull();
  });

  it("GIVEN an order the app knows without any message WHEN asked THEN the empty timeline and why", async () => {
    await makeOrderState(db, SHOP, { id: "4300", name: "#4300" }, at(0));
    const timeline = JSON.parse((await call("4300")).text);
    expect(timeline).toMatchObject({ messages: [], consent: [], empty: [expect.stringContaining("status changes")] });
  });

  it("GIVEN something that is no order id WHEN asked THEN 400", async () => {
    expect((await call("gid://shopify/Product/1")).status).toBe(400);
  });
});

describe("the answers Shopify's admin can read (CORS)", () => {
  it("GIVEN a request from the admin's origin WHEN answered, errors included THEN the library's CORS headers", async () => {
    for (const answer of [await call(ORDER), await call("123456789"), await call(ORDER, { body: { intent: "resend" } })]) {
      expect(answer.headers.get("access-control-allow-origin")).toBe("*");
      expect(answer.headers.get("access-control-allow-headers")).toContain("Authorization");
    }
  });

  it("GIVEN the browser's preflight for the POST WHEN sent without a token THEN 204 allowing the token and JSON", async () => {
    const answer = await call(ORDER, {
      method: "OPTIONS",
      token: null,
      headers: { "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
    expect(answer.headers.get("access-control-allow-headers")).toMatch(/Authorization.*Content-Type/);
    expect(answer.headers.get("access-control-max-age")).toBe("7200");
  });
});

describe("tokens that are not the shop's", () => {
  const now = Math.floor(Date.now() / 1000);
  const bad: Array<[string, () => string]> = [
    ["signed with another secret", () => sessionToken(SHOP, {}, "some-other-apps-secret")],
    ["expired", () => sessionToken(SHOP, { exp: now - 120, nbf: now - 600, iat: now - 600 })],
    ["for another app", () => sessionToken(SHOP, { aud: "another-app" })],
    ["not a token", () => "not.a.token"],
  ];

  it.each(bad)("GIVEN a token %s WHEN the timeline is asked for THEN 401 and nothing of the order", async (_name, token) => {
    const answer = await call(ORDER, { token: token() });
    expect(answer.status).toBe(401);
    expect(answer.text).not.toContain("#4100");
    expectNothingPrivate(answer.text);
  });

  it.each(bad)("GIVEN a token %s WHEN a retry is posted THEN 401 and no message changes", async (_name, token) => {
    const before = await everyMessage();
    const answer = await call(ORDER, { token: token(), body: { intent: "retry", messageId: ids.refused } });
    expect(answer.status).toBe(401);
    expect(await everyMessage()).toEqual(before);
  });

  it("GIVEN no token at all WHEN the timeline is asked for THEN refused, nothing of the order", async () => {
    const answer = await call(ORDER, { token: null });
    expect(answer.status).not.toBe(200);
    expect(answer.text).not.toContain("#4100");
  });
});

describe("another shop's order", () => {
  it("GIVEN another shop's token WHEN it asks for this shop's order THEN 404, nothing of it", async () => {
    const answer = await call(ORDER, { token: sessionToken(OTHER) });
    expect(answer.status).toBe(404);
    for (const id of Object.values(ids).filter((id) => id !== ids.otherShop)) expect(answer.text).not.toContain(id);
    expect(answer.text).not.toContain("#4100");
    expectNothingPrivate(answer.text);
  });

  it("GIVEN this shop's token WHEN it asks for the other shop's order, or retries its message THEN 404 and it is unchanged", async () => {
    const before = await everyMessage();
    const read = await call(OTHER_ORDER);
    expect(read.status).toBe(404);
    expect(read.text).not.toContain("OTHER-9900");
    expect((await call(OTHER_ORDER, { body: { intent: "retry", messageId: ids.otherShop } })).status).toBe(404);
    expect((await call(ORDER, { body: { intent: "retry", messageId: ids.otherShop } })).status).toBe(404);
    expect(await everyMessage()).toEqual(before);
  });

  it("GIVEN another order's message of the same shop WHEN retried through this order THEN 404 and it is unchanged", async () => {
    const before = await messageRow(ids.otherOrder);
    expect((await call(ORDER, { body: { intent: "retry", messageId: ids.otherOrder } })).status).toBe(404);
    expect(await messageRow(ids.otherOrder)).toEqual(before);
  });
});

describe("the block's actions", () => {
  it("GIVEN a body that is no action WHEN posted THEN 400", async () => {
    for (const body of [{ intent: "delete" }, { intent: "retry" }, "retry"]) expect((await call(ORDER, { body })).status).toBe(400);
  });

  it("GIVEN a message that was delivered WHEN retried THEN 409 and it is unchanged", async () => {
    const before = await messageRow(ids.read);
    const answer = await call(ORDER, { body: { intent: "retry", messageId: ids.read } });
    expect(answer.status).toBe(409);
    expect(await messageRow(ids.read)).toEqual(before);
  });

  it("GIVEN a resend without the block's request id WHEN posted THEN 400 and nothing is queued", async () => {
    const before = await everyMessage();
    for (const body of [{ intent: "resend" }, { intent: "resend", requestId: "not-a-uuid" }]) expect((await call(ORDER, { body })).status).toBe(400);
    expect(await everyMessage()).toEqual(before);
  });

  it("GIVEN a message Kaleyra refused WHEN retried from the block THEN it is queued again, the answer shows the new timeline, and the sandbox receives it", async () => {
    sandbox.reset();
    const answer = await call(ORDER, { body: { intent: "retry", messageId: ids.refused } });
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.text);
    expect(body).toMatchObject({ ok: true, retried: { state: "queued", skipReason: null } });
    expect(readRetryAnswer(body)?.timeline).not.toBeNull();
    const shown = body.timeline.messages.find((message: { id: string }) => message.id === ids.refused);
    expect(shown).toMatchObject({ stateLabel: "Queued", canRetry: false });
    expect(await messageRow(ids.refused)).toMatchObject({ state: "queued", attempts: 0 });
    expectNothingPrivate(answer.text);

    await sendQueued(ids.refused, "the retried message to be sent");
    expect(sandbox.received).toHaveLength(1);
    expect(JSON.stringify(sandbox.received[0]!.body)).toContain(SHIPPING_PHONE_E164.slice(1));
  });
  it("GIVEN an order the app knows WHEN 'send current status again' is pressed, and the request repeated THEN one message of the order's current status is queued and sent", async () => {
    sandbox.reset();
    const requestId = "5f0c1a52-8a43-4b8e-9a53-2f4d7c1e9b10";
    const before = (await db.query<{ id: string }>(`SELECT "id" FROM "Message" WHERE "orderId" = ?`, [ORDER])).map((row) => row.id);

    const first = await call(ORDER, { body: { intent: "resend", requestId } });
    const again = await call(ORDER, { body: { intent: "resend", requestId } });

    expect(first.status).toBe(200);
    const body = JSON.parse(first.text);
    expect(body).toMatchObject({ ok: true, resent: { outcome: "queued", status: "shipped" } });
    expect(again.status).toBe(200);
    expect(JSON.parse(again.text).resent).toEqual(body.resent);
    const added = await db.query<{ id: string; orderStatus: string; dedupeKey: string }>(
      `SELECT "id", "orderStatus", "dedupeKey" FROM "Message" WHERE "orderId" = ? AND "id" NOT IN (${before.map(() => "?").join(", ")})`,
      [ORDER, ...before],
    );
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ id: body.resent.messageId, orderStatus: "shipped" });
    expect(added[0]!.dedupeKey).toContain(`order-block:${requestId}`);
    expect(body.timeline.messages.map((message: { id: string }) => message.id)).toContain(body.resent.messageId);
    expectNothingPrivate(first.text);

    await sendQueued(added[0]!.id, "the resent update to be sent");
    expect(sandbox.received).toHaveLength(1);
  });

  it("GIVEN a shopper who sent STOP WHEN 'send current status again' is pressed THEN 422 with the reason, and the update is kept as skipped", async () => {
    await saveConsent(db, SHOP, SHIPPING_PHONE_E164, { consent: "opted_out", at: at(30), source: "inbound", wording: "STOP" }, at(30));
    try {
      const answer = await call(ORDER, { body: { intent: "resend", requestId: "0b6f3c8e-2d1a-4c55-8f0e-6a7b9c1d2e3f" } });
      expect(answer.status).toBe(422);
      expect(JSON.parse(answer.text).error).toMatch(/opted out/i);
      const skipped = await db.query<{ state: string }>(`SELECT "state" FROM "Message" WHERE "dedupeKey" LIKE ?`, ["%order-block:0b6f3c8e-2d1a-4c55-8f0e-6a7b9c1d2e3f%"]);
      expect(skipped.map((row) => row.state)).toEqual(["skipped"]);
    } finally {
      await saveConsent(db, SHOP, SHIPPING_PHONE_E164, { consent: "opted_in", at: at(31), source: "order", wording: "the shop's checkout collects WhatsApp consent" }, at(31));
    }
  });
});
