/**
 * The production build served in this process, a Kaleyra sandbox, and delivery workers the
 * test starts and stops itself (each with its own Kaleyra client deadline and logger).
 */
import { createKaleyraClient, type KaleyraClient } from "../../../app/kaleyra/client.server";
import type { Logger } from "../../../app/logger.server";
import { nextAttemptDelayMs } from "../../../app/outbox/backoff";
import { startDeliveryWorker, type DeliveryWorker } from "../../../app/outbox/worker.server";
import { sql } from "../../../app/db/sql-instance.server";
import type { SqlDatabase } from "../../../app/db/sql.server";
import { startKaleyraSandbox, type KaleyraSandbox } from "../../../sandbox/kaleyra-sandbox";
import { startTestApp, type TestApp } from "../../helpers/app";
import { ACCOUNT, makeShop, type ShopOverrides } from "../../factories";
import { waitFor } from "../../helpers/process";

/** The real retry schedule (30 s doubling to 1 h, jittered), 1000 times faster. */
export const compressedRetryDelay = (attempts: number, retryAfterMs?: number) =>
  Math.max(1, Math.round(nextAttemptDelayMs(attempts, retryAfterMs) / 1000));

export interface WorkerSettings {
  /** The Kaleyra client's whole-request deadline (the production default is 10 s). */
  timeoutMs?: number;
  logger: Logger;
  leaseMs?: number;
  concurrency?: number;
}

/** A worker of the rig, which also counts the sends whose answer it stopped waiting for. */
export interface RigWorker extends DeliveryWorker {
  /**
   * Sends that ended in the client's deadline. Kaleyra may still have taken each of them, so
   * each may be one extra copy: the one documented duplicate window of a slow Kaleyra.
   */
  timedOutSends(): number;
}

export interface FaultRig {
  app: TestApp;
  sandbox: KaleyraSandbox;
  db: SqlDatabase;
  startWorker(settings: WorkerSettings): RigWorker;
  /** Waits until none of the shop's deliveries waits in the inbox and none of its messages is queued or being sent. */
  drained(shop: string, timeoutMs: number): Promise<void>;
  /** Stops the workers still running (a failed test must not leave one sending into the next). */
  stopWorkers(): Promise<void>;
  stop(): Promise<void>;
}

export async function startFaultRig(
  shops: Array<{ domain: string; settings?: ShopOverrides }>,
  env: Record<string, string> = {},
): Promise<FaultRig> {
  const sandbox = await startKaleyraSandbox({
    accounts: [{ sid: ACCOUNT.sid, apiKey: ACCOUNT.apiKey, numbers: [ACCOUNT.number] }],
    maxReceived: 10_000_000,
  });
  const app = await startTestApp({ KALEYRA_BASE_URL: sandbox.url, ...env });
  const db = sql();
  for (const shop of shops) await makeShop(db, shop.domain, shop.settings);
  const workers = new Set<DeliveryWorker>();
  return {
    app,
    sandbox,
    db,
    startWorker(settings) {
      const client = createKaleyraClient({ baseUrlOverride: sandbox.url, timeoutMs: settings.timeoutMs, logger: settings.logger });
      let timedOut = 0;
      const kaleyra: KaleyraClient = {
        timeoutMs: client.timeoutMs,
        async send(creds, message) {
          const result = await client.send(creds, message);
          if (result.outcome.kind === "retry" && result.outcome.reason === "timeout") timedOut += 1;
          return result;
        },
        close: () => client.close(),
      };
      const worker = startDeliveryWorker({
        db,
        logger: settings.logger,
        kaleyra,
        recipientSpacingMs: 0,
        ratePerSecond: 1000,
        concurrency: settings.concurrency ?? 64,
        idlePollMs: 100,
        leaseMs: settings.leaseMs,
        fetchOrder: async () => Promise.reject(new Error("no Admin API in this test")),
        retryDelay: compressedRetryDelay,
      });
      workers.add(worker);
      const stop = worker.stop.bind(worker);
      return Object.assign(worker, {
        timedOutSends: () => timedOut,
        async stop() {
          workers.delete(worker);
          await stop();
          await kaleyra.close();
        },
      });
    },
    async drained(shop, timeoutMs) {
      await waitFor(
        async () => {
          // The inbox first: a delivery decided between the two counts queues its messages first.
          const waiting = await inboxWaiting(db, shop);
          const rows = await db.query<{ n: number }>(
            `SELECT COUNT(*) AS "n" FROM "Message" WHERE "shopDomain" = ? AND "state" IN ('queued', 'sending')`,
            [shop],
          );
          return waiting === 0 && Number(rows[0]?.n) === 0 ? true : undefined;
        },
        timeoutMs,
        `the inbox and the outbox of ${shop} to drain`,
      );
    },
    async stopWorkers() {
      for (const worker of [...workers]) await worker.stop();
    },
    async stop() {
      for (const worker of [...workers]) await worker.stop();
      await app.stop();
      await sandbox.close();
    },
  };
}

/** The shop's deliveries still waiting in the inbox to be decided. */
export async function inboxWaiting(db: SqlDatabase, shop: string): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT COUNT(*) AS "n" FROM "WebhookEvent" WHERE "shopDomain" = ? AND "outcome" = 'received'`,
    [shop],
  );
  return Number(rows[0]?.n);
}

export async function messageStates(db: SqlDatabase, shop: string): Promise<Record<string, number>> {
  const rows = await db.query<{ state: string; n: number }>(
    `SELECT "state", COUNT(*) AS "n" FROM "Message" WHERE "shopDomain" = ? GROUP BY "state"`,
    [shop],
  );
  return Object.fromEntries(rows.map((row) => [row.state, Number(row.n)]));
}
