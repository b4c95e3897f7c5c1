/**
 * The order page's WhatsApp block (extensions/order-whatsapp-block), its built bundle rendered in
 * Chromium with a stand-in `shopify` global for an order, its fetches to the app answered here
 * (the endpoint itself is tested over HTTP in tests/order-block-endpoint.db.test.ts). Run
 * `npm run build` first. With SCREENSHOTS set, it draws the README's picture of the block.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page, Route } from "playwright-core";
import type { Timeline, TimelineMessage } from "../../../extensions/order-whatsapp-block/src/timeline";
import { launchChromium } from "../support/browser";
import { openExtensionPage, renderExtension, type ExtensionPage } from "../support/extension-page";

const ENDPOINT = "/api/orders/4100/whatsapp";

/** The admin's API for an order's page, as far as the block uses it: the order and date formatting. */
const SHOPIFY_GLOBAL = `
  globalThis.shopify = {
    data: { selected: [{ id: "gid://shopify/Order/4100" }] },
    i18n: {
      formatDate: (date, options = {}) => {
        const { inExtensionLocale, ...format } = options;
        return new Intl.DateTimeFormat("en-US", { ...format, timeZone: "UTC" }).format(date);
      },
    },
  };
`;

const at = (minute: number) => new Date(Date.UTC(2026, 2, 10, 11, minute)).toISOString();
const READY = { canSend: true, headline: "Setup is complete.", next: null };
const UNREACHABLE = {
  explanation: "WhatsApp could not deliver it: the number is not on WhatsApp, has not accepted WhatsApp's latest terms, or uses a WhatsApp version too old for this message.",
  action: "Nothing to fix in the app. Further messages to this number are skipped for a while.",
};

function message(overrides: Partial<TimelineMessage> & Pick<TimelineMessage, "id">): TimelineMessage {
  return {
    statusLabel: "Processing",
    form: { label: "Approved template", template: "order_confirmed (en)" },
    stateLabel: "Read",
    tone: "success",
    times: [
      { label: "Queued", at: at(0) },
      { label: "Accepted by Kaleyra", at: at(1) },
      { label: "Delivered", at: at(3) },
      { label: "Read", at: at(4) },
    ],
    help: null,
    recipient: "•••••••0147",
    canRetry: false,
    fix: null,
    url: `/app/messages/${overrides.id}`,
    ...overrides,
  };
}

const READ = message({ id: "msg-read" });
const UNDELIVERED = message({
  id: "msg-undelivered",
  statusLabel: "Partially shipped",
  form: { label: "Interactive order status", template: null },
  stateLabel: "Not delivered",
  tone: "critical",
  times: [
    { label: "Queued", at: at(5) },
    { label: "Accepted by Kaleyra", at: at(6) },
    { label: "Failed", at: at(7) },
  ],
  help: { title: "Not delivered", ...UNREACHABLE },
});
const REFUSED = message({
  id: "msg-refused",
  statusLabel: "Shipped",
  form: { label: "Approved template", template: "order_shipped (en)" },
  stateLabel: "Failed",
  tone: "critical",
  times: [{ label: "Queued", at: at(8) }],
  help: { title: "Kaleyra refused the message format", explanation: "Kaleyra did not accept the message's format (WA400).", action: "Fix the template, then retry." },
  canRetry: true,
  fix: { label: "Edit the “Shipped” template", url: "/app/templates#template-shipped" },
});
const OPTED_IN = { recipient: "•••••••0147", state: "opted_in" as const, label: "Opted in", at: at(0), how: "Counted with the order (your checkout collects WhatsApp consent)", wording: null };

function timeline(overrides: Partial<Timeline> = {}): Timeline {
  return { order: { id: "4100", name: "#4100" }, setup: READY, consent: [OPTED_IN], messages: [READ, UNDELIVERED, REFUSED], empty: [], ...overrides };
}

interface Call {
  method: string;
  path: string;
  body: unknown;
}

type Reply = { status: number; body: unknown };

/** Answers the block's requests to the app in turn (the last answer repeats), recording each. */
async function answerApp(page: Page, replies: Reply[]): Promise<Call[]> {
  const calls: Call[] = [];
  await page.route(`**${ENDPOINT}`, async (route: Route) => {
    const request = route.request();
    calls.push({ method: request.method(), path: new URL(request.url()).pathname, body: request.postData() ? JSON.parse(request.postData() ?? "") : null });
    const reply = replies[Math.min(calls.length - 1, replies.length - 1)]!;
    await route.fulfill({ status: reply.status, contentType: "application/json", body: JSON.stringify(reply.body) });
  });
  return calls;
}

/** The page's problems, but for the failed loads a test answered on purpose. */
function unexpectedProblems(extension: ExtensionPage, statuses: number[] = []): string[] {
  return extension.problems.filter((problem) => !statuses.some((status) => problem.includes(`Failed to load resource: the server responded with a status of ${status}`)));
}

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

async function open(replies: Reply[]): Promise<{ extension: ExtensionPage; page: Page; calls: Call[] }> {
  const extension = await openExtensionPage(browser, { extension: "order-whatsapp-block", module: "OrderBlock", shopifyGlobal: SHOPIFY_GLOBAL });
  const calls = await answerApp(extension.page, replies);
  await renderExtension(extension);
  return { extension, page: extension.page, calls };
}

const block = (page: Page) => page.locator("s-admin-block");

describe("the order details block", () => {
  it("GIVEN an order the app knows without messages, in a shop not connected yet WHEN the block opens THEN the empty state, why, and the next step", async () => {
    const setup = { canSend: false, headline: "Nothing is sent yet: connect your Kaleyra account.", next: { label: "Connect Kaleyra", url: "/app/settings" } };
    const { extension, page, calls } = await open([{ status: 200, body: timeline({ setup, consent: [], messages: [], empty: [setup.headline, "A message is sent when the order's status changes."] }) }]);
    try {
      await expect.poll(() => block(page).textContent()).toContain("No WhatsApp messages for this order yet");
      const text = await block(page).textContent();
      expect(text).toContain("Nothing is sent yet: connect your Kaleyra account.");
      expect(text).toContain("A message is sent when the order's status changes.");
      expect(await page.locator("s-link", { hasText: "Connect Kaleyra" }).getAttribute("href")).toBe("app:app/settings");
      expect(await page.locator("s-button", { hasText: "Send current status again" }).count()).toBe(1);
      expect(await block(page).getAttribute("heading")).toBe("WhatsApp messages");
      expect(calls).toEqual([{ method: "GET", path: ENDPOINT, body: null }]);
      expect(unexpectedProblems(extension)).toEqual([]);
    } finally {
      await extension.close();
    }
  });

  it("GIVEN an order the app has no record of (404) WHEN the block opens THEN the empty state with the app's reason, nothing to send again", async () => {
    const { extension, page } = await open([{ status: 404, body: { error: "This order is not in the app's records.", setup: READY, empty: ["The app has no record of this order: it was placed before the app was installed."] } }]);
    try {
      await expect.poll(() => block(page).textContent()).toContain("No WhatsApp messages for this order yet");
      expect(await block(page).textContent()).toContain("placed before the app was installed");
      expect(await page.locator("s-button").count()).toBe(0);
      expect(unexpectedProblems(extension, [404])).toEqual([]);
    } finally {
      await extension.close();
    }
  });

  it("GIVEN several messages WHEN the block opens THEN each with its status, form, state, times and masked number, the consent, and a link to its page", async () => {
    const { extension, page } = await open([{ status: 200, body: timeline() }]);
    try {
      await expect.poll(() => page.locator("s-box").count()).toBe(3);
      const [read, undelivered, refused] = await page.locator("s-box").allTextContents();
      expect(read).toContain("Processing update");
      expect(read).toContain("Approved template: order_confirmed (en) · to •••••••0147");
      expect(read).toContain("Queued Mar 10, 2026, 11:00 AM · Accepted by Kaleyra Mar 10, 2026, 11:01 AM · Delivered Mar 10, 2026, 11:03 AM · Read Mar 10, 2026, 11:04 AM");
      expect(undelivered).toContain("Interactive order status");
      expect(refused).toContain("Shipped update");
      expect(await page.locator("s-box").first().locator("s-badge").getAttribute("tone")).toBe("success");
      // The line Shopify shows while the merchant has the block collapsed.
      expect(await block(page).getAttribute("collapsedsummary")).toBe("3 messages, latest failed");
      expect(await page.locator("s-link", { hasText: "Open in app" }).evaluateAll((links) => links.map((link) => link.getAttribute("href")))).toEqual([
        "app:app/messages/msg-read",
        "app:app/messages/msg-undelivered",
        "app:app/messages/msg-refused",
      ]);
      const consent = await block(page).textContent();
      expect(consent).toContain("Consent of •••••••0147");
      expect(consent).toContain("Opted in");
      expect(consent).toContain("since Mar 10, 2026, 11:00 AM · Counted with the order");
      expect(unexpectedProblems(extension)).toEqual([]);
      if (process.env.SCREENSHOTS) await extension.screenshot("order-block");
    } finally {
      await extension.close();
    }
  });

  it("GIVEN a message WhatsApp could not deliver WHEN shown THEN the app's explanation and fix, and no Retry (sending it again cannot help)", async () => {
    const { extension, page } = await open([{ status: 200, body: timeline({ messages: [UNDELIVERED] }) }]);
    try {
      const box = page.locator("s-box");
      await expect.poll(() => box.locator("s-banner").getAttribute("heading")).toBe("Not delivered");
      expect(await box.locator("s-badge").textContent()).toBe("Not delivered");
      expect(await box.locator("s-badge").getAttribute("tone")).toBe("critical");
      expect(await box.locator("s-banner").textContent()).toContain(UNREACHABLE.explanation);
      expect(await box.locator("s-banner").textContent()).toContain(`What to do: ${UNREACHABLE.action}`);
      expect(await box.locator("s-button", { hasText: "Retry" }).count()).toBe(0);
      expect(unexpectedProblems(extension)).toEqual([]);
    } finally {
      await extension.close();
    }
  });

  it("GIVEN a message Kaleyra refused WHEN Retry is pressed THEN the endpoint is asked to retry it and the block shows it queued again", async () => {
    const queued = { ...REFUSED, stateLabel: "Queued", tone: "neutral" as const, help: null, canRetry: false, fix: null };
    const { extension, page, calls } = await open([
      { status: 200, body: timeline() },
      { status: 200, body: { ok: true, retried: { state: "queued", skipReason: null, changed: ["message text"] }, timeline: timeline({ messages: [READ, UNDELIVERED, queued] }) } },
    ]);
    try {
      const refused = page.locator("s-box").nth(2);
      await expect.poll(() => refused.locator("s-link", { hasText: "Edit the “Shipped” template" }).getAttribute("href")).toBe("app:app/templates#template-shipped");
      await refused.locator("s-button", { hasText: "Retry" }).click();
      await expect.poll(() => refused.locator("s-badge").textContent()).toBe("Queued");
      expect(calls).toEqual([
        { method: "GET", path: ENDPOINT, body: null },
        { method: "POST", path: ENDPOINT, body: { intent: "retry", messageId: "msg-refused" } },
      ]);
      const notice = page.locator("s-banner[heading='Message queued again']");
      expect(await notice.textContent()).toContain("Changed since the last attempt: message text.");
      expect(await refused.locator("s-button", { hasText: "Retry" }).count()).toBe(0);
      expect(await refused.locator("s-banner").count()).toBe(0);
      expect(unexpectedProblems(extension)).toEqual([]);
    } finally {
      await extension.close();
    }
  });

  it("GIVEN a retry the app refuses WHEN Retry is pressed THEN its reason, and the message stays as it was", async () => {
    const { extension, page } = await open([
      { status: 200, body: timeline({ messages: [REFUSED] }) },
      { status: 409, body: { error: "Only failed or skipped messages can be retried." } },
    ]);
    try {
      await page.locator("s-button", { hasText: "Retry" }).click();
      await expect.poll(() => page.locator("s-banner[heading='Cannot be retried']").textContent()).toContain("Only failed or skipped messages can be retried.");
      expect(await page.locator("s-box s-badge").textContent()).toBe("Failed");
      expect(unexpectedProblems(extension, [409])).toEqual([]);
    } finally {
      await extension.close();
    }
  });

  it("GIVEN 'Send current status again' WHEN pressed THEN it posts the resend with an id for the press and says the status is queued", async () => {
    const { extension, page, calls } = await open([
      { status: 200, body: timeline() },
      { status: 200, body: { ok: true, resent: { outcome: "queued", message: "queued", status: "shipped" }, timeline: timeline() } },
      { status: 200, body: timeline() },
    ]);
    try {
      await page.locator("s-button", { hasText: "Send current status again" }).click();
      await expect.poll(() => page.locator("s-banner[heading='Current status queued']").count()).toBe(1);
      expect(calls[1]).toMatchObject({ method: "POST", path: ENDPOINT, body: { intent: "resend" } });
      expect((calls[1]!.body as { requestId: string }).requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(unexpectedProblems(extension, [])).toEqual([]);
    } finally {
      await extension.close();
    }
  });

  it("GIVEN a shopper who opted out WHEN 'Send current status again' is pressed THEN the app's reason is shown", async () => {
    const { extension, page } = await open([{ status: 200, body: timeline() }, { status: 422, body: { error: "the WhatsApp update \"Shipped\" is not sent: the shopper opted out" } }]);
    try {
      await page.locator("s-button", { hasText: "Send current status again" }).click();
      await expect.poll(() => page.locator("s-banner[heading='Not sent']").textContent()).toContain("the shopper opted out");
      expect(unexpectedProblems(extension, [422])).toEqual([]);
    } finally {
      await extension.close();
    }
  });

  it("GIVEN the app answers an error WHEN the block opens THEN it says so with Try again, which loads the timeline", async () => {
    const { extension, page, calls } = await open([{ status: 500, body: { error: "Unexpected Server Error" } }, { status: 200, body: timeline() }]);
    try {
      const failed = page.locator("s-banner[heading='The app could not be reached']");
      await expect.poll(() => failed.textContent()).toContain("Try again in a moment.");
      expect(await page.locator("s-box").count()).toBe(0);
      await failed.locator("s-button", { hasText: "Try again" }).click();
      await expect.poll(() => page.locator("s-box").count()).toBe(3);
      expect(calls.map((call) => call.method)).toEqual(["GET", "GET"]);
      expect(unexpectedProblems(extension, [500])).toEqual([]);
    } finally {
      await extension.close();
    }
  });

  it("GIVEN an expired session (401) WHEN the block opens THEN it asks the merchant to reload", async () => {
    const { extension, page } = await open([{ status: 401, body: null }]);
    try {
      await expect.poll(() => page.locator("s-banner[heading='Your session has expired']").count()).toBe(1);
      expect(unexpectedProblems(extension, [401])).toEqual([]);
    } finally {
      await extension.close();
    }
  });

  it("GIVEN an answer that is not a timeline WHEN the block opens THEN an error, not a broken block", async () => {
    const { extension, page } = await open([{ status: 200, body: { hello: "world" } }]);
    try {
      await expect.poll(() => page.locator("s-banner[heading='The app could not be reached']").count()).toBe(1);
      expect(unexpectedProblems(extension)).toEqual([]);
    } finally {
      await extension.close();
    }
  });
});
