/**
 * The merchant's admin in a real browser: Debian's Chromium (playwright-core) against the
 * production build served in-process, a real database, the delivery worker and the Kaleyra
 * sandbox (tests/helpers/suite.pipeline.ts).
 *
 * Sessions are real: the app's admin preview (app/preview/) gives each shop an offline
 * session in Shopify's Prisma session storage and opens the pages with a session token
 * signed with the app's secret, as the Shopify admin opens them; its App Bridge stand-in
 * adds the session token to the app's fetches like App Bridge does. Every request off the
 * machine is blocked.
 *
 * Each test uses its own shop, and fails on any console error, page error or blocked request.
 * Nothing here writes files: the README's screenshots come from `npm run screenshots`.
 */
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret } from "../../app/crypto/secrets.server";
import { testSendHelp } from "../../app/admin/test-send-help";
import { issueCallbackCredentials } from "../../app/receipts/receive.server";
import { OUTCOME_HELP } from "../../app/kaleyra/outcome";
import { DEFAULT_TEMPLATES } from "../../app/templates/defaults";
import { DELIVERY_ERRORS } from "../../app/receipts/delivery-errors";
import { ACCOUNT, makeShop } from "../factories";
import { waitFor } from "../helpers/process";
import { bannerTitled, errorNextTo, adminSuite } from "./support/suite";

const suite = adminSuite();
const { merchant, shopRow, messagesOf, waitForStates, placeOrder, shipOrder } = suite;

describe("Settings", () => {
  it("GIVEN invalid values WHEN the merchant saves THEN each error shows next to its field and nothing is stored", async () => {
    const shop = "settings-invalid.myshopify.com";
    const view = await merchant(shop);
    await view.open("/app/settings");
    const { page } = view;

    await page.getByLabel("Kaleyra SID").fill("not a sid!");
    await page.getByLabel("WhatsApp business number").fill("12345");
    await page.getByLabel("Order reference sent to WhatsApp").selectOption("note_attribute");
    await page.getByRole("button", { name: "Save", exact: true }).click();

    await bannerTitled(page, "Nothing was saved").waitFor();
    expect(await errorNextTo(page.getByLabel("Kaleyra SID"))).toBe("Must be 1-64 letters, digits, _ or -.");
    expect(await errorNextTo(page.getByLabel("API key"))).toBe("Enter your Kaleyra API key.");
    expect(await errorNextTo(page.getByLabel("WhatsApp business number"))).toContain("Must be a phone number with country code");
    expect(await errorNextTo(page.getByLabel("Note attribute name"))).toBe(
      "Enter the name of the note attribute that holds the reference.",
    );
    expect(await page.getByLabel("Kaleyra SID").getAttribute("aria-invalid")).toBe("true");
    // The typed values stay in the form for the merchant to fix.
    expect(await page.getByLabel("Kaleyra SID").inputValue()).toBe("not a sid!");
    expect(await shopRow(shop)).toBeUndefined();
    expect(await view.unlabelledFields()).toEqual([]);
  });

  it("GIVEN valid values and an API key WHEN saved THEN they are stored, the key only encrypted, and the page shows its last 4 characters", async () => {
    const shop = "settings-valid.myshopify.com";
    const view = await merchant(shop);
    await view.open("/app/settings");
    const { page } = view;

    await page.getByLabel("Kaleyra SID").fill(ACCOUNT.sid);
    expect((await view.appBridge()).saveBars["settings-save-bar"]).toBe(true);
    await page.getByLabel("API key").fill(ACCOUNT.apiKey);
    await page.getByLabel("Kaleyra region").selectOption("EU");
    await page.getByText("Requests go to https://api.eu.kaleyra.io").waitFor();
    await page.getByLabel("WhatsApp business number").fill("+91 98765 00001");
    await page.getByLabel("Send WhatsApp order updates").check();
    await page.getByLabel("Send a “processing” update when an order is placed").uncheck();
    await page.getByRole("button", { name: "Save", exact: true }).click();

    await page.getByText("Stored key ends in 0001. Leave empty to keep it.").waitFor();
    await suite.waitForToast(view, "Settings saved");
    await expect.poll(async () => (await view.appBridge()).saveBars["settings-save-bar"]).toBe(false);
    // Write-only: the field is empty again and the page's HTML never holds the key.
    expect(await page.getByLabel("API key").inputValue()).toBe("");
    expect(await page.content()).not.toContain(ACCOUNT.apiKey);

    const row = await shopRow(shop);
    expect(row).toMatchObject({ kaleyraSid: ACCOUNT.sid, pod: "EU", businessNumber: ACCOUNT.number, apiKeyLast4: "0001" });
    expect(Boolean(row?.enabled)).toBe(true);
    expect(Boolean(row?.sendProcessingOnCreate)).toBe(false);
    // The raw row: no column holds the key in plain text; the cipher opens to it.
    expect(JSON.stringify(row)).not.toContain(ACCOUNT.apiKey);
    expect(String(row?.apiKeyCipher)).toMatch(/^v1\./);
    expect(decryptSecret(String(row?.apiKeyCipher), process.env.ENCRYPTION_KEY ?? "")).toBe(ACCOUNT.apiKey);

    await view.open("/app/settings");
    expect(await page.getByLabel("Kaleyra SID").inputValue()).toBe(ACCOUNT.sid);
    expect(await page.getByLabel("API key").inputValue()).toBe("");
    expect(await page.getByLabel("Kaleyra region").inputValue()).toBe("EU");
  });

  it("GIVEN the gift-order choice WHEN the merchant picks telling the recipient as well THEN the consent caveat turns into a warning, and the choice is stored and shown again", async () => {
    const shop = "settings-gifts.myshopify.com";
    const view = await merchant(shop);
    await view.open("/app/settings");
    const { page } = view;

    expect(await page.getByLabel("The buyer only (default)").isChecked()).toBe(true);
    await page.getByText("A gift recipient never gave it").waitFor();
    expect(await page.getByText("The gift recipient has not agreed to hear from you").count()).toBe(0);
    await page.getByLabel("Kaleyra SID").fill(ACCOUNT.sid);
    await page.getByLabel("API key").fill(ACCOUNT.apiKey);
    await page.getByLabel("WhatsApp business number").fill("+91 98765 00001");
    await page.getByText("The buyer and the gift recipient", { exact: true }).click();
    await page.getByText("The gift recipient has not agreed to hear from you").waitFor();
    await page.getByRole("button", { name: "Save", exact: true }).click();

    await page.getByText("Stored key ends in 0001. Leave empty to keep it.").waitFor();
    expect((await shopRow(shop))?.giftRecipients).toBe("also");
    await view.open("/app/settings");
    expect(await page.getByLabel("The buyer and the gift recipient").isChecked()).toBe(true);
  });

  it("GIVEN a stored key WHEN settings are saved from App Bridge's save bar with the key field empty THEN the stored key is kept", async () => {
    const shop = "settings-keep-key.myshopify.com";
    await makeShop(suite.pipeline.db, shop);
    const before = await shopRow(shop);
    const view = await merchant(shop);
    await view.open("/app/settings");
    const { page } = view;

    // Discard puts the form back as stored.
    await page.getByLabel("Kaleyra SID").fill("HXSOMETHINGELSE");
    await view.clickSaveBar("settings-save-bar", "discard");
    expect(await page.getByLabel("Kaleyra SID").inputValue()).toBe(ACCOUNT.sid);

    await page.getByLabel("WhatsApp business number").fill("+919876500002");
    await view.clickSaveBar("settings-save-bar", "save");
    await waitFor(async () => ((await shopRow(shop))?.businessNumber === "+919876500002" ? true : undefined), 5000, "the save");

    const after = await shopRow(shop);
    expect(after?.apiKeyCipher).toBe(before?.apiKeyCipher);
    expect(decryptSecret(String(after?.apiKeyCipher), process.env.ENCRYPTION_KEY ?? "")).toBe(ACCOUNT.apiKey);
    await suite.waitForToast(view, "Settings saved");
  });

  it("GIVEN saved credentials and delivery updates WHEN the merchant sends a test message THEN the sandbox gets it, the page shows WA202 and its meaning, then that WhatsApp delivered it and the shopper read it", async () => {
    const shop = "test-send-ok.myshopify.com";
    await makeShop(suite.pipeline.db, shop);
    const { token, secret } = await issueCallbackCredentials(suite.pipeline.db, shop, new Date());
    suite.pipeline.sandbox.setCallbackProfile(ACCOUNT.sid, {
      url: `${suite.pipeline.app.url}/kaleyra/callbacks/${token}`,
      headers: { "X-Callback-Secret": secret },
      delaysMs: { sent: 300, delivered: 600, read: 900 },
    });
    const view = await merchant(shop);
    await view.open("/app/settings");
    const { page } = view;

    await page.getByLabel("WhatsApp number to send to").fill("+91 98123 45678");
    await page.getByRole("button", { name: "Send test message" }).click();

    await bannerTitled(page, `WA202: ${testSendHelp("accepted").title}`).waitFor();
    await page.getByText(testSendHelp("accepted").explanation).waitFor();
    const sent = suite.pipeline.sandbox.received.filter((m) => JSON.stringify(m.body).includes('"to":"+919812345678"'));
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0]?.body)).toContain('"reference_id":"test-message"');
    const row = await shopRow(shop);
    expect(row?.credentialsVerifiedAt).not.toBeNull();
    expect(row?.testMessageSentAt).not.toBeNull();
    await page.getByText("Credentials verified").waitFor();

    // Kaleyra's callbacks come a moment later; the page asks for them without a reload.
    try {
      await page.getByText("Delivery of this test: Read").waitFor({ timeout: 30_000 });
      await page.getByTestId("test-delivery").getByText(/^Delivered /).waitFor();
    } finally {
      suite.pipeline.sandbox.setCallbackProfile(ACCOUNT.sid, undefined);
    }
  });

  it("GIVEN a wrong API key WHEN the merchant sends a test message THEN the page shows RBC001, what it means and what to do", async () => {
    const shop = "test-send-rbc.myshopify.com";
    await makeShop(suite.pipeline.db, shop, { apiKey: "Awrong-api-key-9999" });
    const view = await merchant(shop);
    await view.open("/app/settings");
    const { page } = view;

    await page.getByLabel("WhatsApp number to send to").fill("+919812345678");
    await page.getByRole("button", { name: "Send test message" }).click();

    const help = testSendHelp("config_error:credentials");
    await bannerTitled(page, `RBC001: ${help.title}`).waitFor();
    await page.getByText(help.explanation).waitFor();
    await page.getByText(help.action).waitFor();
    await page.getByText("Kaleyra said: Incorrect SID or API key.").waitFor();
    expect(await page.content()).not.toContain("Awrong-api-key-9999");
    expect((await shopRow(shop))?.credentialsVerifiedAt).toBeNull();
  });

  it("GIVEN a key stored under another ENCRYPTION_KEY WHEN the merchant opens the app THEN banners ask to re-enter it, and entering it clears them", async () => {
    const shop = "lost-key.myshopify.com";
    await makeShop(suite.pipeline.db, shop);
    await suite.pipeline.db.execute(`UPDATE "Shop" SET "apiKeyCipher" = ? WHERE "domain" = ?`, [
      encryptSecret(ACCOUNT.apiKey, Buffer.alloc(32, 9).toString("base64")),
      shop,
    ]);
    const view = await merchant(shop);
    const { page } = view;

    await view.open("/app");
    await bannerTitled(page, "Re-enter your Kaleyra API key").waitFor();
    await view.open("/app/settings");
    await bannerTitled(page, "Re-enter your Kaleyra API key").waitFor();
    await page.getByText("The stored key can no longer be read. Enter your API key again.").waitFor();

    await page.getByLabel("API key").fill(ACCOUNT.apiKey);
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Stored key ends in 0001. Leave empty to keep it.").waitFor();
    expect(await bannerTitled(page, "Re-enter your Kaleyra API key").count()).toBe(0);
    expect(decryptSecret(String((await shopRow(shop))?.apiKeyCipher), process.env.ENCRYPTION_KEY ?? "")).toBe(ACCOUNT.apiKey);
  });
});

describe("Home", () => {
  it("GIVEN a shop paused for low balance WHEN the merchant opens Home and presses Try again now THEN the banner explains it and sending resumes", async () => {
    const shop = "home-low-balance.myshopify.com";
    await makeShop(suite.pipeline.db, shop);
    await suite.pipeline.db.execute(
      `UPDATE "Shop" SET "pausedReason" = 'low_balance', "pausedCode" = 'E110', "resumeAt" = ? WHERE "domain" = ?`,
      [new Date(Date.now() + 30 * 60_000), shop],
    );
    const view = await merchant(shop);
    await view.open("/app");
    const { page } = view;
    const help = OUTCOME_HELP["pause:low_balance"];
    await bannerTitled(page, `Sending is paused: ${help.title}`).waitFor();
    await page.getByText(help.action).waitFor();
    await page.getByText("Sending is tried again by itself at").waitFor();

    await page.getByRole("button", { name: "Try again now" }).click();
    await suite.waitForToast(view, "Sending resumed");
    expect((await shopRow(shop))?.pausedReason).toBeNull();
    await expect.poll(() => bannerTitled(page, `Sending is paused: ${help.title}`).count()).toBe(0);
    expect(await view.unlabelledFields()).toEqual([]);
  });
});

describe("Templates", () => {
  it("GIVEN the shipped template WHEN the merchant edits it THEN counters and preview follow, and saving stores all five", async () => {
    const shop = "templates-edit.myshopify.com";
    const view = await merchant(shop);
    await view.open("/app/templates");
    const { page } = view;
    const body = page.locator("#shipped-body");
    const preview = page.getByTestId("preview-shipped");

    await body.fill("Hi {{customer_first_name}}, order {{order_name}} left with {{tracking_company}}.");
    expect(await preview.getByTestId("preview-text").innerText()).toBe("Hi Priya, order #1001 left with Blue Dart.");
    await page.getByText("80 of 1,024 characters").waitFor();
    expect((await view.appBridge()).saveBars["templates-save-bar"]).toBe(true);

    // Variables go in at the cursor (here: the end of the text).
    await page.getByRole("button", { name: "Insert Tracking link ({{tracking_url}})" }).nth(2).click();
    expect(await body.inputValue()).toBe(
      "Hi {{customer_first_name}}, order {{order_name}} left with {{tracking_company}}.{{tracking_url}}",
    );
    await page.locator("#shipped-description").fill("On its way: {{order_name}}");
    expect(await preview.getByTestId("preview-description").innerText()).toBe("On its way: #1001");
    await page.getByText("26 of 120 characters").waitFor();
    await page.getByLabel("Send the “Cancelled” update").uncheck();

    await page.getByRole("button", { name: "Save templates" }).click();
    await suite.waitForToast(view, "Templates saved");

    const rows = await suite.pipeline.db.query<{ status: string; enabled: unknown; body: string; description: string | null }>(
      `SELECT "status", "enabled", "body", "description" FROM "Template" WHERE "shopDomain" = ? ORDER BY "status"`,
      [shop],
    );
    expect(rows).toHaveLength(5);
    const shipped = rows.find((row) => row.status === "shipped");
    expect(shipped?.body).toBe("Hi {{customer_first_name}}, order {{order_name}} left with {{tracking_company}}.{{tracking_url}}");
    expect(shipped?.description).toBe("On its way: {{order_name}}");
    expect(Boolean(rows.find((row) => row.status === "cancelled")?.enabled)).toBe(false);
    expect(rows.find((row) => row.status === "completed")?.body).toBe(DEFAULT_TEMPLATES.completed.body);
    expect((await shopRow(shop))?.templatesReviewedAt).not.toBeNull();

    // Reset to default brings the default text back (to be saved like any edit).
    await page.getByRole("button", { name: "Reset the Shipped message to the default" }).click();
    expect(await body.inputValue()).toBe(DEFAULT_TEMPLATES.shipped.body);
    expect((await view.appBridge()).saveBars["templates-save-bar"]).toBe(true);
    expect(await view.unlabelledFields()).toEqual([]);
  });

  it("GIVEN an unknown variable WHEN the merchant types and saves it THEN a clear error shows and no template is stored", async () => {
    const shop = "templates-unknown.myshopify.com";
    const view = await merchant(shop);
    await view.open("/app/templates");
    const { page } = view;
    const body = page.locator("#processing-body");

    await body.fill("Order {{order_number}} is being prepared.");
    const expected = "Unknown variable {{order_number}}. Use one of:";
    expect(await errorNextTo(body)).toContain(expected);
    await page.getByRole("button", { name: "Save templates" }).click();

    await bannerTitled(page, "Nothing was saved").waitFor();
    expect(await errorNextTo(body)).toContain(expected);
    const rows = await suite.pipeline.db.query(`SELECT "id" FROM "Template" WHERE "shopDomain" = ?`, [shop]);
    expect(rows).toHaveLength(0);
    expect(await shopRow(shop)).toBeUndefined();
  });
});

describe("Messages", () => {
  it("GIVEN orders arriving by webhook WHEN the merchant opens the log THEN they show newest first, searchable and filterable, with masked recipients", async () => {
    const shop = "log-ui.myshopify.com";
    await makeShop(suite.pipeline.db, shop);
    await placeOrder(shop, "7001", "#1042");
    await waitForStates(shop, ["sent"], "the first order's message");
    await placeOrder(shop, "7002", "#1043");
    await waitForStates(shop, ["sent", "sent"], "the second order's message");

    const view = await merchant(shop);
    await view.open("/app/messages");
    const { page } = view;
    const rows = page.locator(".Polaris-IndexTable__TableRow");
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).innerText()).toContain("#1043");
    const first = await rows.nth(1).innerText();
    expect(first).toContain("#1042");
    expect(first).toContain("Processing");
    expect(first).toContain("Sent");
    expect(first).toContain("•••••••0147");
    expect(first).not.toContain("5025550147");

    await page.getByLabel("Search by order name or number").fill("1042");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/q=1042/);
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.nth(0).innerText()).toContain("#1042");

    await page.getByLabel("Status").selectOption("failed");
    await page.getByText("No messages match").waitFor();
    await page.getByLabel("Status").selectOption("sent");
    await expect.poll(() => rows.count()).toBe(1);

    await page.getByRole("link", { name: "#1042" }).click();
    await page.getByRole("heading", { name: "Message for order #1042" }).waitFor();
    await page.getByRole("heading", { name: OUTCOME_HELP.accepted.title, exact: true }).waitFor();
    await page.getByText("Request sent to Kaleyra (technical details)").click();
    const request = await page.getByLabel("Request sent to Kaleyra").innerText();
    expect(request).toContain('"reference_id": "7001"');
    expect(request).toContain('"to": "•••••••0147"');
    expect(request).not.toContain("api-key");
    expect(request).not.toContain(ACCOUNT.apiKey);
    const orderLink = page.getByRole("link", { name: "Open order #1042 in Shopify" });
    expect(await orderLink.getAttribute("href")).toBe("https://admin.shopify.com/store/log-ui/orders/7001");
    expect(await orderLink.getAttribute("target")).toBe("_top");
    expect(await page.getByRole("button", { name: "Retry" }).count()).toBe(0);
  });

  it("GIVEN a message Kaleyra refused WHEN the merchant opens it and presses Retry THEN the explanation shows and the same message is sent", async () => {
    const shop = "retry-ui.myshopify.com";
    await makeShop(suite.pipeline.db, shop);
    suite.pipeline.sandbox.setFaults({ forceCode: "WA400" });
    await placeOrder(shop, "7101", "#2001");
    await waitForStates(shop, ["failed"], "the refused message");
    suite.pipeline.sandbox.setFaults({});

    const view = await merchant(shop);
    await view.open("/app/messages?state=failed");
    const { page } = view;
    await page.getByRole("link", { name: "#2001" }).click();
    const help = OUTCOME_HELP["rejected:payload"];
    await page.getByRole("heading", { name: help.title }).waitFor();
    await page.getByText(help.explanation).waitFor();
    await page.getByText(`What to do: ${help.action}`).waitFor();
    await page.getByText("WA400", { exact: true }).waitFor();

    await page.getByRole("button", { name: "Retry" }).click();
    await suite.waitForToast(view, "Message queued again");
    await waitForStates(shop, ["sent"], "the retried message to be sent");

    await view.open(`/app/messages/${(await messagesOf(shop))[0]?.id}`);
    await page.getByRole("heading", { name: OUTCOME_HELP.accepted.title, exact: true }).waitFor();
    expect(await page.getByRole("button", { name: "Retry" }).count()).toBe(0);
    // One row, one accepted send: the retry reused the message, it did not add one.
    const messages = await messagesOf(shop);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ state: "sent", attempts: 1 });
    const accepted = suite.pipeline.sandbox.received.filter((m) => JSON.stringify(m.body).includes('"reference_id":"7101"'));
    expect(accepted).toHaveLength(1);
  });
});

describe("Delivery updates", () => {
  it("GIVEN a sent message WHEN the merchant sets up delivery updates, Kaleyra's profile gets them, WhatsApp refuses one (131047) and the next is read THEN the message explains it, the checklist step is done and Home shows the rates", async () => {
    const shop = "receipts-ui.myshopify.com";
    await makeShop(suite.pipeline.db, shop);
    await placeOrder(shop, "7201", "#2101");
    await waitForStates(shop, ["sent"], "the message to be sent");

    const view = await merchant(shop);
    const { page } = view;
    await view.open("/app");
    const step = page.getByRole("listitem").filter({ hasText: "Delivery updates arrive" });
    await step.getByText("To do").waitFor();
    await page.getByText("These rates come from Kaleyra's delivery updates, which have not arrived yet.").waitFor();

    await view.open("/app/settings#delivery-updates");
    await page.getByText("No delivery update has arrived yet.").waitFor();
    await page.getByRole("button", { name: "Generate" }).click();
    const secret = await page.getByLabel(/^Secret/).inputValue();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    await page.getByRole("button", { name: "Set up delivery updates" }).click();
    await bannerTitled(page, "Saved").waitFor();
    const shown = await page.getByLabel("Callback URL").inputValue();
    const token = /\/kaleyra\/callbacks\/([A-Za-z0-9_-]{43})$/.exec(shown)?.[1];
    expect(token).toBeDefined();
    // Only the shop's row holds it, encrypted; the page was never sent it.
    expect(JSON.stringify(await shopRow(shop))).not.toContain(secret);

    // The merchant pastes both into the number's callback profile in Kaleyra's console (here the sandbox's).
    // (The page shows the app's public URL; the test's server listens on its own port.)
    suite.pipeline.sandbox.setCallbackProfile(ACCOUNT.sid, {
      url: `${suite.pipeline.app.url}/kaleyra/callbacks/${token}`,
      headers: { "X-Callback-Secret": secret },
      delaysMs: { sent: 0, delivered: 50, read: 100 },
    });
    try {
      const [first] = await messagesOf(shop);
      const kaleyraId = (await suite.pipeline.db.query<{ kaleyraMessageId: string }>(
        `SELECT "kaleyraMessageId" FROM "Message" WHERE "id" = ?`,
        [first!.id],
      ))[0]!.kaleyraMessageId;
      const posted = await suite.pipeline.sandbox.postCallback({ messageId: kaleyraId, status: "failed", code: 131047 });
      expect(posted).toMatchObject({ httpStatus: 200 });
      await placeOrder(shop, "7202", "#2102");
      await waitFor(
        async () => {
          const rows = await suite.pipeline.db.query<{ deliveryState: string | null }>(
            `SELECT "deliveryState" FROM "Message" WHERE "shopDomain" = ? ORDER BY "createdAt", "id"`,
            [shop],
          );
          return rows.map((row) => row.deliveryState).join() === "failed,read" ? true : undefined;
        },
        30_000,
        "the sandbox's callbacks to be applied",
      );
    } finally {
      suite.pipeline.sandbox.setCallbackProfile(ACCOUNT.sid, undefined);
    }

    const [message] = await messagesOf(shop);
    await view.open(`/app/messages/${message!.id}`);
    await page.getByRole("heading", { name: "Delivery: Not delivered" }).waitFor();
    await page.getByText(DELIVERY_ERRORS["131047"]!.explanation).waitFor();
    await page.getByText(`What to do: ${DELIVERY_ERRORS["131047"]!.fix}`).waitFor();
    await page.getByText("WhatsApp's words (error 131047): Re-engagement message").waitFor();

    await view.open("/app");
    await step.getByText("Done").waitFor();
    expect(await page.getByTestId("rate-delivered").innerText()).toBe("50%");
    expect(await page.getByTestId("rate-read").innerText()).toBe("50%");
    expect(await page.getByTestId("rate-basis").innerText()).toBe("Of 2 messages WhatsApp answered for: 1 delivered, 1 read, 1 not delivered.");

    await view.open("/app/settings#delivery-updates");
    await page.getByText(/Delivery updates arrive \(the first one/).waitFor();
  });
});

describe("Every page", () => {
  it("GIVEN a shop with a week of orders WHEN the merchant goes through every page THEN each renders, and every field is labelled", async () => {
    const shop = "sunrise-ceramics.myshopify.com";
    await makeShop(suite.pipeline.db, shop);
    await suite.pipeline.db.execute(
      `UPDATE "Shop" SET "name" = ?, "credentialsVerifiedAt" = ?, "testMessageSentAt" = ? WHERE "domain" = ?`,
      ["Sunrise Ceramics", new Date(), new Date(), shop],
    );
    await placeOrder(shop, "8001", "#1001");
    await shipOrder(shop, "8001");
    await placeOrder(shop, "8002", "#1002");
    await shipOrder(shop, "8002");
    await placeOrder(shop, "8003", "#1003");
    await placeOrder(shop, "8004", "#1004", { phone: null, customer: null, billing_address: null, shipping_address: null });
    await waitForStates(shop, ["sent", "sent", "sent", "sent", "sent", "skipped"], "the shop's messages");
    suite.pipeline.sandbox.setFaults({ forceCode: "WA400" });
    await shipOrder(shop, "8003");
    await waitForStates(shop, ["sent", "sent", "sent", "sent", "sent", "skipped", "failed"], "the refused message");
    suite.pipeline.sandbox.setFaults({});

    const view = await merchant(shop);
    const { page } = view;
    await view.open("/app");
    // Sending on, credentials verified, nothing paused: complete (reviewing templates is optional).
    await page.getByText("Setup is complete.").waitFor();
    expect(await page.getByTestId("count-sent").innerText()).toBe("5");
    expect(await page.getByTestId("count-failed").innerText()).toBe("1");
    expect(await page.getByTestId("count-skipped").innerText()).toBe("1");
    expect(await page.getByTestId("count-queued").innerText()).toBe("0");
    expect(await page.getByRole("heading", { name: "Setup" }).count()).toBe(0);

    // From here on through the nav menu, as the admin's sidebar does: client-side navigation
    // whose data requests authenticate with the stand-in's bearer tokens.
    await view.navigate("/app/settings");
    await page.getByLabel("Kaleyra SID").waitFor();
    expect(await view.unlabelledFields()).toEqual([]);

    await view.navigate("/app/templates");
    await page.locator("#shipped-body").waitFor();
    expect(await view.unlabelledFields()).toEqual([]);
    expect(await page.getByTestId("preview-processing").innerText()).toContain("from Sunrise Ceramics");

    await view.navigate("/app/messages");
    await page.getByRole("link", { name: "#1003" }).first().waitFor();
    expect(await view.unlabelledFields()).toEqual([]);

    await page.getByLabel("Status").selectOption("failed");
    await page.waitForURL(/state=failed/);
    await expect.poll(() => page.getByRole("link", { name: "#1003" }).count()).toBe(1);
    await page.getByRole("link", { name: "#1003" }).click();
    await page.getByRole("heading", { name: OUTCOME_HELP["rejected:payload"].title }).waitFor();
    expect(await view.unlabelledFields()).toEqual([]);
  });
});
