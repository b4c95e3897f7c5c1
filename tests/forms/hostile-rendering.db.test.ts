/**
 * Hostile text that is valid to store, shown back on every admin page that shows it. The
 * text arrives the ways it really does: through the Settings and Templates forms over HTTP,
 * and through a signed orders/create webhook whose order name and customer name are
 * hostile (the message log then shows the rendered template). Kaleyra's own words, stored
 * from its answers, are hostile too.
 *
 * Every page's document must carry the text only escaped: HTML-escaped in the markup,
 * `\u003c`-escaped in the loader data Remix puts in an inline script, no inline handler,
 * no `javascript:` link, no `<script>` but the page's own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlDatabase, type SqlDatabase } from "../../app/db/sql.server";
import { ORDER_STATUSES } from "../../app/kaleyra/statuses";
import { orderPayload } from "../../app/orders/__fixtures__/lifecycle";
import { storeOfflineSession } from "../browser/support/shopify-session";
import { startTestApp, type TestApp } from "../helpers/app";
import { ACCOUNT, makeMessage, makeShop } from "../factories";
import { postWebhook } from "../helpers/webhooks";
import { IMG_ONERROR, JS_URL, SCRIPT, expectNoInjectedMarkup, htmlEscaped, jsonInScript } from "./support/hostile";
import { AdminClient, jsonOf } from "./support/http";

const SHOP = "forms-rendering.myshopify.com";
const BODY = `${SCRIPT} Hi {{customer_first_name}}, ${IMG_ONERROR} your order {{order_name}} ${JS_URL}`;
const DESCRIPTION = `${IMG_ONERROR} {{order_name}}`;
const ORDER_NAME = `#${SCRIPT}`;
const KALEYRA_WORDS = `${SCRIPT} refused ${IMG_ONERROR}`;
/** Printable ASCII without spaces: a valid API key, and markup. */
const API_KEY = `"><svg/onload=alert(2)>`;

let app: TestApp;
let db: SqlDatabase;
let admin: AdminClient;
let webhookMessageId: string;
let failedMessageId: string;
const tally = { pagesChecked: 0, unescapedRenders: 0 };

async function pageOf(path: string, expectedStatus = 200): Promise<string> {
  const page = await admin.page(path);
  tally.pagesChecked += 1;
  expect(page.status).toBe(expectedStatus);
  expect(page.contentType).toContain("text/html");
  try {
    expectNoInjectedMarkup(page.text, path);
  } catch (error) {
    tally.unescapedRenders += 1;
    throw error;
  }
  return page.text;
}

/** The page shows `text`: escaped in its markup and in its loader data. */
function expectShownEscaped(html: string, text: string): void {
  expect(html).toContain(htmlEscaped(text));
  expect(html).toContain(jsonInScript(text));
}

beforeAll(async () => {
  app = await startTestApp();
  db = openSqlDatabase(app.database.url);
  await makeShop(db, SHOP);
  await storeOfflineSession(SHOP);
  admin = new AdminClient(app.url, SHOP);

  // GIVEN hostile text saved through the forms, as a merchant (or a script in their browser) could.
  const templates: Array<[string, string]> = ORDER_STATUSES.flatMap((status): Array<[string, string]> => [
    [`${status}.enabled`, "true"],
    [`${status}.body`, BODY],
    [`${status}.description`, DESCRIPTION],
  ]);
  expect(jsonOf(await admin.submit("/app/templates", "routes/app.templates", templates))).toMatchObject({ ok: true });
  const settings: Array<[string, string]> = [
    ["intent", "save"],
    ["kaleyraSid", ACCOUNT.sid],
    ["apiKey", API_KEY],
    ["pod", "IN"],
    ["businessNumber", ACCOUNT.number],
    ["enabled", "true"],
    ["referenceIdSource", "note_attribute"],
    ["referenceIdAttribute", SCRIPT],
    ["sendProcessingOnCreate", "true"],
  ];
  expect(jsonOf(await admin.submit("/app/settings", "routes/app.settings", settings))).toMatchObject({ ok: true });

  // AND an order with a hostile name and customer, through a signed webhook.
  const response = await postWebhook(app.url, {
    topic: "orders/create",
    shop: SHOP,
    body: orderPayload({
      name: ORDER_NAME,
      customer: { id: 1, first_name: IMG_ONERROR, phone: null },
      note_attributes: [{ name: SCRIPT, value: "wa-ref-1" }],
    }),
  });
  expect(response.status).toBe(200);
  const [queued] = await db.query<{ id: string; bodyText: string | null }>(
    `SELECT "id", "bodyText" FROM "Message" WHERE "shopDomain" = ?`,
    [SHOP],
  );
  expect(queued?.bodyText).toContain(SCRIPT);
  webhookMessageId = queued?.id ?? "";

  // AND Kaleyra's hostile words kept from a refused send, and a pause for a configuration error.
  failedMessageId = "hostile-failed-message";
  await makeMessage(db, SHOP, {
    id: failedMessageId,
    orderId: "5550001",
    orderName: ORDER_NAME,
    dedupeKey: "5550001:shipped",
    state: "failed",
    recipientSource: null,
    referenceId: "wa-ref-2",
    bodyText: SCRIPT,
    description: IMG_ONERROR,
    lastOutcome: "rejected",
    lastCode: `WA${SCRIPT}`,
    lastDetail: KALEYRA_WORDS,
    requestJson: JSON.stringify({ url: JS_URL, headers: { "api-key": "secret" }, body: { text: SCRIPT } }),
    skipReason: KALEYRA_WORDS,
    createdAt: new Date(),
  });
  await db.execute(`UPDATE "Shop" SET "pausedReason" = 'config_error', "pausedCode" = ?, "pausedDetail" = ? WHERE "domain" = ?`, [
    `E${SCRIPT}`,
    KALEYRA_WORDS,
    SHOP,
  ]);
});

afterAll(async () => {
  await db?.close();
  await app?.stop();
});

describe("hostile text on every page that shows it", () => {
  it("GIVEN hostile templates WHEN the Templates page is opened THEN body and description show escaped only", async () => {
    const html = await pageOf("/app/templates");
    expectShownEscaped(html, BODY);
    expectShownEscaped(html, DESCRIPTION);
  });

  it("GIVEN a hostile attribute name, API key and Kaleyra detail WHEN Settings is opened THEN they show escaped only", async () => {
    const html = await pageOf("/app/settings");
    expectShownEscaped(html, SCRIPT);
    expectShownEscaped(html, KALEYRA_WORDS);
    // Only the key's last four characters ever leave the server.
    expectShownEscaped(html, API_KEY.slice(-4));
    for (const form of [API_KEY, htmlEscaped(API_KEY), jsonInScript(API_KEY), "<svg/onload", "alert(2)"]) expect(html).not.toContain(form);
  });

  it("GIVEN a hostile pause detail WHEN Home is opened THEN it shows escaped only", async () => {
    const html = await pageOf("/app");
    expectShownEscaped(html, KALEYRA_WORDS);
  });

  it("GIVEN hostile order names WHEN the message log is opened THEN they show escaped only", async () => {
    const html = await pageOf("/app/messages");
    expectShownEscaped(html, ORDER_NAME);
  });

  it("GIVEN a hostile search and state in the URL WHEN the log is opened THEN the search is reflected escaped only", async () => {
    const html = await pageOf(`/app/messages?q=${encodeURIComponent(SCRIPT)}&state=${encodeURIComponent(IMG_ONERROR)}`);
    expectShownEscaped(html, SCRIPT);
    expect(html).not.toContain(jsonInScript(IMG_ONERROR));
  });

  it("GIVEN a message rendered from the hostile template and order WHEN its page is opened THEN the text shows escaped only", async () => {
    const html = await pageOf(`/app/messages/${webhookMessageId}`);
    expect(html).toContain(htmlEscaped(`${SCRIPT} Hi ${IMG_ONERROR}, ${IMG_ONERROR} your order ${ORDER_NAME} ${JS_URL}`));
    expectShownEscaped(html, ORDER_NAME);
  });

  it("GIVEN Kaleyra's hostile answer on a failed message WHEN its page is opened THEN the answer and request show escaped only", async () => {
    const html = await pageOf(`/app/messages/${failedMessageId}`);
    expectShownEscaped(html, KALEYRA_WORDS);
    expectShownEscaped(html, `WA${SCRIPT}`);
    expect(html).not.toContain("secret");
  });

  it("GIVEN markup as a message id WHEN opened THEN 404 with the page's own words, the id not shown raw", async () => {
    const html = await pageOf(`/app/messages/${encodeURIComponent(SCRIPT)}`, 404);
    expect(html).toContain("This message does not exist in your shop");
  });

  it("GIVEN every page checked WHEN counted THEN none rendered hostile text unescaped", async ({ annotate }) => {
    await annotate(`hostile rendering: ${JSON.stringify(tally)}`);
    expect(tally).toEqual({ pagesChecked: 8, unescapedRenders: 0 });
  });
});
