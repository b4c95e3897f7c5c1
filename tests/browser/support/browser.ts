/**
 * Debian's Chromium driven by playwright-core, and a merchant's view of the embedded app:
 * one browser context per shop, opened through the app's own admin preview (app/preview/,
 * on in the browser tests through ADMIN_PREVIEW_SHOP): a development-only session for the
 * shop, a fresh session token in the URL as the admin opens the app, and the preview's
 * App Bridge stand-in in place of Shopify's CDN script.
 *
 * At the HTTP edge every request is to the app under test or blocked: nothing leaves the
 * machine. Console errors and uncaught page errors are collected so each test can fail on them.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { PREVIEW_PATHS } from "../../../app/preview/paths";

/** What the admin would show, as the preview's App Bridge stand-in records it. */
export interface AppBridgeStubState {
  toasts: Array<{ message: string; isError: boolean }>;
  saveBars: Record<string, boolean>;
  /** Every `shopify.loading(on)` call, in order: the admin's loading bar. */
  loading: boolean[];
  /** Where App Bridge would have sent the admin, out of the app (a 401 with a reauthorize URL). */
  redirects: string[];
}

/** The preview's URL that opens `pathname` of the app for `shop` with a fresh session token. */
export function previewOpenUrl(appUrl: string, pathname: string, shop: string): string {
  const url = new URL(PREVIEW_PATHS.open, appUrl);
  url.searchParams.set("shop", shop);
  url.searchParams.set("path", pathname);
  return url.toString();
}

/** Every request to the app's origin goes through; anything else is blocked and recorded. */
export async function keepOnMachine(context: BrowserContext, appUrl: string, problems: string[]): Promise<void> {
  const appOrigin = new URL(appUrl).origin;
  await context.route("**/*", async (route) => {
    const url = route.request().url();
    if (url.startsWith(`${appOrigin}/`)) return route.continue();
    problems.push(`blocked request to ${url}`);
    return route.abort("blockedbyclient");
  });
}

/**
 * Console errors and uncaught exceptions of a page, into `problems`. One 401 is no problem:
 * the library's way out of the app for a fetch (a 401 naming the URL in
 * X-Shopify-API-Request-Failure-Reauthorize-Url, which App Bridge opens), which Chromium
 * logs like any failed load; it counts as a redirect, and the test asserts where to.
 */
export function collectPageProblems(page: Page, problems: string[]): void {
  const redirectsOut = new Set<string>();
  // A logged 401 whose response was not seen yet: taken back if the response turns out to be the way out.
  const pending = new Map<string, string>();
  page.on("response", (response) => {
    if (response.status() !== 401 || !response.headers()["x-shopify-api-request-failure-reauthorize-url"]) return;
    redirectsOut.add(response.url());
    const logged = pending.get(response.url());
    if (logged !== undefined && problems.includes(logged)) problems.splice(problems.indexOf(logged), 1);
  });
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const problem = `console error: ${message.text()}`;
    const url = message.location().url;
    const failed401 = /^Failed to load resource: .* 401 /.test(message.text());
    if (failed401 && redirectsOut.has(url)) return;
    if (failed401) pending.set(url, problem);
    problems.push(problem);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
}

export const VIEWPORT = { width: 1280, height: 800 };
export const SCREENSHOT_DIR = path.resolve("docs/screenshots");

// Headless Chromium says "HeadlessChrome" in its user agent, which Shopify's library treats
// as a bot (410 Gone). A merchant's desktop Chrome says this instead.
export const DESKTOP_CHROME =
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
  /** The merchant approves on Shopify's grant screen; Shopify opens the app again (awaited until loaded). */
  grantScopes(): Promise<void>;
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
  const context = await browser.newContext({ viewport, userAgent: DESKTOP_CHROME, locale: "en-US", timezoneId: "UTC" });
  const problems: string[] = [];
  await keepOnMachine(context, appUrl, problems);
  const page = await context.newPage();
  // Well under the test's own deadline, so a wait that never ends fails with what it waited for.
  page.setDefaultTimeout(15_000);
  collectPageProblems(page, problems);

  return {
    shop,
    context,
    page,
    problems,
    async open(pathname) {
      await page.goto(previewOpenUrl(appUrl, pathname, shop));
      // Module scripts loaded and React hydrated: clicks reach their handlers.
      await page.waitForLoadState("networkidle");
    },
    appBridge: () => page.evaluate(() => (window as unknown as { __adminPreview: { state: AppBridgeStubState } }).__adminPreview.state),
    async navigate(href) {
      await page.evaluate((target) => (window as unknown as { __adminPreview: { navigate(h: string): void } }).__adminPreview.navigate(target), href);
    },
    async clickSaveBar(id, which) {
      await page.evaluate(
        ([bar, button]) =>
          (window as unknown as { __adminPreview: { clickSaveBar(i: string, w: string): void } }).__adminPreview.clickSaveBar(bar, button),
        [id, which] as const,
      );
    },
    async grantScopes() {
      const reopened = page.waitForEvent("load");
      await page.evaluate(() => (window as unknown as { __adminPreview: { grantScopes(): Promise<void> } }).__adminPreview.grantScopes());
      await reopened;
      await page.waitForLoadState("networkidle");
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
