/**
 * The admin preview as a newcomer uses it: `npm run preview` (the demo with --open) prints a
 * URL; opened in an ordinary browser it shows the demo shop's embedded admin inside the
 * preview's stand-in for the Shopify admin. A template changed and saved there through the
 * drawn save bar is what the demo's next message says. Writes docs/screenshots/admin-preview.png.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/process";
import { collectPageProblems, DESKTOP_CHROME, keepOnMachine, launchChromium, SCREENSHOT_DIR, VIEWPORT } from "./support/browser";

let demo: ChildProcess;
let output = "";
let previewUrl: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  // What `npm run preview` runs once the build is there (the browser tests need it built).
  demo = spawn(path.resolve("node_modules/.bin/tsx"), ["scripts/demo.ts", "--open"], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "development" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  demo.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  demo.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  previewUrl = await waitFor(
    async () => /Admin preview \(development only\): (http:\/\/127\.0\.0\.1:\d+\/__preview)\n/.exec(output)?.[1],
    150_000,
    "the preview URL",
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}\n${output}`);
  });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: VIEWPORT, userAgent: DESKTOP_CHROME, locale: "en-US", timezoneId: "UTC" });
  await keepOnMachine(context, previewUrl, problems);
  page = await context.newPage();
  collectPageProblems(page, problems);
}, 200_000);

afterAll(async () => {
  await browser?.close();
  if (demo && demo.exitCode === null) {
    const exited = new Promise((resolve) => demo.once("exit", resolve));
    demo.kill("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (demo.exitCode === null) demo.kill("SIGKILL");
  }
});

describe("npm run preview", () => {
  it("GIVEN the printed URL on a machine slow to run the app's scripts WHEN the merchant edits the processing template in the preview THEN the next demo order's message says it", async () => {
    expect(output).toContain("demo ok:");
    // The app hydrates late, as on a busy machine: a navigation click must not be lost meanwhile.
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 10 });
    await page.goto(previewUrl);
    const app = page.frameLocator("#app");
    // The shell draws the app's own navigation; the app's Home is in the frame.
    await page.getByRole("navigation", { name: "App navigation" }).getByRole("button", { name: "Templates", exact: true }).click();
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
    const body = app.locator("#processing-body");
    await body.waitFor();
    await body.fill("Hi {{customer_first_name}}, preview edit: order {{order_name}} is being packed.");

    const saveBar = page.getByRole("region", { name: "Unsaved changes" });
    await saveBar.waitFor();
    await saveBar.getByRole("button", { name: "Save" }).click();
    await page.locator("#toasts").getByText("Templates saved").waitFor();
    await saveBar.waitFor({ state: "hidden" });

    demo.stdin?.write("\n");
    const line = await waitFor(
      async () => /processing .*ref 2001 +"([^"]*)"/.exec(output)?.[1],
      60_000,
      "the next demo message",
    );
    expect(line).toBe("Hi John, preview edit: order #2001 is being packed.");
    expect(problems).toEqual([]);
  });

  it("GIVEN the preview WHEN Settings opens from the shell's navigation THEN the demo shop's sandbox account shows, its key only by the last 4", async () => {
    await page.getByRole("navigation", { name: "App navigation" }).getByRole("button", { name: "Settings" }).click();
    const app = page.frameLocator("#app");
    await app.getByLabel("Kaleyra SID").waitFor();
    expect(await app.getByLabel("Kaleyra SID").inputValue()).toBe("HXAP16DEMO0097IN");
    expect(await app.getByLabel("API key").inputValue()).toBe("");
    expect(problems).toEqual([]);
    // The README's picture of the preview, drawn by `npm run screenshots` only.
    if (process.env.SCREENSHOTS === "1") {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, "admin-preview.png") });
    }
  });
});
