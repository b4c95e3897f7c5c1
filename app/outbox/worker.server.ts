import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { config } from "../config.server";
import { databaseClock, type DatabaseClock } from "../db/clock.server";
import { sql } from "../db/sql-instance.server";
import type { SqlDatabase } from "../db/sql.server";
import { createKaleyraClient, type KaleyraClient } from "../kaleyra/client.server";
import { KALEYRA_DEADLINE_MS } from "../kaleyra/deadline";
import { logger as rootLogger, type Logger } from "../logger.server";
import { runDueOrderLookups, type FetchOrder } from "../pipeline/order-lookup.server";
import { FIRING_LEASE_MS, runDueFlowTriggers, type FireFlowTrigger } from "../flow-triggers/runner.server";
import { claimDueMessages, nextDueAt } from "./claim.server";
import { createHousekeeping } from "./housekeeping.server";
import { startOrderLookupTimer } from "./lookups.server";
import { startLoop } from "./loop";
import { RECIPIENT_SPACING_MS, slotsPerSecond } from "./pacing";
import { createBatchPlanner } from "./plan-batch";
import { keyReader, shopFinder, sqlPlanPorts, sqlSenderPorts } from "./ports.server";
import { createSender } from "./sender";
import { ShopCache } from "./shop-cache";
import { waitForWake, wakeDeliveryWorkers } from "./wake.server";

export { SHOP_CACHE_MS } from "./shop-cache";

export interface DeliveryWorkerOptions {
  db?: SqlDatabase;
  logger?: Logger;
  kaleyra?: KaleyraClient;
  encryptionKey?: string;
  workerId?: string;
  /**
   * Messages in flight at once (each waits on Kaleyra's answer or its rate slot). With
   * Kaleyra answering in 200 ms, 200 in flight allow up to 1,000 messages a second.
   */
  concurrency?: number;
  /** Per business number, per second. */
  ratePerSecond?: number;
  recipientSpacingMs?: number;
  /** Longest sleep when idle: timed pauses are lifted, due retries picked up and due order lookups run on this beat. */
  idlePollMs?: number;
  /**
   * This process's own clock (tests skew it). Decisions shared with other processes are taken
   * in the database's time, measured through it (see db/clock.server.ts).
   */
  now?: () => Date;
  /** Reads an order the webhooks left incomplete (in production, `adminApiOrderFetcher`). */
  fetchOrder: FetchOrder;
  /**
   * Calls Shopify's flowTriggerReceive (in production, `adminApiFlowTrigger`). Without it the
   * Flow triggers owed wait for a worker that has it.
   */
  fireFlowTrigger?: FireFlowTrigger;
  /** The Flow triggers' lease and retry schedule (flow-triggers/firing-policy.ts by default; tests shorten them). */
  flowTriggerTiming?: { leaseMs?: number; retryDelay?: (attempts: number, retryAfterMs?: number) => number };
  /** The retry schedule (backoff.ts by default; tests shorten it). */
  retryDelay?: (attempts: number, retryAfterMs?: number) => number;
  /**
   * How long a claimed message belongs to this worker (WORKER_LEASE_MS from the configuration,
   * 60 s by default). A worker that dies mid-send leaves its messages to
   * be sent again once the lease runs out: the shorter the lease, the sooner they go.
   */
  leaseMs?: number;
}

export interface DeliveryWorker {
  readonly id: string;
  /** Finishes the sends in flight, claims nothing more. */
  stop(): Promise<void>;
  /** Resolves once nothing is due and nothing is in flight (for tests and the demo). */
  idle(): Promise<void>;
}

/** The offset to the database's clock is measured again this often. */
const CLOCK_SYNC_MS = 10_000;

/**
 * Measures the database clock's offset at most every CLOCK_SYNC_MS (first, before anything is
 * decided). Callers at the same moment share one measurement.
 */
function clockSyncer(clock: DatabaseClock, log: Logger): () => Promise<void> {
  let syncedAt: number | undefined;
  let syncing: Promise<void> | undefined;
  return () => {
    if (syncedAt !== undefined && performance.now() - syncedAt < CLOCK_SYNC_MS) return Promise.resolve();
    syncing ??= (async () => {
      try {
        await clock.sync();
        syncedAt = performance.now();
        if (Math.abs(clock.offsetMs()) > 1000) log.warn({ offsetMs: clock.offsetMs() }, "this process's clock differs from the database's; using the database's");
      } finally {
        syncing = undefined;
      }
    })();
    return syncing;
  };
}

/**
 * Claims due messages, sends them through the Kaleyra client and records each outcome.
 * Several workers (in one process or many) can run against one database. This wires the
 * parts: the loop (loop.ts) claims, plan-batch.ts (with planner.ts and pacing.ts) decides
 * what goes when, sender.ts sends and records, housekeeping, order lookups and the Flow
 * triggers (flow-triggers/runner.server.ts) run beside.
 */
export function startDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const env = config();
  const db = options.db ?? sql();
  const id = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const log = (options.logger ?? rootLogger).child({ module: "worker", worker: id });
  const ownsClient = !options.kaleyra;
  const concurrency = options.concurrency ?? 200;
  // One keep-alive socket per message in flight: fewer would queue sends behind each other.
  const kaleyra =
    options.kaleyra ??
    createKaleyraClient({ baseUrlOverride: env.KALEYRA_BASE_URL, logger: log, connections: concurrency });
  const encryptionKey = options.encryptionKey ?? env.ENCRYPTION_KEY;
  const ratePerSecond = options.ratePerSecond ?? env.SEND_RATE_PER_SECOND;
  const perSecond = slotsPerSecond(ratePerSecond);
  const spacingMs = options.recipientSpacingMs ?? RECIPIENT_SPACING_MS;
  const idlePollMs = options.idlePollMs ?? 5000;
  const clock = databaseClock(db, options.now ?? (() => new Date()));
  const syncClock = clockSyncer(clock, log);
  const { fetchOrder } = options;
  const leaseMs = options.leaseMs ?? env.WORKER_LEASE_MS;
  const shops = new ShopCache(shopFinder(db));
  const forgetShop = (domain: string) => shops.forget(domain);

  const planner = createBatchPlanner(
    {
      ...sqlPlanPorts(db, id),
      shopOf: (domain) => shops.get(domain),
      forgetShop,
      readKey: keyReader(encryptionKey),
      now: clock.now,
    },
    { perSecond, spacingMs },
  );
  const sender = createSender(
    {
      ...sqlSenderPorts(db, id, options.retryDelay),
      send: (creds, content) => kaleyra.send(creds, content),
      forgetShop,
      nowMs: clock.nowMs,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      log,
    },
    { perSecond, spacingMs, sendDeadlineMs: kaleyra.timeoutMs ?? KALEYRA_DEADLINE_MS },
  );

  const loop = startLoop(
    {
      now: clock.now,
      syncClock,
      housekeeping: createHousekeeping({ db, encryptionKey, everyMs: idlePollMs, log, forgetShop }),
      claim: (limit, at, leaseUntil) => claimDueMessages(db, id, limit, at, leaseUntil),
      deliver(batch, leaseUntil) {
        const planned = planner.plan(batch);
        // Every message of the batch fails (and waits for its lease) if planning fails.
        planned.catch(() => undefined);
        return batch.map(async (message) => {
          const ready = (await planned).get(message.id);
          if (ready) await sender.deliver(ready, leaseUntil);
        });
      },
      nextDueAt: () => nextDueAt(db),
      waitForWake,
      wakeAll: wakeDeliveryWorkers,
      log,
    },
    { concurrency, leaseMs, idlePollMs },
  );
  const lookups = startOrderLookupTimer({
    async run() {
      await syncClock();
      return runDueOrderLookups(db, fetchOrder, clock.now(), log);
    },
    intervalMs: idlePollMs,
    onEnqueued: wakeDeliveryWorkers,
    log,
  });
  const fire = options.fireFlowTrigger;
  const flowTriggers =
    fire &&
    startOrderLookupTimer({
      name: "Flow triggers",
      async run() {
        await syncClock();
        const { handled } = await runDueFlowTriggers(db, {
          fire,
          leaseMs: options.flowTriggerTiming?.leaseMs ?? FIRING_LEASE_MS,
          retryDelay: options.flowTriggerTiming?.retryDelay,
          now: clock.now,
          log,
        });
        return { enqueued: handled };
      },
      intervalMs: idlePollMs,
      // Nothing for the delivery workers: a pass that fired some looks again at once.
      onEnqueued: () => undefined,
      log,
    });
  let stopped: Promise<void> | undefined;
  log.info({ concurrency, ratePerSecond, leaseMs }, "delivery worker started");

  return {
    id,
    stop() {
      // Idempotent: the server's shutdown and a test's cleanup may both ask.
      stopped ??= (async () => {
        await Promise.all([loop.stop(), lookups.stop(), flowTriggers?.stop()]);
        if (ownsClient) await kaleyra.close();
        log.info("delivery worker stopped");
      })();
      return stopped;
    },
    idle: () => loop.idle(),
  };
}
