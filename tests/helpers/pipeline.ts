import { encryptSecret } from "../../app/crypto/secrets.server";
import { sql } from "../../app/db/sql-instance.server";
import type { SqlDatabase } from "../../app/db/sql.server";
import type { FetchOrder } from "../../app/pipeline/order-lookup.server";
import { startDeliveryWorker, type DeliveryWorker } from "../../app/outbox/worker.server";
import { startKaleyraSandbox, type KaleyraSandbox } from "../../sandbox/kaleyra-sandbox";
import { startTestApp, type TestApp } from "./app";
import { waitFor } from "./process";
import { postWebhook, type SignedWebhook } from "./webhooks";

export const SHOP = "pipeline-test.myshopify.com";
export const ACCOUNT = { sid: "HXAP16TEST0097IN", apiKey: "Atest-api-key-0001", number: "+919876500001" };

export interface Pipeline {
  app: TestApp;
  sandbox: KaleyraSandbox;
  db: SqlDatabase;
  worker: DeliveryWorker;
  post(topic: string, body: unknown, extra?: Partial<SignedWebhook>): Promise<Response>;
  /** Waits until no message is queued or in flight and no order lookup is due (paused ones wait for the merchant). */
  settle(timeoutMs?: number): Promise<void>;
  /** The sandbox's received messages as [status, to, reference_id]. */
  received(): Array<[string, string, string]>;
  messages(): Promise<Array<{ status: string; state: string; skipReason: string | null; attempts: number; lastCode: string | null }>>;
  stop(): Promise<void>;
}

export interface ShopSettings {
  enabled?: boolean;
  apiKey?: string;
  sendProcessingOnCreate?: boolean;
  referenceIdSource?: string;
}

export async function configureShop(db: SqlDatabase, shop: string, settings: ShopSettings = {}): Promise<void> {
  const now = new Date();
  const cipher = encryptSecret(settings.apiKey ?? ACCOUNT.apiKey, process.env.ENCRYPTION_KEY ?? "");
  await db.execute(
    `INSERT INTO "Shop" ("domain", "name", "enabled", "kaleyraSid", "apiKeyCipher", "apiKeyLast4", "pod", "businessNumber",
       "sendProcessingOnCreate", "referenceIdSource", "createdAt", "updatedAt")
     VALUES (?, ?, ?, ?, ?, ?, 'IN', ?, ?, ?, ?, ?)
     ON CONFLICT ("domain") DO UPDATE SET "enabled" = excluded."enabled", "apiKeyCipher" = excluded."apiKeyCipher",
       "sendProcessingOnCreate" = excluded."sendProcessingOnCreate", "referenceIdSource" = excluded."referenceIdSource"`,
    [
      shop,
      "Test Shop",
      settings.enabled ?? true,
      ACCOUNT.sid,
      cipher,
      ACCOUNT.apiKey.slice(-4),
      ACCOUNT.number,
      settings.sendProcessingOnCreate ?? true,
      settings.referenceIdSource ?? "order_id",
      now,
      now,
    ],
  );
}

export async function startPipeline(
  options: { spacingMs?: number; fetchOrder?: FetchOrder; retryDelayMs?: number; shop?: ShopSettings } = {},
): Promise<Pipeline> {
  const sandbox = await startKaleyraSandbox({
    accounts: [{ sid: ACCOUNT.sid, apiKey: ACCOUNT.apiKey, numbers: [ACCOUNT.number] }],
  });
  const app = await startTestApp({ KALEYRA_BASE_URL: sandbox.url });
  const db = sql();
  await configureShop(db, SHOP, options.shop);
  const worker = startDeliveryWorker({
    db,
    recipientSpacingMs: options.spacingMs ?? 50,
    idlePollMs: 100,
    fetchOrder: options.fetchOrder ?? (async () => Promise.reject(new Error("no Admin API in this test"))),
    retryDelay: () => options.retryDelayMs ?? 100,
  });

  return {
    app,
    sandbox,
    db,
    worker,
    post: (topic, body, extra = {}) => postWebhook(app.url, { topic, shop: SHOP, body, ...extra }),
    async settle(timeoutMs = 15_000) {
      await waitFor(
        async () => {
          const rows = await db.query<{ n: number }>(
            `SELECT COUNT(*) AS "n" FROM "Message" WHERE "state" IN ('queued', 'sending')`,
          );
          const lookups = await db.query<{ n: number }>(
            `SELECT COUNT(*) AS "n" FROM "OrderState" WHERE "lookupDueAt" <= ?`,
            [new Date()],
          );
          return Number(rows[0]?.n) === 0 && Number(lookups[0]?.n) === 0 ? true : undefined;
        },
        timeoutMs,
        "the outbox to drain",
      );
    },
    received() {
      return sandbox.received.map((message) => {
        const body = message.body as {
          messaging_object: { to: string; interactive: { action: { parameters: { reference_id: string; order: { status: string } } } } };
        };
        const parameters = body.messaging_object.interactive.action.parameters;
        return [parameters.order.status, body.messaging_object.to, parameters.reference_id];
      });
    },
    messages: () =>
      db.query(
        `SELECT "status", "state", "skipReason", "attempts", "lastCode" FROM "Message" ORDER BY "createdAt"`,
      ),
    async stop() {
      await worker.stop();
      await app.stop();
      await sandbox.close();
    },
  };
}
