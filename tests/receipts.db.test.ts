/**
 * Kaleyra's status callbacks over HTTP, through the inbox, onto the messages they name: in
 * order, out of order, twice, for nobody, with a wrong token or secret, and what each of
 * Meta's codes makes the app do.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptSecret } from "../app/crypto/secrets.server";
import { kaleyraNotSentCallback, kaleyraStatusCallback } from "../app/receipts/__fixtures__/callbacks";
import { refFor } from "../app/receipts/kaleyra-callback";
import { CALLBACK_SECRET_HEADER, issueCallbackCredentials } from "../app/receipts/receive.server";
import { orderPayload } from "../app/orders/__fixtures__/lifecycle";
import { adminDeps } from "../app/admin/deps.server";
import { shownDelivery } from "../app/admin/delivery";
import { loadTestDelivery, TEST_REFERENCE_ID } from "../app/admin/settings.server";
import { DELIVERY_ERRORS } from "../app/receipts/delivery-errors";
import { serializeRecord } from "../app/receipts/delivery-state";
import { makeMessage, makeShop } from "./factories";
import { SHOP, startPipeline, type Pipeline } from "./helpers/pipeline";
import { waitFor } from "./helpers/process";

const OTHER_SHOP = "receipts-other.myshopify.com";

let pipeline: Pipeline;
let token: string;
let secret: string;

beforeAll(async () => {
  pipeline = await startPipeline();
  ({ token, secret } = await issueCallbackCredentials(pipeline.db, SHOP, new Date()));
  await makeShop(pipeline.db, OTHER_SHOP);
}, 60_000);

afterAll(async () => {
  await pipeline?.stop();
});

function postCallback(body: unknown, auth: { token?: string; headers?: Record<string, string> } = {}): Promise<Response> {
  return fetch(`${pipeline.app.url}/kaleyra/callbacks/${auth.token ?? token}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(auth.headers ?? { [CALLBACK_SECRET_HEADER]: secret }) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function sentMessage(shop = SHOP): Promise<{ id: string; kaleyraId: string }> {
  const id = randomUUID();
  const kaleyraId = `k-${randomUUID()}`;
  await makeMessage(pipeline.db, shop, { id, orderId: String(900_000 + Math.floor(Math.random() * 99_999)), kaleyraMessageId: kaleyraId, sentAt: new Date() });
  return { id, kaleyraId };
}

interface Delivery {
  state: string;
  deliveryState: string | null;
  whatsappSentAt: Date | string | null;
  deliveredAt: Date | string | null;
  readAt: Date | string | null;
  failedAt: Date | string | null;
  failure: string | null;
  lastDetail: string | null;
}

async function deliveryOf(id: string): Promise<Delivery> {
  const [row] = await pipeline.db.query<Delivery>(
    `SELECT "state", "deliveryState", "whatsappSentAt", "deliveredAt", "readAt", "failedAt", "failure", "lastDetail" FROM "Message" WHERE "id" = ?`,
    [id],
  );
  return row!;
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
const seconds = (s: number) => String(1_764_669_600 + s);
const at = (s: number) => new Date((1_764_669_600 + s) * 1000).toISOString();

async function callbacksKept(): Promise<number> {
  const [row] = await pipeline.db.query<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "WebhookEvent" WHERE "source" = 'kaleyra'`);
  return Number(row?.n);
}

async function post(body: unknown): Promise<void> {
  const response = await postCallback(body);
  expect(response.status).toBe(200);
}

describe("status callbacks", () => {
  it("GIVEN a sent message WHEN sent, delivered and read come in order THEN it is read, with the time of each", async () => {
    const message = await sentMessage();
    for (const [status, s] of [["sent", 1], ["delivered", 2], ["read", 3]] as const) {
      await post(kaleyraStatusCallback({ status, timestamp: seconds(s), ref: refFor(message.id), kaleyraId: message.kaleyraId }));
    }
    await pipeline.app.inboxSettled();
    const row = await deliveryOf(message.id);
    expect({ ...row, whatsappSentAt: iso(row.whatsappSentAt), deliveredAt: iso(row.deliveredAt), readAt: iso(row.readAt) }).toMatchObject({
      state: "sent",
      deliveryState: "read",
      whatsappSentAt: at(1),
      deliveredAt: at(2),
      readAt: at(3),
      failedAt: null,
    });
  });

  it("GIVEN a message WHEN read comes before delivered and delivered comes twice THEN it is read and delivered keeps its time", async () => {
    const message = await sentMessage();
    await post(kaleyraStatusCallback({ status: "read", timestamp: seconds(30), ref: refFor(message.id) }));
    await post(kaleyraStatusCallback({ status: "delivered", timestamp: seconds(20), ref: refFor(message.id) }));
    await post(kaleyraStatusCallback({ status: "delivered", timestamp: seconds(20), ref: refFor(message.id) }));
    await pipeline.app.inboxSettled();
    const row = await deliveryOf(message.id);
    expect([row.deliveryState, iso(row.deliveredAt), iso(row.readAt)]).toEqual(["read", at(20), at(30)]);
  });

  it("GIVEN a callback whose ref is not the app's WHEN it names Kaleyra's id THEN the message is found by that id", async () => {
    const message = await sentMessage();
    await post(kaleyraStatusCallback({ status: "delivered", timestamp: seconds(5), ref: "from-an-older-version", kaleyraId: message.kaleyraId }));
    await pipeline.app.inboxSettled();
    expect((await deliveryOf(message.id)).deliveryState).toBe("delivered");
  });

  it("GIVEN a callback for no message of this shop (another shop's message included) WHEN it comes THEN it is kept as ignored, with the reason", async () => {
    const theirs = await sentMessage(OTHER_SHOP);
    await post(kaleyraStatusCallback({ status: "delivered", ref: refFor(theirs.id), kaleyraId: theirs.kaleyraId }));
    await pipeline.app.inboxSettled();
    expect((await deliveryOf(theirs.id)).deliveryState).toBeNull();
    const [kept] = await pipeline.db.query<{ outcome: string; reason: string }>(
      `SELECT "outcome", "reason" FROM "WebhookEvent" WHERE "source" = 'kaleyra' AND "lane" = ?`,
      [`receipt:${theirs.id}`],
    );
    expect(kept).toEqual({ outcome: "ignored", reason: `delivered: no message of this shop has ref ${theirs.id} or Kaleyra id ${theirs.kaleyraId}` });
  });

  it.each([
    ["a wrong token", { token: "A".repeat(43) }],
    ["a malformed token", { token: "not-a-token" }],
    ["no secret", { headers: {} }],
    ["a wrong secret", { headers: { [CALLBACK_SECRET_HEADER]: "guessed" } }],
    ["Basic auth with a wrong password", { headers: { authorization: `Basic ${Buffer.from("kaleyra:guessed").toString("base64")}` } }],
  ])("GIVEN %s WHEN a callback comes THEN 401 and nothing is stored", async (_name, auth) => {
    const message = await sentMessage();
    const before = await callbacksKept();
    const response = await postCallback(kaleyraStatusCallback({ status: "delivered", ref: refFor(message.id) }), auth);
    expect(response.status).toBe(401);
    expect(await callbacksKept()).toBe(before);
    expect((await deliveryOf(message.id)).deliveryState).toBeNull();
  });

  it("GIVEN a stored secret no key of ENCRYPTION_KEY reads WHEN a callback comes THEN 503 (Kaleyra retries) and nothing is stored", async () => {
    const shop = "receipts-unreadable.myshopify.com";
    await makeShop(pipeline.db, shop);
    const issued = await issueCallbackCredentials(pipeline.db, shop, new Date());
    const underAnotherKey = encryptSecret(issued.secret, Buffer.alloc(32, 9).toString("base64"));
    await pipeline.db.execute(`UPDATE "Shop" SET "callbackSecretCipher" = ? WHERE "domain" = ?`, [underAnotherKey, shop]);
    const before = await callbacksKept();
    const response = await postCallback(kaleyraStatusCallback({ status: "read" }), { token: issued.token, headers: { [CALLBACK_SECRET_HEADER]: issued.secret } });
    expect(response.status).toBe(503);
    expect(await callbacksKept()).toBe(before);
  });

  it("GIVEN the secret as Basic auth's password (Kaleyra's other option) WHEN a callback comes THEN it is taken", async () => {
    const message = await sentMessage();
    const response = await postCallback(kaleyraStatusCallback({ status: "delivered", ref: refFor(message.id) }), {
      headers: { authorization: `Basic ${Buffer.from(`kaleyra:${secret}`).toString("base64")}` },
    });
    expect(response.status).toBe(200);
    await pipeline.app.inboxSettled();
    expect((await deliveryOf(message.id)).deliveryState).toBe("delivered");
  });

  it("GIVEN a body that is not JSON, or over the size limit WHEN it comes THEN it is kept as ignored, or refused with 413", async () => {
    expect((await postCallback("{not json")).status).toBe(200);
    const [kept] = await pipeline.db.query<{ outcome: string; reason: string }>(
      `SELECT "outcome", "reason" FROM "WebhookEvent" WHERE "source" = 'kaleyra' AND "reason" = 'the callback body is not valid JSON'`,
    );
    expect(kept?.outcome).toBe("ignored");
    expect((await postCallback(JSON.stringify({ status: "read", pad: "x".repeat(300 * 1024) }))).status).toBe(413);
  });
});

describe("the test message's callbacks", () => {
  it("GIVEN an accepted test message WHEN its delivered and read come THEN Settings shows it read; a callback for an earlier test changes nothing", async () => {
    await pipeline.db.execute(`UPDATE "Shop" SET "testMessageId" = ?, "testDelivery" = ? WHERE "domain" = ?`, [
      "k-test-2",
      serializeRecord({ state: "accepted" }),
      SHOP,
    ]);
    await post(kaleyraStatusCallback({ status: "delivered", timestamp: seconds(31), kaleyraId: "k-test-2", ref: TEST_REFERENCE_ID }));
    await post(kaleyraStatusCallback({ status: "read", timestamp: seconds(35), kaleyraId: "k-test-2", ref: TEST_REFERENCE_ID }));
    await post(kaleyraStatusCallback({ status: "failed", timestamp: seconds(36), kaleyraId: "k-test-1", ref: TEST_REFERENCE_ID, errors: [{ code: 131026 }] }));
    await pipeline.app.inboxSettled();
    const shown = await loadTestDelivery(adminDeps({ sql: pipeline.db }), SHOP);
    expect(shown).toMatchObject({ state: "read", label: "Read", failure: null });
    expect(shown?.times).toEqual([
      { label: "Delivered", at: at(31) },
      { label: "Read", at: at(35) },
    ]);
  });
});

describe("personal data in callbacks", () => {
  it("GIVEN a kept callback naming a shopper's number that matched no message WHEN customers/redact names her THEN its body is dropped", async () => {
    await post(kaleyraStatusCallback({ status: "delivered", ref: refFor("gone-message"), recipient: "919812300077" }));
    await pipeline.app.inboxSettled();
    const bodyOf = async () =>
      (await pipeline.db.query<{ body: string | null }>(`SELECT "body" FROM "WebhookEvent" WHERE "lane" = ?`, ["receipt:gone-message"]))[0]?.body;
    expect(await bodyOf()).toContain("919812300077");
    await pipeline.accept("customers/redact", { shop_id: 1, shop_domain: SHOP, customer: { id: 5, phone: "+919812300077" }, orders_to_redact: [] });
    await pipeline.app.inboxSettled();
    expect(await bodyOf()).toBeNull();
  });
});

describe("what the app does with Meta's failures", () => {
  it("GIVEN 131047 (outside the 24-hour window) WHEN it comes THEN failed, never resent, explained in plain words", async () => {
    const message = await sentMessage();
    await post(
      kaleyraStatusCallback({
        status: "failed",
        timestamp: seconds(9),
        ref: refFor(message.id),
        errors: [{ code: 131047, title: "Re-engagement message", error_data: { details: "More than 24 hours have passed since the customer last replied." } }],
      }),
    );
    await pipeline.app.inboxSettled();
    const row = await deliveryOf(message.id);
    expect(row).toMatchObject({ state: "failed", deliveryState: "failed" });
    expect(iso(row.failedAt)).toBe(at(9));
    expect(JSON.parse(row.failure ?? "{}")).toMatchObject({ code: "131047", title: "Re-engagement message" });
  });

  it("GIVEN 131056 (too many messages to this shopper) WHEN it comes THEN the message is queued again and sent again later", async () => {
    const message = await sentMessage();
    await post(kaleyraStatusCallback({ status: "failed", ref: refFor(message.id), errors: [{ code: 131056, title: "Pair rate limit hit" }] }));
    await pipeline.app.inboxSettled();
    const [queued] = await pipeline.db.query<{ state: string; failure: string; nextAttemptAt: Date | string }>(
      `SELECT "state", "failure", "nextAttemptAt" FROM "Message" WHERE "id" = ?`,
      [message.id],
    );
    expect(queued).toMatchObject({ state: "queued" });
    expect(JSON.parse(queued!.failure)).toMatchObject({ code: "131056" });
    expect(new Date(queued!.nextAttemptAt).getTime()).toBeGreaterThan(Date.now());
    // Its backoff has passed.
    await pipeline.db.execute(`UPDATE "Message" SET "nextAttemptAt" = ? WHERE "id" = ?`, [new Date(), message.id]);
    await waitFor(
      async () => (pipeline.sandbox.received.some((sent) => (sent.body as { extra_info?: { ref?: string } }).extra_info?.ref === refFor(message.id)) ? true : undefined),
      30_000,
      "the message to be sent again",
    );
    await pipeline.settle();
    expect((await deliveryOf(message.id)).state).toBe("sent");
  });

  it("GIVEN 131026 (a number not on WhatsApp) WHEN it comes THEN failed, the number's waiting message is skipped, and so is the next order's, with the reason and until when", async () => {
    const number = "+447400999001";
    const id = randomUUID();
    await makeMessage(pipeline.db, SHOP, { id, orderId: "131026001", recipient: number, kaleyraMessageId: `k-${id}`, sentAt: new Date() });
    const waiting = await makeMessage(pipeline.db, SHOP, { orderId: "131026002", recipient: number, state: "paused" });
    await post(kaleyraStatusCallback({ status: "failed", timestamp: seconds(20), ref: refFor(id), errors: [{ code: 131026, title: "Message undeliverable" }] }));
    await pipeline.app.inboxSettled();

    expect((await deliveryOf(id)).state).toBe("failed");
    const reason = `WhatsApp could not deliver to this number on ${at(20).slice(0, 10)} (error 131026: not on WhatsApp, or too old a WhatsApp version); messages to it are skipped until ${new Date((1_764_669_620 + 72 * 3600) * 1000).toISOString().slice(0, 10)}`;
    const [skipped] = await pipeline.db.query<{ state: string; skipReason: string }>(`SELECT "state", "skipReason" FROM "Message" WHERE "id" = ?`, [waiting]);
    expect(skipped).toEqual({ state: "skipped", skipReason: reason });
    expect(DELIVERY_ERRORS["131026"]!.action).toBe("skip_recipient");
  });

  it("GIVEN a 131026 failure to a number within the skip window WHEN a new order for it comes THEN its message is skipped, not sent", async () => {
    const number = "+447400999002";
    await makeMessage(pipeline.db, SHOP, {
      orderId: "131026003",
      recipient: number,
      state: "failed",
      deliveryState: "failed",
      failedAt: new Date(Date.now() - 3_600_000),
      failure: JSON.stringify({ code: "131026", title: "Message undeliverable" }),
    });
    const sentBefore = pipeline.sandbox.received.length;
    await pipeline.accept("orders/create", orderPayload({ id: "131026004", name: "#131026", phone: number }));
    await pipeline.app.inboxSettled();
    const [row] = await pipeline.db.query<{ state: string; skipReason: string }>(
      `SELECT "state", "skipReason" FROM "Message" WHERE "shopDomain" = ? AND "orderId" = '131026004'`,
      [SHOP],
    );
    expect(row?.state).toBe("skipped");
    expect(row?.skipReason).toMatch(/^WhatsApp could not deliver to this number on \d{4}-\d{2}-\d{2} \(error 131026/);
    expect(pipeline.sandbox.received.slice(sentBefore).filter((m) => (m.body as { messaging_object: { to: string } }).messaging_object.to === number)).toEqual([]);
  });

  it("GIVEN Kaleyra's not-sent with WAV2101 (daily limit) WHEN it comes THEN the shop pauses and the message waits for the pause to lift", async () => {
    const message = await sentMessage();
    await post(kaleyraNotSentCallback({ ref: refFor(message.id), code: "WAV2101" }));
    await pipeline.app.inboxSettled();
    expect((await deliveryOf(message.id)).state).toBe("paused");
    const [shop] = await pipeline.db.query<{ pausedReason: string | null }>(`SELECT "pausedReason" FROM "Shop" WHERE "domain" = ?`, [SHOP]);
    expect(shop?.pausedReason).toBe("daily_limit");
    await pipeline.db.execute(`UPDATE "Shop" SET "pausedReason" = NULL, "pausedCode" = NULL, "pausedDetail" = NULL, "pausedAt" = NULL, "resumeAt" = NULL WHERE "domain" = ?`, [SHOP]);
  });
});

describe("every code of the table, and one it does not know", () => {
  /** What each action leaves the message as (and the shop: WAV2101 pauses it). */
  const STATE_AFTER = { failed: "failed", retry: "queued", skip_recipient: "failed", pause_shop: "paused", template_fallback: "failed" } as const;
  const cases = [
    ...Object.entries(DELIVERY_ERRORS).map(([code, rule]) => ({ code, state: STATE_AFTER[rule.action], explanation: rule.explanation })),
    { code: "131099", state: "failed", explanation: "WhatsApp did not deliver it: Something new. Meta changed a rule" },
  ];

  it.each(cases)("GIVEN a failure with $code WHEN it comes THEN the message is $state, with the table's explanation", async ({ code, state, explanation }) => {
    const message = await sentMessage();
    const body = /^\d+$/.test(code)
      ? kaleyraStatusCallback({ status: "failed", ref: refFor(message.id), errors: [{ code: Number(code), title: "Something new", message: "Meta changed a rule" }] })
      : kaleyraNotSentCallback({ ref: refFor(message.id), code });
    await post(body);
    await pipeline.app.inboxSettled();
    const row = await deliveryOf(message.id);
    expect(row.state).toBe(state);
    expect(JSON.parse(row.failure ?? "{}")).toMatchObject({ code });
    const shown = shownDelivery({ ...row, whatsappSentAt: null, deliveredAt: null, readAt: null, failedAt: null });
    expect(shown?.failure?.explanation).toBe(explanation);
    // The daily-limit pause is the shop's: lifted again for the next case.
    await pipeline.db.execute(`UPDATE "Shop" SET "pausedReason" = NULL, "pausedCode" = NULL, "pausedDetail" = NULL, "pausedAt" = NULL, "resumeAt" = NULL WHERE "domain" = ?`, [SHOP]);
  });
});

describe("many callbacks at once", () => {
  it("GIVEN 300 sent messages WHEN 1,000 of their callbacks come in random order, some twice THEN each ends in its furthest state", async () => {
    const messages = await Promise.all(Array.from({ length: 300 }, () => sentMessage()));
    const plans = messages.map((message, i) => {
      const furthest = (["delivered", "read", "failed"] as const)[i % 3]!;
      const steps = furthest === "failed" ? ["sent", "failed"] : furthest === "delivered" ? ["sent", "delivered"] : ["sent", "delivered", "read"];
      return { message, furthest, steps };
    });
    const callbacks = plans.flatMap(({ message, steps }) =>
      steps.map((status, s) =>
        kaleyraStatusCallback({
          status,
          timestamp: seconds(100 + s),
          ref: refFor(message.id),
          ...(status === "failed" ? { errors: [{ code: 131026, title: "Message undeliverable" }] } : {}),
        }),
      ),
    );
    while (callbacks.length < 1000) callbacks.push(callbacks[Math.floor(Math.random() * callbacks.length)]!);
    callbacks.sort(() => Math.random() - 0.5);
    for (let i = 0; i < callbacks.length; i += 50) await Promise.all(callbacks.slice(i, i + 50).map((body) => post(body)));
    await pipeline.app.inboxSettled();
    const rows = await pipeline.db.query<{ id: string; deliveryState: string }>(
      `SELECT "id", "deliveryState" FROM "Message" WHERE "id" IN (${plans.map(() => "?").join(", ")})`,
      plans.map(({ message }) => message.id),
    );
    const states = new Map(rows.map((row) => [row.id, row.deliveryState]));
    expect(plans.filter(({ message, furthest }) => states.get(message.id) !== furthest)).toEqual([]);
  }, 120_000);
});
