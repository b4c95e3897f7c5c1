/**
 * Issue 12 in Chromium: for each situation the admin used to misreport, what the merchant
 * sees now, and that following the page's own advice leads to a working state. Real pages,
 * a real database, the delivery worker and the Kaleyra sandbox (support/suite.ts).
 */
import type { Page, Request } from "playwright-core";
import { describe, expect, it } from "vitest";
import { testSendHelp } from "../../app/admin/test-send-help";
import { OUTCOME_HELP } from "../../app/kaleyra/outcome";
import { ACCOUNT, makeShop } from "../factories";
import { waitFor } from "../helpers/process";
import { scopeGrantUrl } from "../../app/admin/scope-grant";
import { shopifyScopesApi } from "./support/shopify-admin-api";
import { storeOfflineSession } from "./support/shopify-session";
import { bannerTitled, errorNextTo, adminSuite } from "./support/suite";

const suite = adminSuite();
const { merchant, shopRow, messagesOf, waitForStates, placeOrder, shipOrder, toasts, waitForToast } = suite;
const MERCHANT_PHONE = "+91 98123 45678";
const PHONE = { width: 390, height: 844 };

async function markVerified(shop: string): Promise<void> {
  await suite.pipeline.db.execute(`UPDATE "Shop" SET "credentialsVerifiedAt" = ?, "testMessageSentAt" = ? WHERE "domain" = ?`, [
    new Date(),
    new Date(),
    shop,
  ]);
}

describe("1. test-send results", () => {
  it("GIVEN an earlier successful test WHEN the next test gets WA500 THEN the page says the test is not retried, Home's step opens again, and sending again closes it", async () => {
    const shop = "advice-test-send.myshopify.com";
    await makeShop(suite.pipeline.db, shop);
    await markVerified(shop);
    const view = await merchant(shop);
    const { page } = view;
    await view.open("/app/settings");

    suite.pipeline.sandbox.setFaults({ forceCode: "WA500" });
    await page.getByLabel("WhatsApp number to send to").fill(MERCHANT_PHONE);
    await page.getByRole("button", { name: "Send test message" }).click();
    const help = testSendHelp("retry:server_error");
    await bannerTitled(page, `WA500: ${help.title}`).waitFor();
    await page.getByText(help.action).waitFor();
    expect(await page.locator("body").innerText()).not.toContain("retried automatically");

    await view.open("/app");
    const step = page.getByRole("listitem").filter({ hasText: "Test message sent" });
    await step.getByText("To do").waitFor();

    // The advice: send it again once Kaleyra's problem is over.
    suite.pipeline.sandbox.setFaults({});
    await page.getByRole("link", { name: "Open: Test message sent" }).click();
    await page.getByLabel("WhatsApp number to send to").fill(MERCHANT_PHONE);
    await page.getByRole("button", { name: "Send test message" }).click();
    await bannerTitled(page, `WA202: ${testSendHelp("accepted").title}`).waitFor();
    await view.open("/app");
    await page.getByText("Setup is complete.").waitFor();
  });
});

describe("2. credentials or number rejected", () => {
  it("GIVEN Kaleyra answers RBC001 and then accepts WHEN the merchant presses Resume sending on Home THEN the check passes and the queued message goes out", async () => {
    const shop = "advice-rbc001.myshopify.com";
    await makeShop(suite.pipeline.db, shop);
    await markVerified(shop);
    suite.pipeline.sandbox.setFaults({ forceCode: "RBC001" });
    await placeOrder(shop, "9201", "#9201");
    await waitForStates(shop, ["paused"], "the message paused by RBC001");
    expect((await shopRow(shop))?.pausedReason).toBe("config_error");

    const view = await merchant(shop);
    const { page } = view;
    await view.open("/app");
    await bannerTitled(page, `Sending is paused: ${OUTCOME_HELP["config_error:credentials"].title}`).waitFor();
    await page.getByText(OUTCOME_HELP["config_error:credentials"].action).waitFor();
    expect(await page.getByTestId("sending-headline").innerText()).toBe("Sending is paused: Kaleyra refused your account settings.");
    expect(await page.getByText("Setup is complete").count()).toBe(0);

    // Kaleyra's passing problem is over; the saved values were right all along.
    suite.pipeline.sandbox.setFaults({});
    await page.getByLabel("Your WhatsApp number").fill(MERCHANT_PHONE);
    await page.getByRole("button", { name: "Resume sending" }).click();
    await waitForToast(view, "Sending resumed");
    await bannerTitled(page, "Sending resumed").waitFor();
    await page.getByText("1 waiting message is being sent now.").waitFor();
    await waitForStates(shop, ["sent"], "the waiting message");
    expect((await shopRow(shop))?.pausedReason).toBeNull();
    const test = suite.pipeline.sandbox.received.filter((m) => JSON.stringify(m.body).includes('"to":"+919812345678"'));
    expect(test.length).toBeGreaterThanOrEqual(1);
    await page.getByText("Setup is complete.").waitFor();
  });

  it("GIVEN a shop paused for WA401 WHEN the merchant saves unchanged settings THEN Save works, says sending is still paused and Resume sending (on Settings) lifts it", async () => {
    const shop = "advice-wa401.myshopify.com";
    await makeShop(suite.pipeline.db, shop);
    await markVerified(shop);
    suite.pipeline.sandbox.setFaults({ forceCode: "WA401" });
    await placeOrder(shop, "9202", "#9202");
    await waitForStates(shop, ["paused"], "the message paused by WA401");
    suite.pipeline.sandbox.setFaults({});

    const view = await merchant(shop);
    const { page } = view;
    await view.open("/app/settings");
    await bannerTitled(page, "Sending is paused: Kaleyra refused these settings").waitFor();
    // No "verified" right under the refusal.
    expect(await page.getByText("Credentials verified").count()).toBe(0);
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await waitForToast(view, "Settings saved; sending is still paused");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("settings-paused-to");

    await page.keyboard.type(MERCHANT_PHONE);
    await page.getByRole("button", { name: "Resume sending" }).click();
    await bannerTitled(page, "Sending resumed").waitFor();
    await waitForStates(shop, ["sent"], "the waiting message");
    expect(await bannerTitled(page, "Sending is paused: Kaleyra refused these settings").count()).toBe(0);
  });

  it("GIVEN Kaleyra still refuses WHEN the merchant presses Resume sending THEN the page says sending is still paused and why", async () => {
    const shop = "advice-still-refused.myshopify.com";
    await makeShop(suite.pipeline.db, shop, { apiKey: "Awrong-key-0000" });
    await placeOrder(shop, "9203", "#9203");
    await waitForStates(shop, ["paused"], "the message paused by RBC001");
    const view = await merchant(shop);
    const { page } = view;
    await view.open("/app");
    await page.getByLabel("Your WhatsApp number").fill(MERCHANT_PHONE);
    await page.getByRole("button", { name: "Resume sending" }).click();
    await page.getByText("Sending is still paused: the check did not pass.").waitFor();
    await bannerTitled(page, `RBC001: ${testSendHelp("config_error:credentials").title}`).waitFor();
    await waitForToast(view, "Sending is still paused");
    expect((await messagesOf(shop)).map((m) => m.state)).toEqual(["paused"]);
  });
});

describe("3. a refused message", () => {
  it("GIVEN WA400 WHEN the merchant opens it THEN the fix (the template) comes first, and Retry after fixing sends the new text", async () => {
    const shop = "advice-wa400.myshopify.com";
    await makeShop(suite.pipeline.db, shop);
    suite.pipeline.sandbox.setFaults({ forceCode: "WA400" });
    await placeOrder(shop, "9301", "#9301");
    await waitForStates(shop, ["failed"], "the refused message");
    suite.pipeline.sandbox.setFaults({});

    const view = await merchant(shop);
    const { page } = view;
    await view.open(`/app/messages/${(await messagesOf(shop))[0]?.id}`);
    const fix = page.getByRole("link", { name: "Edit the “Processing” template" });
    expect(await fix.getAttribute("href")).toContain("/app/templates#template-processing");
    expect(await fix.getAttribute("class")).toContain("Polaris-Button--variantPrimary");
    expect(await page.getByRole("button", { name: "Retry" }).getAttribute("class")).not.toContain("variantPrimary");

    await fix.click();
    await page.locator("#processing-body").fill("Order {{order_name}} is confirmed. Thank you!");
    await page.getByRole("button", { name: "Save templates" }).click();
    await waitForToast(view, "Templates saved");

    await view.open(`/app/messages/${(await messagesOf(shop))[0]?.id}`);
    await page.getByRole("button", { name: "Retry" }).click();
    await bannerTitled(page, "Planned again from your current settings").waitFor();
    await page.getByText("Changed since the last attempt: message text.").waitFor();
    await waitForStates(shop, ["sent"], "the retried message");
    const sent = suite.pipeline.sandbox.received.filter((m) => JSON.stringify(m.body).includes('"reference_id":"9301"'));
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0]?.body)).toContain("Order #9301 is confirmed. Thank you!");
  });
});

describe("4. Home tells whether shoppers get messages", () => {
  it("GIVEN sending switched off WHEN the merchant opens Home THEN it says so, never 'complete', and its one step switches sending on", async () => {
    const shop = "advice-off.myshopify.com";
    await makeShop(suite.pipeline.db, shop, { enabled: false });
    await markVerified(shop);
    const view = await merchant(shop);
    const { page } = view;
    await view.open("/app");
    expect(await page.getByTestId("sending-headline").innerText()).toBe(
      "WhatsApp updates are switched off: orders are logged as skipped.",
    );
    expect(await page.getByText("Setup is complete").count()).toBe(0);
    await page.getByRole("listitem").filter({ hasText: "Sending switched on" }).getByText("To do").waitFor();

    await page.getByRole("link", { name: "Switch sending on" }).click();
    await page.getByLabel("Send WhatsApp order updates").check();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await waitForToast(view, "Settings saved");
    await view.navigate("/app");
    await page.getByText("Setup is complete.").waitFor();
    await placeOrder(shop, "9401", "#9401");
    await waitForStates(shop, ["sent"], "the first message after switching on");
  });
});

describe("5. counts and their links", () => {
  it("GIVEN paused messages WHEN the merchant follows the waiting tile THEN the list shows exactly as many", async () => {
    const shop = "advice-counts.myshopify.com";
    await makeShop(suite.pipeline.db, shop);
    await suite.pipeline.db.execute(`UPDATE "Shop" SET "pausedReason" = 'low_balance', "pausedCode" = 'E110', "resumeAt" = ? WHERE "domain" = ?`, [
      new Date(Date.now() + 3_600_000),
      shop,
    ]);
    await placeOrder(shop, "9501", "#9501");
    await placeOrder(shop, "9502", "#9502");
    await waitForStates(shop, ["paused", "paused"], "two paused messages");

    const view = await merchant(shop);
    const { page } = view;
    await view.open("/app");
    expect(await page.getByTestId("count-queued").innerText()).toBe("2");
    await page.getByRole("link", { name: "Show the 2 waiting to send messages" }).click();
    await page.waitForURL(/state=queued&days=7/);
    await expect.poll(() => page.locator(".messages-wide .Polaris-IndexTable__TableRow").count()).toBe(2);
  });
});

describe("6. Templates errors", () => {
  it("GIVEN a refused save far down the page WHEN it answers THEN the first error is focused with an error toast, and fixing the field clears its error", async () => {
    const shop = "advice-templates.myshopify.com";
    const view = await merchant(shop);
    const { page } = view;
    await view.open("/app/templates");
    const body = page.locator("#cancelled-body");
    await body.fill("x".repeat(1030));
    await page.getByRole("button", { name: "Save templates" }).click();
    await waitForToast(view, "Nothing was saved: fix the marked fields");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("cancelled-body");
    expect(await errorNextTo(body)).toContain("1,024");

    await body.fill("Order {{order_name}} was cancelled.");
    await expect.poll(() => errorNextTo(body)).toBeNull();
    await page.getByRole("button", { name: "Save templates" }).click();
    await waitForToast(view, "Templates saved");
  });
});

describe("7. Settings form", () => {
  /** A made shop's settings page, open in the merchant's browser. */
  async function openSettings(shop: string) {
    await makeShop(suite.pipeline.db, shop);
    const view = await merchant(shop);
    await view.open("/app/settings");
    return view;
  }

  /** Holds the page's requests to `url` that `hold` picks until the returned release is called. */
  async function holdRequests(page: Page, url: RegExp, hold: (request: Request) => boolean): Promise<() => void> {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(url, async (route) => {
      if (hold(route.request())) await held;
      await route.continue();
    });
    return release;
  }

  /** Waits until the shop's stored settings hold `value` in `field`. */
  function waitForStored(shop: string, field: "businessNumber" | "kaleyraSid", value: string, what: string, deadlineMs = 10_000) {
    return waitFor(async () => ((await shopRow(shop))?.[field] === value ? true : undefined), deadlineMs, what);
  }

  it("GIVEN a save in flight WHEN the merchant keeps typing THEN the edit is kept and still to be saved; Enter saves it", async () => {
    const shop = "advice-settings-form.myshopify.com";
    const view = await openSettings(shop);
    const { page } = view;
    // Hold the save's request until the merchant typed the second edit.
    const release = await holdRequests(page, /\/app\/settings/, (request) => request.method() === "POST");
    await page.getByLabel("WhatsApp business number").fill("+919876500002");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByLabel("Kaleyra SID").fill("HXEDITEDWHILESAVING");
    release();
    await waitForToast(view, "Settings saved");
    await waitForStored(shop, "businessNumber", "+919876500002", "the first save");
    expect(await page.getByLabel("Kaleyra SID").inputValue()).toBe("HXEDITEDWHILESAVING");
    expect((await view.appBridge()).saveBars["settings-save-bar"]).toBe(true);
    // The page finished reloading after the first save: Save is no longer busy, and open for the kept edit.
    await expect.poll(() => page.getByRole("button", { name: "Save", exact: true }).isEnabled()).toBe(true);

    await page.getByLabel("Kaleyra SID").press("Enter");
    await waitForStored(shop, "kaleyraSid", "HXEDITEDWHILESAVING", "the Enter save");
    await expect.poll(async () => (await view.appBridge()).saveBars["settings-save-bar"]).toBe(false);
  });

  it("GIVEN the page reloading after a save WHEN the merchant edits and presses Enter THEN the press waits for the reload and saves the edit", async () => {
    const shop = "advice-settings-reload.myshopify.com";
    const view = await openSettings(shop);
    const { page } = view;
    // Hold the page's reload after the save (its loaders' data requests) until the merchant pressed Enter.
    let saved = false;
    let reloading = false;
    const release = await holdRequests(page, /[?&]_data=/, (request) => {
      if (request.method() === "POST") {
        saved = true;
        return false;
      }
      if (saved) reloading = true;
      return saved;
    });
    await page.getByLabel("WhatsApp business number").fill("+919876500003");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect.poll(() => reloading, { timeout: 15_000 }).toBe(true);
    await waitForStored(shop, "businessNumber", "+919876500003", "the first save");

    await page.getByLabel("Kaleyra SID").fill("HXEDITEDWHILERELOADING");
    await page.getByLabel("Kaleyra SID").press("Enter");
    release();
    await waitForStored(shop, "kaleyraSid", "HXEDITEDWHILERELOADING", "the Enter pressed during the reload", 15_000);
    await expect.poll(async () => (await toasts(view)).filter((toast) => toast === "Settings saved").length).toBe(2);
    await expect.poll(async () => (await view.appBridge()).saveBars["settings-save-bar"]).toBe(false);
    expect(await page.getByLabel("Kaleyra SID").inputValue()).toBe("HXEDITEDWHILERELOADING");
  });

  it("GIVEN errors WHEN the merchant corrects a field THEN its error goes at once and the first error had the focus", async () => {
    const shop = "advice-settings-errors.myshopify.com";
    const view = await merchant(shop);
    const { page } = view;
    await view.open("/app/settings");
    await page.getByLabel("Kaleyra SID").fill("bad sid!");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await waitForToast(view, "Nothing was saved: fix the marked fields");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("settings-kaleyraSid");
    await page.getByLabel("Kaleyra SID").fill(ACCOUNT.sid);
    expect(await errorNextTo(page.getByLabel("Kaleyra SID"))).toBeNull();
    expect(await errorNextTo(page.getByLabel("API key"))).toBe("Enter your Kaleyra API key.");
  });
});

describe("8. missing permissions", () => {
  const REQUIRED = ["read_orders", "read_fulfillments"];

  it("GIVEN a session without read_fulfillments WHEN the merchant presses Grant access and approves THEN Shopify's grant screen asks for the app's scopes, the banner goes and shipments are told", async () => {
    const shop = "advice-scopes.myshopify.com";
    await makeShop(suite.pipeline.db, shop);
    await markVerified(shop);
    await storeOfflineSession(shop, "read_orders");
    const shopify = shopifyScopesApi(shop, { required: REQUIRED, granted: ["read_orders"] });
    try {
      const view = await merchant(shop);
      const { page } = view;
      await view.open("/app");
      await bannerTitled(page, "The app is missing permissions").waitFor();
      const text = await page.locator("body").innerText();
      expect(text).toContain("your fulfillments");
      expect(text).not.toContain("read_fulfillments");
      expect(text).not.toContain("install it again");

      await page.getByRole("button", { name: "Grant access" }).click();
      // The app asked Shopify first (its stored session may only be out of date), then sent the admin to the grant screen.
      await expect
        .poll(async () => (await view.appBridge()).redirects, { timeout: 15_000 })
        .toEqual([scopeGrantUrl(shop, process.env.SHOPIFY_API_KEY ?? "", REQUIRED)]);
      expect(shopify.requests).toHaveLength(1);
      expect(shopify.requests[0]?.query).toMatch(/installation\s*\{\s*accessScopes/);
      expect(shopify.requests[0]?.accessToken).toBe(`shpat_test_${shop.replace(/\W/g, "_")}`);

      await view.grantScopes();
      await page.getByText("Setup is complete.").waitFor();
      expect(await bannerTitled(page, "The app is missing permissions").count()).toBe(0);
      const sessions = await suite.pipeline.db.query<{ scope: string }>(`SELECT "scope" FROM "Session" WHERE "shop" = ?`, [shop]);
      expect(sessions.map((session) => session.scope)).toEqual([REQUIRED.join(",")]);

      await placeOrder(shop, "9801", "#9801");
      await shipOrder(shop, "9801");
      await waitForStates(shop, ["sent", "sent"], "the order's and the shipment's messages");
    } finally {
      shopify.restore();
    }
  });

  it("GIVEN Shopify granted the access but its webhook never arrived WHEN the merchant presses Grant access THEN the app learns it from Shopify and the banner goes, without leaving the app", async () => {
    const shop = "advice-scopes-late.myshopify.com";
    await makeShop(suite.pipeline.db, shop);
    await markVerified(shop);
    await storeOfflineSession(shop, "read_orders");
    const shopify = shopifyScopesApi(shop, { required: REQUIRED, granted: REQUIRED });
    try {
      const view = await merchant(shop);
      const { page } = view;
      await view.open("/app");
      await page.getByRole("button", { name: "Grant access" }).click();
      await waitForToast(view, "Access granted");
      await expect.poll(() => bannerTitled(page, "The app is missing permissions").count()).toBe(0);
      await page.getByText("Setup is complete.").waitFor();
      expect((await view.appBridge()).redirects).toEqual([]);
      expect(shopify.requests).toHaveLength(1);
      const sessions = await suite.pipeline.db.query<{ scope: string }>(`SELECT "scope" FROM "Session" WHERE "shop" = ?`, [shop]);
      expect(sessions.map((session) => session.scope)).toEqual([REQUIRED.join(",")]);
    } finally {
      shopify.restore();
    }
  });
});

describe("9. 390 px", () => {
  it("GIVEN a phone-sized window WHEN the merchant reads Home, Messages and a message THEN nothing is wider than the screen, the log is a list and the order link comes before the raw request", async () => {
    const shop = "advice-phone.myshopify.com";
    await makeShop(suite.pipeline.db, shop);
    await placeOrder(shop, "9901", "#9901");
    await waitForStates(shop, ["sent"], "a message");
    const view = await merchant(shop, PHONE);
    const { page } = view;
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

    await view.open("/app");
    expect(await overflow()).toBeLessThanOrEqual(0);
    await view.open("/app/messages");
    await page.locator(".messages-narrow").getByRole("link", { name: "#9901" }).waitFor();
    expect(await page.locator(".messages-wide").isVisible()).toBe(false);
    expect(await overflow()).toBeLessThanOrEqual(0);

    await page.locator(".messages-narrow").getByRole("link", { name: "#9901" }).click();
    const orderLink = page.getByRole("link", { name: "Open order #9901 in Shopify" });
    await orderLink.waitFor();
    // The request is folded away: it does not push the order link down.
    expect(await page.getByLabel("Request sent to Kaleyra").isVisible()).toBe(false);
    const linkTop = (await orderLink.boundingBox())?.y ?? Infinity;
    expect(linkTop).toBeLessThan(2000);
    expect(await overflow()).toBeLessThanOrEqual(0);
  });
});

describe("10. empty and loading states", () => {
  it("GIVEN no messages, a filter and a page past the end WHEN shown THEN each empty state offers its way on, and navigation shows the loading bar", async () => {
    const shop = "advice-empty.myshopify.com";
    await makeShop(suite.pipeline.db, shop);
    const view = await merchant(shop);
    const { page } = view;
    await view.open("/app/messages");
    await page.getByText("No messages yet").waitFor();
    expect(await page.getByRole("link", { name: "Send a test message" }).getAttribute("href")).toContain("/app/settings#test-send");

    await view.open("/app/messages?page=999");
    await page.getByText("There is no page 999").waitFor();

    await view.open("/app/messages?state=failed");
    await page.getByText("No messages match").waitFor();
    await page.getByRole("link", { name: "Clear filters" }).click();
    await page.getByText("No messages yet").waitFor();
    await expect.poll(async () => (await view.appBridge()).loading).toEqual(expect.arrayContaining([true, false]));
    expect((await view.appBridge()).loading.at(-1)).toBe(false);
  });

  it("GIVEN a message waiting for its next attempt WHEN listed THEN it says retrying, which attempt and when", async () => {
    const shop = "advice-retrying.myshopify.com";
    await makeShop(suite.pipeline.db, shop);
    suite.pipeline.sandbox.setFaults({ forceCode: "WA500" });
    await placeOrder(shop, "9951", "#9951");
    // The test pipeline's backoff is short: hold the next attempt an hour out, as a real backoff does,
    // once a failed attempt has put the message back in the queue.
    const nextAt = new Date(Date.now() + 3_600_000);
    await waitFor(
      async () =>
        (await suite.pipeline.db.execute(
          `UPDATE "Message" SET "nextAttemptAt" = ? WHERE "shopDomain" = ? AND "state" = 'queued' AND "attempts" >= 1`,
          [nextAt, shop],
        )) === 1
          ? true
          : undefined,
      15_000,
      "a failed attempt",
    );
    suite.pipeline.sandbox.setFaults({});
    const [message] = await messagesOf(shop);
    const view = await merchant(shop);
    await view.open("/app/messages");
    const row = view.page.locator(".messages-wide .Polaris-IndexTable__TableRow").first();
    await row.getByText("Retrying").waitFor();
    expect(await row.innerText()).toContain(`attempt ${(message?.attempts ?? 0) + 1} of 12, next at`);
    expect(await row.innerText()).not.toContain("Queued");
  });
});

describe("a message without a phone number", () => {
  it("GIVEN an order with no phone anywhere WHEN the merchant reads the log THEN it says no phone number for the buyer, and the message says why", async () => {
    const shop = "advice-no-phone.myshopify.com";
    await makeShop(suite.pipeline.db, shop);
    await placeOrder(shop, "9961", "#9961", { phone: null, customer: null, billing_address: null, shipping_address: null });
    await waitForStates(shop, ["skipped"], "the message without a number");
    for (const size of [undefined, PHONE]) {
      const view = await merchant(shop, size);
      const { page } = view;
      await view.open("/app/messages");
      const list = page.locator(size ? ".messages-narrow" : ".messages-wide");
      await list.getByText(/no phone number for the buyer/).waitFor();
      expect(await list.innerText()).not.toMatch(/—|to no phone/);
    }
    const view = await merchant(shop);
    await view.open(`/app/messages/${(await messagesOf(shop))[0]?.id}`);
    await view.page.getByText(/^no phone number for the buyer: there is no phone on /).waitFor();
  });
});

describe("11. preview", () => {
  it("GIVEN a long description or link, or a text over the limit WHEN previewed THEN the card keeps its width and an unsendable text is not shown as sendable", async () => {
    const shop = "advice-preview.myshopify.com";
    const view = await merchant(shop);
    const { page } = view;
    await view.open("/app/templates");
    await page.locator("#shipped-description").fill("d".repeat(2000));
    await page.locator("#shipped-body").fill(`Track it: https://example.com/${"a".repeat(300)}`);
    const card = page.locator("#template-shipped");
    const preview = page.getByTestId("preview-shipped");
    const cardBox = await card.boundingBox();
    const previewBox = await preview.boundingBox();
    expect(previewBox && cardBox && previewBox.x + previewBox.width <= cardBox.x + cardBox.width + 1).toBe(true);

    await page.locator("#shipped-description").fill("On its way");
    await page.locator("#shipped-body").fill(`Hello ${"x".repeat(1100)}!`);
    await expect.poll(() => preview.getByTestId("preview-text").innerText()).toMatch(/^No preview: this message cannot be saved or sent as it is\./);
  });
});

describe("12. plain words", () => {
  it("GIVEN Settings and Templates WHEN read THEN they use the merchant's words and link to Kaleyra's console", async () => {
    const view = await merchant("advice-words.myshopify.com");
    const { page } = view;
    await view.open("/app/settings");
    await page.getByLabel("Kaleyra region").waitFor();
    await page.getByText("with country code, for example +91 98765 43210").first().waitFor();
    expect(await page.getByRole("link", { name: "Kaleyra console" }).getAttribute("href")).toBe("https://console.kaleyra.io");
    const text = await page.locator("body").innerText();
    expect(text).not.toMatch(/E\.164|\(pod\)|encryption key/);
    await view.navigate("/app/templates");
    await page.getByRole("heading", { name: "Templates", level: 1 }).waitFor();
  });
});
