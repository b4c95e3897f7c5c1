/**
 * What every browser test file shares: the pipeline (app, worker, database, Kaleyra sandbox)
 * and Chromium for the file, one merchant view per shop, the check after each test that no
 * page logged an error or made a blocked request, and small readers of what the merchant
 * and the database see.
 */
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import type { Browser, Locator, Page } from "playwright-core";
import { orderPayload, fulfillmentPayload, LINE_A, LINE_B } from "../../../app/orders/__fixtures__/lifecycle";
import { startPipeline, type Pipeline } from "../../helpers/pipeline";
import { waitFor } from "../../helpers/process";
import { postWebhook } from "../../helpers/webhooks";
import { launchChromium, openMerchantView, type MerchantView } from "./browser";

export interface AdminSuite {
  readonly pipeline: Pipeline;
  merchant(shop: string, viewport?: { width: number; height: number }): Promise<MerchantView>;
  shopRow(shop: string): Promise<Record<string, unknown> | undefined>;
  messagesOf(shop: string): Promise<Array<{ id: string; orderName: string; state: string; attempts: number; lastCode: string | null }>>;
  waitForStates(shop: string, expected: string[], what: string): Promise<void>;
  placeOrder(shop: string, id: string, name: string, changes?: Record<string, unknown>): Promise<void>;
  shipOrder(shop: string, orderId: string): Promise<void>;
  toasts(view: MerchantView): Promise<string[]>;
  /** Waits until the admin showed `message` as a toast. */
  waitForToast(view: MerchantView, message: string): Promise<void>;
}

export function adminSuite(): AdminSuite {
  let pipeline: Pipeline;
  let browser: Browser;
  let views: MerchantView[] = [];

  beforeAll(async () => {
    pipeline = await startPipeline();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await pipeline?.stop();
  });

  afterEach(async () => {
    const problems = views.flatMap((view) => view.problems.map((problem) => `${view.shop}: ${problem}`));
    await Promise.all(views.map((view) => view.close()));
    views = [];
    pipeline.sandbox.setFaults({});
    // Every page a test opened rendered and ran without a console error or a blocked request.
    expect(problems).toEqual([]);
  });

  const messagesOf: AdminSuite["messagesOf"] = (shop) =>
    pipeline.db.query(
      `SELECT "id", "orderName", "state", "attempts", "lastCode" FROM "Message" WHERE "shopDomain" = ? ORDER BY "createdAt", "id"`,
      [shop],
    );
  const toasts = async (view: MerchantView) => (await view.appBridge()).toasts.map((toast) => toast.message);

  return {
    get pipeline() {
      return pipeline;
    },
    async merchant(shop, viewport) {
      const view = await openMerchantView(browser, pipeline.app.url, shop, viewport);
      views.push(view);
      return view;
    },
    async shopRow(shop) {
      const rows = await pipeline.db.query(`SELECT * FROM "Shop" WHERE "domain" = ?`, [shop]);
      return rows[0];
    },
    messagesOf,
    async waitForStates(shop, expected, what) {
      await waitFor(
        async () => {
          const states = (await messagesOf(shop)).map((m) => m.state);
          return JSON.stringify(states) === JSON.stringify(expected) ? true : undefined;
        },
        15_000,
        what,
      );
    },
    async placeOrder(shop, id, name, changes = {}) {
      const response = await postWebhook(pipeline.app.url, { topic: "orders/create", shop, body: orderPayload({ id, name, ...changes }) });
      expect(response.status).toBe(200);
    },
    async shipOrder(shop, orderId) {
      const body = {
        ...fulfillmentPayload({ id: `${orderId}9`, status: "success", lines: [[LINE_A, 2], [LINE_B, 1]], created: 30 }),
        order_id: orderId,
      };
      const response = await postWebhook(pipeline.app.url, { topic: "fulfillments/create", shop, body });
      expect(response.status).toBe(200);
    },
    toasts,
    async waitForToast(view, message) {
      await waitFor(async () => ((await toasts(view)).includes(message) ? true : undefined), 10_000, `the toast "${message}"`);
    },
  };
}

/** The inline error Polaris shows for a field: the described-by element whose id ends in "Error". */
export async function errorNextTo(field: Locator): Promise<string | null> {
  return field.evaluate((element) => {
    const ids = (element.getAttribute("aria-describedby") ?? "").split(/\s+/).filter((id) => id.endsWith("Error"));
    const error = ids.map((id) => document.getElementById(id)).find(Boolean);
    return error?.textContent ?? null;
  });
}

export function bannerTitled(page: Page, title: string): Locator {
  return page.getByRole("heading", { name: title });
}
