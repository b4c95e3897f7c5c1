/**
 * Shop isolation of the admin: every `app.*` loader and action, called over HTTP against the
 * production build exactly as the embedded app calls them (Remix data requests with
 * `Authorization: Bearer <session token>`), with a valid session token of shop A and shop
 * B's ids and domain in the URL and in the forms. Nothing of B may be read or changed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKaleyraSandbox, type KaleyraSandbox } from "../sandbox/kaleyra-sandbox";
import { openSqlDatabase, type SqlDatabase } from "../app/db/sql.server";
import { DEFAULT_TEMPLATES } from "../app/templates/defaults";
import { ORDER_STATUSES } from "../app/kaleyra/statuses";
import { startTestApp, type TestApp } from "./helpers/app";
import { ACCOUNT, configureShop } from "./helpers/pipeline";
import { sessionToken, storeOfflineSession } from "./browser/support/shopify-session";

const A = "isolation-a.myshopify.com";
const B = "isolation-b.myshopify.com";
const B_SID = "HXBSHOPSECRETSID";
const B_ORDER = "#B-7777";
const B_TEMPLATE = "Only shop B writes {{order_name}} like this";

let sandbox: KaleyraSandbox;
let app: TestApp;
let db: SqlDatabase;
let bMessages: { failed: string; skipped: string; sent: string };
let aFailed: string;

async function insertMessage(shop: string, values: { id: string; orderId: string; orderName: string; state: string }): Promise<string> {
  const now = new Date();
  await db.execute(
    `INSERT INTO "Message" ("id", "shopDomain", "orderId", "orderName", "status", "dedupeKey", "state", "rank", "recipient",
       "referenceId", "bodyText", "attempts", "lastOutcome", "lastCode", "lastDetail", "skipReason", "nextAttemptAt", "createdAt", "updatedAt")
     VALUES (?, ?, ?, ?, 'shipped', ?, ?, 2, '+15025550147', ?, 'Shipped', 1, 'rejected', 'WA400', 'Kaleyra refused the message format. x', ?, ?, ?, ?)`,
    [values.id, shop, values.orderId, values.orderName, `${values.orderId}:shipped`, values.state, values.orderId,
      values.state === "skipped" ? "the shipped template is switched off" : null, now, now, now],
  );
  return values.id;
}

/** Everything the app holds of shop B, to compare before and after. */
async function snapshotOfB(): Promise<unknown> {
  return {
    shop: await db.query(`SELECT * FROM "Shop" WHERE "domain" = ?`, [B]),
    templates: await db.query(`SELECT * FROM "Template" WHERE "shopDomain" = ? ORDER BY "status"`, [B]),
    messages: await db.query(`SELECT * FROM "Message" WHERE "shopDomain" = ? ORDER BY "id"`, [B]),
    sessions: await db.query(`SELECT * FROM "Session" WHERE "shop" = ?`, [B]),
  };
}

function dataUrl(path: string, routeId: string, extra: Record<string, string> = {}): string {
  const url = new URL(path, app.url);
  url.searchParams.set("_data", routeId);
  for (const [name, value] of Object.entries(extra)) url.searchParams.set(name, value);
  return url.toString().replace("index=&", "index&");
}

/** A Remix data request as the embedded app makes it, authenticated as `shop`. */
async function asShop(shop: string, url: string, form?: Record<string, string>): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method: form ? "POST" : "GET",
    headers: { authorization: `Bearer ${sessionToken(shop)}`, "user-agent": "Mozilla/5.0 Chrome/140.0" },
    body: form ? new URLSearchParams(form) : undefined,
    redirect: "manual",
  });
  return { status: response.status, text: await response.text() };
}

const asA = (url: string, form?: Record<string, string>) => asShop(A, url, form);

/** What B's data looks like in any answer: none of these may appear in A's. */
function expectNothingOfB(text: string): void {
  for (const secret of [B, B_SID, B_ORDER, B_TEMPLATE, bMessages.failed, bMessages.skipped, bMessages.sent]) {
    expect(text).not.toContain(secret);
  }
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

beforeAll(async () => {
  sandbox = await startKaleyraSandbox({
    accounts: [
      { sid: ACCOUNT.sid, apiKey: ACCOUNT.apiKey, numbers: [ACCOUNT.number] },
      { sid: B_SID, apiKey: ACCOUNT.apiKey, numbers: [ACCOUNT.number] },
    ],
  });
  app = await startTestApp({ KALEYRA_BASE_URL: sandbox.url });
  db = openSqlDatabase(app.database.url);
  await configureShop(db, A);
  await configureShop(db, B);
  await db.execute(
    `UPDATE "Shop" SET "kaleyraSid" = ?, "pausedReason" = 'low_balance', "pausedCode" = 'E110' WHERE "domain" = ?`,
    [B_SID, B],
  );
  for (const status of ORDER_STATUSES) {
    await db.execute(
      `INSERT INTO "Template" ("id", "shopDomain", "status", "enabled", "body", "description", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [`b-${status}`, B, status, true, B_TEMPLATE, null, new Date()],
    );
  }
  bMessages = {
    failed: await insertMessage(B, { id: "b-failed-message", orderId: "77771", orderName: B_ORDER, state: "failed" }),
    skipped: await insertMessage(B, { id: "b-skipped-message", orderId: "77772", orderName: B_ORDER, state: "skipped" }),
    sent: await insertMessage(B, { id: "b-sent-message", orderId: "77773", orderName: B_ORDER, state: "sent" }),
  };
  aFailed = await insertMessage(A, { id: "a-failed-message", orderId: "11111", orderName: "#A-1111", state: "failed" });
  await storeOfflineSession(A);
  await storeOfflineSession(B);
});

afterAll(async () => {
  await db?.close();
  await app?.stop();
  await sandbox?.close();
});

describe("shop A's session never reaches shop B", () => {
  it("GIVEN no or a forged session token WHEN a page's data is asked for THEN it is refused", async () => {
    const url = dataUrl("/app/settings", "routes/app.settings");
    expect((await fetch(url, { headers: { "user-agent": "Mozilla/5.0 Chrome/140.0" }, redirect: "manual" })).status).not.toBe(200);
    const forged = await fetch(url, {
      headers: { authorization: `Bearer ${sessionToken(B, { aud: "another-app" })}`, "user-agent": "Mozilla/5.0 Chrome/140.0" },
      redirect: "manual",
    });
    expect(forged.status).toBe(401);
    expect(await forged.text()).not.toContain(B_SID);
  });

  it("GIVEN B's domain in the URL WHEN A loads the layout and Home THEN A's own data comes back", async () => {
    const before = await snapshotOfB();
    const layout = await asA(dataUrl("/app", "routes/app", { shop: B }));
    expect(layout.status).toBe(200);
    const home = await asA(dataUrl("/app?index", "routes/app._index", { shop: B }));
    expect(home.status).toBe(200);
    expectNothingOfB(home.text);
    // B is paused for low balance; A is not, so A's Home has no such banner.
    expect(home.text).not.toContain("low_balance");
    expect(await snapshotOfB()).toEqual(before);
  });

  it("GIVEN B's domain in the form WHEN A posts Home's resume THEN B stays paused", async () => {
    const before = await snapshotOfB();
    const response = await asA(dataUrl("/app?index", "routes/app._index"), { intent: "resume", shop: B, domain: B });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toMatchObject({ ok: true, resumed: false });
    expect(await snapshotOfB()).toEqual(before);
  });

  it("GIVEN B's domain in the URL WHEN A loads Settings THEN A's settings come back, never B's SID", async () => {
    const response = await asA(dataUrl("/app/settings", "routes/app.settings", { shop: B }));
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text).settings.kaleyraSid).toBe(ACCOUNT.sid);
    expectNothingOfB(response.text);
  });

  it("GIVEN B's domain in the form WHEN A saves settings THEN A's row changes and B's does not", async () => {
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
  });

  it("GIVEN B's domain in the form WHEN A sends a test message THEN it goes with A's account and B is not marked", async () => {
    await db.execute(`UPDATE "Shop" SET "businessNumber" = ? WHERE "domain" = ?`, [ACCOUNT.number, A]);
    const before = await snapshotOfB();
    sandbox.reset();
    const response = await asA(dataUrl("/app/settings", "routes/app.settings"), { intent: "test", to: "+919812345678", shop: B });
    expect(JSON.parse(response.text)).toMatchObject({ intent: "test", ok: true, report: { code: "WA202" } });
    expect(sandbox.received.map((message) => message.sid)).toEqual([ACCOUNT.sid]);
    expect(await snapshotOfB()).toEqual(before);
  });

  it("GIVEN B's domain in the URL and form WHEN A loads and saves templates THEN only A's templates are read and written", async () => {
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
  });

  it("GIVEN B's order name as the search WHEN A lists messages THEN none of B's messages are listed", async () => {
    const response = await asA(dataUrl("/app/messages?index", "routes/app.messages._index", { q: B_ORDER, shop: B }));
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text).rows).toEqual([]);
    const all = await asA(dataUrl("/app/messages?index", "routes/app.messages._index"));
    expect(JSON.parse(all.text).rows.map((row: { id: string }) => row.id)).toEqual([aFailed]);
    expectNothingOfB(all.text);
  });

  it.each(["failed", "skipped", "sent"] as const)("GIVEN B's %s message id in the URL WHEN A opens it THEN 404 and nothing of it", async (which) => {
    const id = bMessages[which];
    const response = await asA(dataUrl(`/app/messages/${id}`, "routes/app.messages.$id"));
    expect(response.status).toBe(404);
    expect(response.text).not.toContain(B_ORDER);
    expect(response.text).not.toContain("77771");
  });

  it.each(["failed", "skipped"] as const)("GIVEN B's %s message id in the URL WHEN A retries it THEN 404 and it is unchanged", async (which) => {
    const before = await snapshotOfB();
    const response = await asA(dataUrl(`/app/messages/${bMessages[which]}`, "routes/app.messages.$id"), { intent: "retry" });
    expect(response.status).toBe(404);
    expect(await snapshotOfB()).toEqual(before);
  });

  it("GIVEN B's message id in the form of A's own retry WHEN posted THEN only A's message is retried", async () => {
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
  });
});
