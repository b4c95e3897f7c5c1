/**
 * Bodies that are no form at all, posted to every admin action (Home's resume, Settings,
 * Templates, a message's retry) with a valid session token: JSON, plain text, a broken
 * multipart body, no content type. Before app/admin/form-data.ts's readForm each of them
 * answered 500 ("Unexpected Server Error"). Now: 400 with a sentence, nothing changed.
 * Also the checker the other suites rely on: it must fail on markup that was not escaped.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UNREADABLE_FORM } from "../../app/admin/form-data";
import { openSqlDatabase, type SqlDatabase } from "../../app/db/sql.server";
import { embeddedUrl, storeOfflineSession } from "../browser/support/shopify-session";
import { startTestApp, type TestApp } from "../helpers/app";
import { makeMessage, makeShop } from "../factories";
import { IMG_ONERROR, SCRIPT, expectNoInjectedMarkup, htmlEscaped } from "./support/hostile";
import { AdminClient, BROWSER_UA, jsonOf } from "./support/http";
import { storedState } from "./support/store";

const SHOP = "forms-bodies.myshopify.com";
const MESSAGE_ID = "bodies-failed-message";

let app: TestApp;
let db: SqlDatabase;
let admin: AdminClient;
const tally = { inputs: 0, serverErrors: 0 };

/** Each action and the answer it gives to a body it cannot read. */
const ACTIONS = [
  { path: "/app?index", route: "routes/app._index", answer: { ok: false, error: "Unknown action." } },
  { path: "/app/settings", route: "routes/app.settings", answer: { intent: "unknown", ok: false, errors: { form: UNREADABLE_FORM } } },
  { path: "/app/templates", route: "routes/app.templates", answer: { ok: false, errors: { form: UNREADABLE_FORM } } },
  { path: `/app/messages/${MESSAGE_ID}`, route: "routes/app.messages.$id", answer: { ok: false, error: "Unknown action." } },
] as const;

const BODIES: ReadonlyArray<readonly [string, string, string | undefined]> = [
  ["JSON", JSON.stringify({ intent: "save", kaleyraSid: "HX1" }), "application/json"],
  ["plain text", "intent=save&kaleyraSid=HX1", "text/plain;charset=UTF-8"],
  ["a multipart body without its boundary", "--x\r\nContent-Disposition: form-data; name=\"intent\"\r\n\r\nsave\r\n--x--\r\n", "multipart/form-data"],
  ["a multipart body cut short", "--x\r\nContent-Disposition: form-data; name=\"intent\"\r\n\r\nsa", "multipart/form-data; boundary=x"],
  ["XML", `<intent>${SCRIPT}</intent>`, "application/xml"],
  ["no content type", "intent=save", undefined],
];

async function snapshot(): Promise<unknown> {
  return {
    state: await storedState(db, SHOP),
    messages: await db.query(`SELECT * FROM "Message" WHERE "shopDomain" = ? ORDER BY "id"`, [SHOP]),
  };
}

beforeAll(async () => {
  app = await startTestApp();
  db = openSqlDatabase(app.database.url);
  await makeShop(db, SHOP);
  await db.execute(`UPDATE "Shop" SET "pausedReason" = 'low_balance', "pausedCode" = 'E110' WHERE "domain" = ?`, [SHOP]);
  await makeMessage(db, SHOP, {
    id: MESSAGE_ID,
    orderId: "4440001",
    orderName: "#4440001",
    dedupeKey: "4440001:shipped",
    state: "failed",
    recipientSource: null,
    bodyText: "Shipped",
    lastOutcome: "rejected",
    createdAt: new Date(),
  });
  await storeOfflineSession(SHOP);
  admin = new AdminClient(app.url, SHOP);
});

afterAll(async () => {
  await db?.close();
  await app?.stop();
});

describe("bodies that are no form", () => {
  for (const action of ACTIONS) {
    it.each(BODIES)(`GIVEN %s WHEN posted to ${action.route} THEN 400 with a sentence and nothing changes`, async (_name, body, type) => {
      const before = await snapshot();
      const answer = await admin.postRaw(action.path, action.route, body, type);
      tally.inputs += 1;
      if (answer.status >= 500) tally.serverErrors += 1;
      expect(answer.status).toBe(400);
      expect(jsonOf(answer)).toEqual(action.answer);
      expect(await snapshot()).toEqual(before);
    });
  }

  it.each(ACTIONS)("GIVEN a JSON body WHEN posted as a document to $route THEN a 400 page, not a server error", async (action) => {
    const before = await snapshot();
    const url = embeddedUrl(app.url, action.path, SHOP);
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": BROWSER_UA },
      body: "{}",
      redirect: "manual",
    });
    tally.inputs += 1;
    if (response.status >= 500) tally.serverErrors += 1;
    expect(response.status).toBe(400);
    expectNoInjectedMarkup(await response.text(), action.path);
    expect(await snapshot()).toEqual(before);
  });

  it("GIVEN every body posted WHEN counted THEN none answered 5xx", async ({ annotate }) => {
    await annotate(`request bodies: ${JSON.stringify(tally)}`);
    expect(tally).toEqual({ inputs: ACTIONS.length * (BODIES.length + 1), serverErrors: 0 });
  });
});

describe("the unescaped-markup check itself", () => {
  const page = (inside: string) =>
    `<!DOCTYPE html><html><head><script src="/assets/a.js"></script></head><body><p>${inside}</p>` +
    `<script>window.__remixContext = {"x":"\\u003cscript\\u003e"};</script></body></html>`;

  it("GIVEN escaped hostile text WHEN checked THEN it passes", () => {
    expect(() => expectNoInjectedMarkup(page(htmlEscaped(`${SCRIPT} ${IMG_ONERROR}`)), "escaped")).not.toThrow();
  });

  it.each([
    ["a raw script", SCRIPT],
    ["a raw img with onerror", IMG_ONERROR],
    ["an inline handler", `<div onmouseover="alert(1)">x</div>`],
    ["a javascript: link", `<a href="javascript:alert(1)">x</a>`],
    ["a javascript: link hidden by a tab entity", `<a href=" jav&#x09;ascript:alert(1)">x</a>`],
    ["a script of unknown source", `<script src="https://evil.example/x.js"></script>`],
    ["a template evaluated to a function", "function Object() { [native code] }"],
  ])("GIVEN %s in a page WHEN checked THEN it fails", (_name, inside) => {
    expect(() => expectNoInjectedMarkup(page(inside), "hostile")).toThrow();
  });
});
