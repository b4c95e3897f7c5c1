/**
 * Debian's Chromium driven by playwright-core, and a merchant's view of the embedded app:
 * one browser context per shop, opened the way the Shopify admin opens the app.
 *
 * At the HTTP edge every request is either to the app under test, or to App Bridge's CDN
 * (answered with the local stand-in of app-bridge-stub.ts), or blocked: nothing leaves the
 * machine. Console errors and uncaught page errors are collected so each test can fail on them.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { appBridgeStubScript, APP_BRIDGE_URL, type AppBridgeStubState } from "./app-bridge-stub";
import { embeddedUrl, hostParam, sessionToken, storeOfflineSession } from "./shopify-session";

export const VIEWPORT = { width: 1280, height: 800 };
export const SCREENSHOT_DIR = path.resolve("docs/screenshots");

// Headless Chromium says "HeadlessChrome" in its user agent, which Shopify's library treats
// as a bot (410 Gone). A merchant's desktop Chrome says this instead.
const DESKTOP_CHROME =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export interface MerchantView {
  shop: string;
  context: BrowserContext;
  page: Page;
  /** Console errors, uncaught exceptions and blocked requests seen so far. */
  problems: string[];
  /** Opens an app page as the admin does: a document request with `id_token` in the URL. */
  open(pathname: string): Promise<void>;
  /** What the admin would show: toasts and open save bars. */
  appBridge(): Promise<AppBridgeStubState>;
  /** Clicks a link of the app's nav menu the way the admin's sidebar does. */
  navigate(href: string): Promise<void>;
  clickSaveBar(id: string, which: "save" | "discard"): Promise<void>;
  /** Form fields (input, select, textarea) without an accessible name. */
  unlabelledFields(): Promise<string[]>;
  /** Writes docs/screenshots/<name>.png (only `npm run screenshots` calls it). */
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

const FIELD_ROLES = new Set(["textbox", "searchbox", "combobox", "checkbox", "radio", "spinbutton", "listbox", "switch", "slider"]);

export async function openMerchantView(
  browser: Browser,
  appUrl: string,
  shop: string,
  viewport: { width: number; height: number } = VIEWPORT,
): Promise<MerchantView> {
  await storeOfflineSession(shop);
  const context = await browser.newContext({ viewport, userAgent: DESKTOP_CHROME, locale: "en-US", timezoneId: "UTC" });
  const problems: string[] = [];
  const appOrigin = new URL(appUrl).origin;

  await context.exposeFunction("__mintSessionToken", () => sessionToken(shop));
  const stub = appBridgeStubScript({ apiKey: process.env.SHOPIFY_API_KEY ?? "", shop, host: hostParam(shop) });
  await context.route("**/*", async (route) => {
    const url = route.request().url();
    if (url.startsWith(`${appOrigin}/`)) return route.continue();
    if (url.split("?")[0] === APP_BRIDGE_URL) {
      return route.fulfill({ status: 200, contentType: "text/javascript", body: stub });
    }
    problems.push(`blocked request to ${url}`);
    return route.abort("blockedbyclient");
  });

  const page = await context.newPage();
  // Under the test's own 30 s, so a wait that never ends fails with what it waited for.
  page.setDefaultTimeout(15_000);
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));

  return {
    shop,
    context,
    page,
    problems,
    async open(pathname) {
      await page.goto(embeddedUrl(appUrl, pathname, shop));
      // Module scripts loaded and React hydrated: clicks reach their handlers.
      await page.waitForLoadState("networkidle");
    },
    appBridge: () => page.evaluate(() => (window as unknown as { __appBridgeStub: { state: AppBridgeStubState } }).__appBridgeStub.state),
    async navigate(href) {
      await page.evaluate((target) => (window as unknown as { __appBridgeStub: { navigate(h: string): void } }).__appBridgeStub.navigate(target), href);
    },
    async clickSaveBar(id, which) {
      await page.evaluate(
        ([bar, button]) =>
          (window as unknown as { __appBridgeStub: { clickSaveBar(i: string, w: string): void } }).__appBridgeStub.clickSaveBar(bar, button),
        [id, which] as const,
      );
    },
    async unlabelledFields() {
      // The browser's own accessibility tree decides what a screen reader announces.
      const cdp = await context.newCDPSession(page);
      const { nodes } = (await cdp.send("Accessibility.getFullAXTree")) as {
        nodes: Array<{ ignored: boolean; role?: { value?: string }; name?: { value?: string }; backendDOMNodeId?: number }>;
      };
      await cdp.detach();
      const fields = nodes.filter((node) => !node.ignored && FIELD_ROLES.has(String(node.role?.value)));
      if (fields.length === 0) return [];
      return fields.filter((node) => !String(node.name?.value ?? "").trim()).map((node) => `${node.role?.value} #${node.backendDOMNodeId}`);
    },
    async screenshot(name) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
    },
    close: () => context.close(),
  };
}
