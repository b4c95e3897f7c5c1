import { expect } from "vitest";
import {
  cancelledOrderPayload,
  fulfillmentEventPayload,
  fulfillmentPayload,
  LINE_A,
  LINE_B,
  orderPayload,
  orderUpdatedPayload,
  type FulfillmentSpec,
} from "../../app/orders/__fixtures__/lifecycle";
import { sql } from "../../app/db/sql-instance.server";
import type { SqlDatabase } from "../../app/db/sql.server";
import type { FetchOrder } from "../../app/pipeline/order-lookup.server";
import { startDeliveryWorker, type DeliveryWorker } from "../../app/outbox/worker.server";
import { startKaleyraSandbox, type KaleyraSandbox, type SandboxAccount } from "../../sandbox/kaleyra-sandbox";
import { ACCOUNT, makeShop, type ShopOverrides } from "../factories";
import { startTestApp, type TestApp, type TestAppOptions } from "./app";
import { waitFor } from "./process";
import { postWebhook, type SignedWebhook } from "./webhooks";

export const SHOP = "pipeline-test.myshopify.com";

export interface Pipeline {
  app: TestApp;
  sandbox: KaleyraSandbox;
  db: SqlDatabase;
  worker: DeliveryWorker;
  post(topic: string, body: unknown, extra?: Partial<SignedWebhook>): Promise<Response>;
  /** Posts a signed webhook and expects Shopify's delivery to be taken (200). */
  accept(topic: string, body: unknown, extra?: Partial<SignedWebhook>): Promise<void>;
  /** Waits until no message is queued or in flight and no order lookup is due (paused ones wait for the merchant). */
  settle(timeoutMs?: number): Promise<void>;
  /** The sandbox's received interactive messages as [status, to, reference_id]. */
  received(): Array<[string, string, string]>;
  /** The statuses the sandbox received for one order (its reference id), in order. */
  statusesFor(orderId: string): string[];
  messages(): Promise<Array<{ orderStatus: string; state: string; skipReason: string | null; attempts: number; lastCode: string | null }>>;
  stop(): Promise<void>;
}

export async function startPipeline(
  options: {
    spacingMs?: number;
    fetchOrder?: FetchOrder;
    retryDelayMs?: number;
    shop?: ShopOverrides;
    /** The inbox processor's options (a failing decision, a short retry schedule). */
    inbox?: TestAppOptions["inbox"];
    /** More of the sandbox account: approved templates, the window, profiles. */
    account?: Partial<SandboxAccount>;
  } = {},
): Promise<Pipeline> {
  const sandbox = await startKaleyraSandbox({
    accounts: [{ sid: ACCOUNT.sid, apiKey: ACCOUNT.apiKey, numbers: [ACCOUNT.number], ...options.account }],
  });
  const app = await startTestApp({ KALEYRA_BASE_URL: sandbox.url }, { inbox: options.inbox });
  const db = sql();
  await makeShop(db, SHOP, options.shop);
  const worker = startDeliveryWorker({
    db,
    recipientSpacingMs: options.spacingMs ?? 50,
    idlePollMs: 100,
    fetchOrder: options.fetchOrder ?? (async () => Promise.reject(new Error("no Admin API in this test"))),
    retryDelay: () => options.retryDelayMs ?? 100,
  });

  const post: Pipeline["post"] = (topic, body, extra = {}) => postWebhook(app.url, { topic, shop: SHOP, body, ...extra });
  const received: Pipeline["received"] = () =>
    sandbox.received.filter((message) => (message.body as { messaging_object?: { type?: string } }).messaging_object?.type === "interactive").map((message) => {
      const body = message.body as {
        messaging_object: { to: string; interactive: { action: { parameters: { reference_id: string; order: { status: string } } } } };
      };
      const parameters = body.messaging_object.interactive.action.parameters;
      return [parameters.order.status, body.messaging_object.to, parameters.reference_id];
    });
  return {
    app,
    sandbox,
    db,
    worker,
    post,
    async accept(topic, body, extra) {
      const response = await post(topic, body, extra);
      expect(response.status).toBe(200);
    },
    async settle(timeoutMs = 15_000) {
      await waitFor(
        async () => {
          // Lookups first: a lookup queues its message in the same commit that clears it, so
          // read in the other order, both counts could miss a message queued between them.
          const lookups = await db.query<{ n: number }>(
            `SELECT COUNT(*) AS "n" FROM "OrderState" WHERE "lookupDueAt" <= ?`,
            [new Date()],
          );
          const rows = await db.query<{ n: number }>(
            `SELECT COUNT(*) AS "n" FROM "Message" WHERE "state" IN ('queued', 'sending')`,
          );
          return Number(rows[0]?.n) === 0 && Number(lookups[0]?.n) === 0 ? true : undefined;
        },
        timeoutMs,
        "the outbox to drain",
      );
    },
    received,
    statusesFor: (orderId) =>
      received()
        .filter(([, , referenceId]) => referenceId === orderId)
        .map(([status]) => status),
    messages: () =>
      db.query(
        `SELECT "orderStatus", "state", "skipReason", "attempts", "lastCode" FROM "Message" ORDER BY "createdAt"`,
      ),
    async stop() {
      await worker.stop();
      await app.stop();
      await sandbox.close();
    },
  };
}

/** Both lines of the lifecycle fixture's order, in full: what shipping everything ships. */
export const ALL_LINES: Array<[string, number]> = [
  [LINE_A, 2],
  [LINE_B, 1],
];

/**
 * Fresh orders of the lifecycle fixture, each with the next id after `lastId` (a test file
 * takes its own range, so its orders never meet another file's). `base` changes every
 * order payload of that order.
 */
export function orderSequence(lastId: number) {
  let next = lastId;
  return (base: Record<string, unknown> = {}) => {
    const id = String(++next);
    return {
      id,
      created: (changes: Record<string, unknown> = {}) => orderPayload({ id, ...base, ...changes }),
      updated: (minutes: number, changes: Record<string, unknown> = {}) => orderUpdatedPayload(minutes, { id, ...base, ...changes }),
      cancelled: (minutes: number) => cancelledOrderPayload(minutes, { id, ...base }),
      fulfillment: (spec: FulfillmentSpec) => ({ ...fulfillmentPayload(spec), order_id: id }),
      event: (spec: Parameters<typeof fulfillmentEventPayload>[0]) => ({ ...fulfillmentEventPayload(spec), order_id: id }),
    };
  };
}
