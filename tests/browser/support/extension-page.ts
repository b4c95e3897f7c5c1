/**
 * A UI extension's built bundle (extensions/<name>/dist, from `npm run build`) rendered in
 * Debian's Chromium on a test page, the way Shopify's host runs it: a `shopify` global for the
 * target, then the module's default export. The page serves from loopback; every other
 * request is the test's to answer (`page.route`) or is blocked and recorded as a problem.
 *
 * Shopify's Polaris web components (`s-*`) are drawn by the admin and checkout themselves and
 * cannot run here. The page stands in for them with a stylesheet, so screenshots read like the
 * real block, and with the behaviour the tests need: a checkbox or switch toggles `checked` and
 * fires `change`, and says whether it is disabled, as Polaris's do.
 */
import { readFileSync } from "node:fs";
import http, { type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { collectPageProblems, SCREENSHOT_DIR } from "./browser";

export interface ExtensionPageOptions {
  /** The extension's folder name under extensions/ and its target module's base name. */
  extension: string;
  module: string;
  /**
   * JavaScript run in the page before the bundle: it must assign `globalThis.shopify` (the
   * target's API as the test wants it). It runs in the browser, so it is source text.
   */
  shopifyGlobal: string;
  viewport?: { width: number; height: number };
}

export interface ExtensionPage {
  page: Page;
  /** The page's own origin; requests to it other than the page and the bundle are the test's. */
  origin: string;
  problems: string[];
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

const STAND_IN_STYLES = `
  body { font: 13px/1.4 -apple-system, "Segoe UI", Roboto, sans-serif; color: #303030; margin: 16px; background: #f1f1f1; }
  s-admin-block, s-section { display: block; background: #fff; border-radius: 12px; padding: 16px; box-shadow: 0 1px 0 #1a1a1a12, inset 0 -1px 0 #0000001f; }
  s-admin-block::before { content: attr(heading); display: block; font-weight: 650; font-size: 14px; margin-bottom: 12px; }
  s-section[heading]::before { content: attr(heading); display: block; font-weight: 650; margin-bottom: 8px; }
  s-stack { display: flex; flex-direction: column; gap: 8px; }
  s-stack[direction="inline"] { flex-direction: row; flex-wrap: wrap; align-items: center; }
  s-box { display: block; }
  s-box[border] { border: 1px solid #e3e3e3; border-radius: 8px; padding: 8px; }
  s-heading { display: block; font-weight: 650; }
  s-text { display: inline; }
  s-text[color="subdued"], s-text[tone="neutral"] { color: #616161; }
  s-text[type="strong"] { font-weight: 650; }
  s-paragraph { display: block; margin: 0; }
  s-stack:not([direction="inline"]) > :is(s-badge, s-button) { align-self: flex-start; }
  s-badge { display: inline-block; border-radius: 8px; padding: 0 8px; background: #e3e3e3; font-size: 12px; }
  s-badge[tone="success"] { background: #cdfee1; color: #0c5132; }
  s-badge[tone="critical"] { background: #fedad9; color: #8e0b21; }
  s-badge[tone="warning"] { background: #ffef9d; color: #4f4700; }
  s-badge[tone="info"] { background: #e0f0ff; color: #00527c; }
  s-badge[tone="caution"] { background: #fff1c2; color: #4f4700; }
  s-banner { display: block; border-radius: 8px; padding: 8px 12px; background: #eaf4ff; }
  s-banner[tone="critical"] { background: #fedad9; }
  s-banner[tone="warning"] { background: #fff1e3; }
  s-banner[tone="success"] { background: #e3f9ed; }
  s-banner[heading]::before { content: attr(heading); display: block; font-weight: 650; }
  s-button { display: inline-block; border-radius: 8px; padding: 4px 12px; background: #fff; border: 1px solid #c9c9c9; cursor: pointer; }
  s-button[variant="primary"] { background: #303030; color: #fff; border-color: #303030; }
  s-button[disabled], s-button[loading] { opacity: .5; pointer-events: none; }
  s-link { color: #005bd3; text-decoration: underline; cursor: pointer; }
  s-divider { display: block; border-top: 1px solid #e3e3e3; margin: 4px 0; }
  s-spinner::before { content: "…"; }
  s-checkbox, s-switch { display: flex; align-items: center; gap: 8px; cursor: pointer; }
  s-checkbox::before, s-switch::before { content: ""; width: 14px; height: 14px; border: 1px solid #8a8a8a; border-radius: 4px; }
  s-checkbox[checked]::before, s-switch[checked]::before { background: #303030; box-shadow: inset 0 0 0 2px #fff; }
  s-checkbox[disabled], s-switch[disabled] { opacity: .5; cursor: default; }
  s-checkbox::after, s-switch::after { content: attr(label); }
`;

// Polaris's checkbox and switch: clicking toggles `checked` and fires `change`.
const STAND_IN_ELEMENTS = `
  for (const tag of ["s-checkbox", "s-switch"]) {
    customElements.define(tag, class extends HTMLElement {
      static get observedAttributes() { return ["checked", "disabled"]; }
      constructor() {
        super();
        this._checked = false;
        this.addEventListener("click", () => {
          if (this.hasAttribute("disabled")) return;
          this.checked = !this.checked;
          this.dispatchEvent(new Event("change", { bubbles: true }));
        });
      }
      get checked() { return this._checked; }
      set checked(value) {
        this._checked = Boolean(value);
        this.toggleAttribute("checked", this._checked);
        this.setAttribute("aria-checked", String(this._checked));
      }
      attributeChangedCallback() {
        this._checked = this.hasAttribute("checked");
        // A disabled control says so to the accessibility tree, as Polaris's does.
        if (this.isConnected) this.setAttribute("aria-disabled", String(this.hasAttribute("disabled")));
      }
      // Attributes only once connected: a constructor may not add them.
      connectedCallback() {
        this.setAttribute("role", tag === "s-switch" ? "switch" : "checkbox");
        this.setAttribute("aria-label", this.getAttribute("label") ?? "");
        this.setAttribute("aria-checked", String(this._checked));
        this.setAttribute("aria-disabled", String(this.hasAttribute("disabled")));
        this.tabIndex = 0;
      }
    });
  }
`;

function pageHtml(shopifyGlobal: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>${STAND_IN_STYLES}</style></head><body>
<script>${STAND_IN_ELEMENTS}</script>
<script>${shopifyGlobal}</script>
<script type="module">
  import run from "/extension.js";
  await run();
  document.documentElement.dataset.rendered = "true";
</script></body></html>`;
}

async function serve(html: string, bundle: string): Promise<Server> {
  const server = http.createServer((req, res) => {
    if (req.url === "/") res.writeHead(200, { "content-type": "text/html" }).end(html);
    else if (req.url === "/extension.js") res.writeHead(200, { "content-type": "text/javascript" }).end(bundle);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

export async function openExtensionPage(browser: Browser, options: ExtensionPageOptions): Promise<ExtensionPage> {
  const bundlePath = path.resolve("extensions", options.extension, "dist", `${options.module}.js`);
  const server = await serve(pageHtml(options.shopifyGlobal), readFileSync(bundlePath, "utf8"));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const context: BrowserContext = await browser.newContext({ viewport: options.viewport ?? { width: 560, height: 640 }, locale: "en-US", timezoneId: "UTC" });
  const problems: string[] = [];
  // Routes added later by the test (page.route) take precedence over this one.
  await context.route("**/*", async (route) => {
    const url = new URL(route.request().url());
    if (url.origin === origin && (url.pathname === "/" || url.pathname === "/extension.js")) return route.continue();
    problems.push(`unanswered request to ${url.href}`);
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  collectPageProblems(page, problems);
  return {
    page,
    origin,
    problems,
    async screenshot(name) {
      await page.locator("body > :not(script)").first().screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
    },
    async close() {
      await context.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Opens the page and waits until the extension's default export has finished rendering. */
export async function renderExtension(extensionPage: ExtensionPage): Promise<void> {
  await extensionPage.page.goto(`${extensionPage.origin}/`);
  await extensionPage.page.locator("html[data-rendered='true']").waitFor({ state: "attached" });
}
