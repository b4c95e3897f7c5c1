import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { config } from "../config.server";
import { decryptSecret, SecretDecryptionError } from "../crypto/secrets.server";
import { sql } from "../db/sql-instance.server";
import type { SqlDatabase } from "../db/sql.server";
import { createKaleyraClient, type KaleyraClient } from "../kaleyra/client.server";
import { isOrderStatus } from "../kaleyra/statuses";
import { logger as rootLogger, type Logger } from "../logger.server";
import { adminApiOrderFetcher, runDueOrderLookups, type FetchOrder } from "../pipeline/order-lookup.server";
import { findShop, type ShopRow } from "../shops/shop-rows.server";
import { LEASE_MS, RECIPIENT_SPACING_MS } from "./backoff";
import {
  claimDueMessages,
  nextDueAt,
  pruneRateWindows,
  reserveRateSlot,
  reserveRecipient,
  type ClaimedMessage,
} from "./claim.server";
import { pauseShop, resumeShop } from "./pause.server";
import { finishUnsent, recordSendResult, releaseMessage } from "./record.server";
import { waitForWake, wakeDeliveryWorkers } from "./wake.server";

export interface DeliveryWorkerOptions {
  db?: SqlDatabase;
  logger?: Logger;
  kaleyra?: KaleyraClient;
  encryptionKey?: string;
  workerId?: string;
  /** Messages in flight at once (each waits on Kaleyra's answer). */
  concurrency?: number;
  /** Per business number, per second. */
  ratePerSecond?: number;
  recipientSpacingMs?: number;
  /** Longest sleep when idle: timed pauses are lifted and due retries picked up on this beat. */
  idlePollMs?: number;
  now?: () => Date;
  /** Reads an order the webhooks left incomplete (the Admin API by default). */
  fetchOrder?: FetchOrder;
  /** The retry schedule (backoff.ts by default; tests shorten it). */
  retryDelay?: (attempts: number, retryAfterMs?: number) => number;
}

export interface DeliveryWorker {
  readonly id: string;
  /** Finishes the sends in flight, claims nothing more. */
  stop(): Promise<void>;
  /** Resolves once nothing is due and nothing is in flight (for tests and the demo). */
  idle(): Promise<void>;
}

/** A shop's settings are read again after this long; a change takes effect within it. */
export const SHOP_CACHE_MS = 1000;

/**
 * Claims due messages, sends them through the Kaleyra client and records each outcome.
 * Several workers (in one process or many) can run against one database.
 */
export function startDeliveryWorker(options: DeliveryWorkerOptions = {}): DeliveryWorker {
  const env = config();
  const db = options.db ?? sql();
  const id = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const log = (options.logger ?? rootLogger).child({ module: "worker", worker: id });
  const ownsClient = !options.kaleyra;
  const kaleyra = options.kaleyra ?? createKaleyraClient({ baseUrlOverride: env.KALEYRA_BASE_URL, logger: log });
  const encryptionKey = options.encryptionKey ?? env.ENCRYPTION_KEY;
  const concurrency = options.concurrency ?? 64;
  const ratePerSecond = options.ratePerSecond ?? env.SEND_RATE_PER_SECOND;
  const spacingMs = options.recipientSpacingMs ?? RECIPIENT_SPACING_MS;
  const idlePollMs = options.idlePollMs ?? 5000;
  const now = options.now ?? (() => new Date());
  const fetchOrder = options.fetchOrder ?? adminApiOrderFetcher();

  let stopping = false;
  const inFlight = new Set<Promise<void>>();
  const idleWaiters: Array<() => void> = [];
  const shopCache = new Map<string, { row: ShopRow | undefined; at: number }>();
  let lastHousekeeping = 0;

  async function shopFor(domain: string): Promise<ShopRow | undefined> {
    const cached = shopCache.get(domain);
    if (cached && Date.now() - cached.at < SHOP_CACHE_MS) return cached.row;
    const row = await findShop(db, domain);
    shopCache.set(domain, { row, at: Date.now() });
    return row;
  }

  async function housekeeping(at: Date): Promise<void> {
    if (at.getTime() - lastHousekeeping < idlePollMs) return;
    lastHousekeeping = at.getTime();
    const due = await db.query<{ domain: string }>(
      `SELECT "domain" FROM "Shop" WHERE "resumeAt" IS NOT NULL AND "resumeAt" <= ? AND "installed" = ?`,
      [at, true],
    );
    for (const { domain } of due) {
      const requeued = await db.transaction((tx) => resumeShop(tx, domain, at));
      shopCache.delete(domain);
      log.info({ shop: domain, requeued }, "timed pause over; sending resumes");
    }
    await pruneRateWindows(db, at.getTime());
  }

  async function deliver(message: ClaimedMessage): Promise<void> {
    const started = now();
    const shop = await shopFor(message.shopDomain);
    if (!shop || !shop.installed || !shop.enabled) {
      await finishUnsent(db, message.id, id, "skipped", "sending is switched off for this shop", started);
      return;
    }
    if (shop.pausedReason) {
      await finishUnsent(db, message.id, id, "paused", `shop paused: ${shop.pausedReason}`, started);
      return;
    }
    if (!message.recipient || !message.bodyText || !message.referenceId || !isOrderStatus(message.status)) {
      await finishUnsent(db, message.id, id, "failed", "message is incomplete", started);
      return;
    }
    let apiKey: string;
    try {
      if (!shop.kaleyraSid || !shop.apiKeyCipher || !shop.businessNumber) throw new Error("not configured");
      apiKey = decryptSecret(shop.apiKeyCipher, encryptionKey);
    } catch (error) {
      const detail =
        error instanceof SecretDecryptionError
          ? "The stored API key cannot be read; enter the Kaleyra API key again in Settings"
          : "Kaleyra SID, API key or WhatsApp business number is missing in Settings";
      await db.transaction(async (tx) => {
        await pauseShop(tx, message.shopDomain, { reason: "config_error", code: null, detail }, started);
      });
      await finishUnsent(db, message.id, id, "paused", detail, started);
      shopCache.delete(message.shopDomain);
      return;
    }

    const busyUntil = await reserveRecipient(db, message.shopDomain, message.recipient, started, spacingMs);
    if (busyUntil) {
      await releaseMessage(db, message.id, id, busyUntil, started);
      return;
    }
    const slotAt = await reserveRateSlot(db, shop.businessNumber, ratePerSecond, started.getTime());
    if (slotAt === undefined) {
      await releaseMessage(db, message.id, id, new Date(started.getTime() + 1000), started);
      return;
    }
    const wait = slotAt - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));

    const result = await kaleyra.sendOrderStatus(
      { sid: shop.kaleyraSid, apiKey, businessNumber: shop.businessNumber, pod: shop.pod },
      {
        to: message.recipient,
        bodyText: message.bodyText,
        referenceId: message.referenceId,
        status: message.status,
        description: message.description,
        ref: message.orderId,
        ref1: message.status,
        ref2: message.shopDomain,
      },
    );
    const recorded = await recordSendResult(db, message, id, result, now(), options.retryDelay);
    if (recorded.state === "paused") shopCache.delete(message.shopDomain);
    if (!recorded.owned) log.warn({ messageId: message.id }, "lease lost before the outcome was recorded");
  }

  function track(message: ClaimedMessage): void {
    const task = deliver(message)
      .catch((error: unknown) => {
        // The lease runs out and another pass picks the message up again.
        log.error({ err: error, messageId: message.id }, "delivery failed unexpectedly");
      })
      .finally(() => {
        inFlight.delete(task);
      });
    inFlight.add(task);
  }

  function notifyIdle(): void {
    while (idleWaiters.length) idleWaiters.shift()?.();
  }

  async function loop(): Promise<void> {
    while (!stopping) {
      try {
        const at = now();
        await housekeeping(at);
        const free = concurrency - inFlight.size;
        if (free <= 0) {
          await Promise.race(inFlight);
          continue;
        }
        const claimed = await claimDueMessages(db, id, Math.min(free, 100), at, new Date(at.getTime() + LEASE_MS));
        for (const message of claimed) track(message);
        if (claimed.length > 0) continue;
        const lookups = await runDueOrderLookups(db, fetchOrder, now(), log);
        if (lookups.enqueued > 0) continue;
        if (inFlight.size > 0) {
          await Promise.race([Promise.race(inFlight), waitForWake(idlePollMs)]);
          continue;
        }
        const due = await nextDueAt(db);
        const sleepMs = due ? Math.min(idlePollMs, Math.max(0, due.getTime() - now().getTime())) : idlePollMs;
        if (!due || sleepMs > 0) notifyIdle();
        await waitForWake(sleepMs);
      } catch (error) {
        log.error({ err: error }, "worker pass failed; retrying shortly");
        await waitForWake(1000);
      }
    }
  }

  const running = loop();
  log.info({ concurrency, ratePerSecond }, "delivery worker started");

  return {
    id,
    async stop() {
      stopping = true;
      // Wake the loop if it is sleeping so that it sees `stopping`.
      wakeDeliveryWorkers();
      await running;
      await Promise.allSettled(inFlight);
      if (ownsClient) await kaleyra.close();
      notifyIdle();
      log.info("delivery worker stopped");
    },
    idle() {
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
