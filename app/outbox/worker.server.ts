import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { config } from "../config.server";
import { decryptSecret, isKeyUnreadable, SecretDecryptionError } from "../crypto/secrets.server";
import { databaseClock } from "../db/clock.server";
import { sql } from "../db/sql-instance.server";
import type { SqlDatabase } from "../db/sql.server";
import { createKaleyraClient, type KaleyraClient, type SendResult } from "../kaleyra/client.server";
import { KALEYRA_DEADLINE_MS } from "../kaleyra/deadline";
import type { KaleyraCredentialsInput, OrderStatusMessageInput } from "../kaleyra/request";
import { isOrderStatus } from "../kaleyra/statuses";
import { logger as rootLogger, type Logger } from "../logger.server";
import { adminApiOrderFetcher, runDueOrderLookups, type FetchOrder } from "../pipeline/order-lookup.server";
import { findShop, shopsDueToResume, stillPausedFor, type ShopRow } from "../db/repositories/shops.server";
import { RECIPIENT_SPACING_MS } from "./backoff";
import {
  claimDueMessages,
  nextDueAt,
  pruneRateWindows,
  moveRecipientTurn,
  reserveRateSlots,
  reserveRateSlotsFor,
  reserveRecipients,
  shopperKey,
  slotsPerSecond,
  type ClaimedMessage,
  type Shopper,
} from "./claim.server";
import { KEY_UNREADABLE_DETAIL, pauseShop, resumeShop, shopsPausedForUnreadableKey } from "./pause.server";
import { finishUnsent, parkWhilePaused, recordSendResult, releaseMessage } from "./record.server";
import { pruneWebhookRecords, WEBHOOK_PRUNE_EVERY_MS } from "../webhooks/retention.server";
import { waitForWake, wakeDeliveryWorkers } from "./wake.server";

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
  /** Longest sleep when idle: timed pauses are lifted and due retries picked up on this beat. */
  idlePollMs?: number;
  /**
   * This process's own clock (tests skew it). Decisions shared with other processes are taken
   * in the database's time, measured through it (see db/clock.server.ts).
   */
  now?: () => Date;
  /** Reads an order the webhooks left incomplete (the Admin API by default). */
  fetchOrder?: FetchOrder;
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

/** A shop's settings are read again after this long; a change takes effect within it. */
export const SHOP_CACHE_MS = 1000;

/**
 * Rate slots are taken at least this far ahead (more when the database is slow to answer),
 * so that a send is not already late for its slot by the time the reservation is answered.
 */
const SLOT_LEAD_MS = 40;
/** How far a send may trail its slot; within claim.server's RATE_JITTER_MS, with room for the network. */
const SEND_TOLERANCE_MS = 20;
/** A send that was late for its slot takes one at least this far ahead (twice its lateness). */
const LATE_SLOT_LEAD_MS = 100;


/** The offset to the database's clock is measured again this often. */
const CLOCK_SYNC_MS = 10_000;

/** Writing an outcome is retried this long at most before the lease ends (then it is left to the lease). */
const RECORD_RETRY_MARGIN_MS = 500;

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
  const concurrency = options.concurrency ?? 200;
  // One keep-alive socket per message in flight: fewer would queue sends behind each other.
  const kaleyra =
    options.kaleyra ??
    createKaleyraClient({ baseUrlOverride: env.KALEYRA_BASE_URL, logger: log, connections: concurrency });
  const encryptionKey = options.encryptionKey ?? env.ENCRYPTION_KEY;
  const ratePerSecond = options.ratePerSecond ?? env.SEND_RATE_PER_SECOND;
  const spacingMs = options.recipientSpacingMs ?? RECIPIENT_SPACING_MS;
  const idlePollMs = options.idlePollMs ?? 5000;
  const clock = databaseClock(db, options.now ?? (() => new Date()));
  const now = clock.now;
  let clockSyncedAt: number | undefined;
  const fetchOrder = options.fetchOrder ?? adminApiOrderFetcher();
  const leaseMs = options.leaseMs ?? env.WORKER_LEASE_MS;
  const sendDeadlineMs = kaleyra.timeoutMs ?? KALEYRA_DEADLINE_MS;
  const minClaim = Math.max(1, Math.floor(concurrency / 8));

  let stopping = false;
  const inFlight = new Set<Promise<void>>();
  const idleWaiters: Array<() => void> = [];
  const shopCache = new Map<string, { row: ShopRow | undefined; at: number }>();
  let lastHousekeeping = 0;
  let lastWebhookPrune: number | undefined;

  async function shopFor(domain: string): Promise<ShopRow | undefined> {
    const cached = shopCache.get(domain);
    if (cached && Date.now() - cached.at < SHOP_CACHE_MS) return cached.row;
    const row = await findShop(db, domain);
    shopCache.set(domain, { row, at: Date.now() });
    return row;
  }

  /** Measures the database clock's offset when due (first, before anything is decided). */
  async function syncClock(): Promise<void> {
    if (clockSyncedAt !== undefined && performance.now() - clockSyncedAt < CLOCK_SYNC_MS) return;
    await clock.sync();
    clockSyncedAt = performance.now();
    if (Math.abs(clock.offsetMs()) > 1000) log.warn({ offsetMs: clock.offsetMs() }, "this process's clock differs from the database's; using the database's");
  }

  async function housekeeping(at: Date): Promise<void> {
    if (at.getTime() - lastHousekeeping < idlePollMs) return;
    lastHousekeeping = at.getTime();
    for (const domain of await shopsDueToResume(db, at)) {
      const requeued = await db.transaction((tx) => resumeShop(tx, domain, at));
      shopCache.delete(domain);
      log.info({ shop: domain, requeued }, "timed pause over; sending resumes");
    }
    await resumeShopsWithReadableKeys(at);
    await pruneRateWindows(db, at.getTime());
    if (lastWebhookPrune === undefined || at.getTime() - lastWebhookPrune >= WEBHOOK_PRUNE_EVERY_MS) {
      lastWebhookPrune = at.getTime();
      const pruned = await pruneWebhookRecords(db, at);
      if (pruned.events + pruned.bodies > 0) log.info(pruned, "pruned webhook records past their retention");
    }
  }

  /** A shop paused because no configured key read its API key resumes once one does. */
  async function resumeShopsWithReadableKeys(at: Date): Promise<void> {
    for (const shop of await shopsPausedForUnreadableKey(db)) {
      if (!shop.apiKeyCipher || isKeyUnreadable(shop.apiKeyCipher, encryptionKey)) continue;
      const requeued = await db.transaction(async (tx) => {
        // Only if it is still that pause (the merchant may have changed the settings meanwhile).
        const still = await stillPausedFor(tx, shop.domain, KEY_UNREADABLE_DETAIL, shop.apiKeyCipher);
        return still ? resumeShop(tx, shop.domain, at) : 0;
      });
      shopCache.delete(shop.domain);
      log.info({ shop: shop.domain, requeued }, "stored API key readable again; sending resumes");
    }
  }

  /**
   * Writes a send's outcome. Kaleyra has the message by now, so a failed write (the database
   * restarting, SQLite locked) is retried until just before the lease ends: giving up would
   * leave the message 'sending' and another pass would send it a second time.
   */
  async function record(message: ClaimedMessage, result: SendResult, leaseUntil: number) {
    for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
      try {
        return await recordSendResult(db, message, id, result, now(), options.retryDelay);
      } catch (error) {
        if (now().getTime() + delay > leaseUntil - RECORD_RETRY_MARGIN_MS) throw error;
        log.warn({ err: error, messageId: message.id }, "could not record a send; retrying");
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /** A claimed message that passed its checks: what it is sent with, and when it may go. */
  interface Ready {
    message: ClaimedMessage;
    creds: KaleyraCredentialsInput;
    content: OrderStatusMessageInput;
    /** The shopper's turn, reserved for this message until then. */
    paceUntil?: Date;
    /** When it may leave (ms), within its business number's rate limit. */
    slotAt?: number;
  }

  /** Checks one claimed message; ends it (skipped, paused, failed) when it cannot be sent. */
  async function check(message: ClaimedMessage, started: Date): Promise<Ready | undefined> {
    const shop = await shopFor(message.shopDomain);
    if (!shop || !shop.installed || !shop.enabled) {
      await finishUnsent(db, message.id, id, "skipped", "sending is switched off for this shop", started);
      return undefined;
    }
    if (shop.pausedReason) {
      // The cached row may be a moment old: park the message only if the shop is still paused
      // (a resume may have just requeued it); otherwise it goes back to the queue.
      if (!(await parkWhilePaused(db, message.id, id, message.shopDomain, started))) shopCache.delete(message.shopDomain);
      return undefined;
    }
    if (!message.recipient || !message.bodyText || !message.referenceId || !isOrderStatus(message.status)) {
      await finishUnsent(db, message.id, id, "failed", "message is incomplete", started);
      return undefined;
    }
    let apiKey: string;
    try {
      if (!shop.kaleyraSid || !shop.apiKeyCipher || !shop.businessNumber) throw new Error("not configured");
      apiKey = decryptSecret(shop.apiKeyCipher, encryptionKey);
    } catch (error) {
      const detail =
        error instanceof SecretDecryptionError
          ? KEY_UNREADABLE_DETAIL
          : "Kaleyra SID, API key or WhatsApp business number is missing in Settings";
      await db.transaction(async (tx) => {
        await pauseShop(tx, message.shopDomain, { reason: "config_error", code: null, detail }, started);
      });
      await finishUnsent(db, message.id, id, "paused", detail, started);
      shopCache.delete(message.shopDomain);
      return undefined;
    }
    return {
      message,
      creds: { sid: shop.kaleyraSid, apiKey, businessNumber: shop.businessNumber, pod: shop.pod },
      content: {
        to: message.recipient,
        bodyText: message.bodyText,
        referenceId: message.referenceId,
        status: message.status,
        description: message.description,
        ref: message.orderId,
        ref1: message.status,
        ref2: message.shopDomain,
      },
    };
  }

  /**
   * Checks a claimed batch and reserves, for all of it at once, each business number's rate
   * slots (one statement per number) and then each shopper's turn (one statement): per message
   * that was two statements. A shopper's turn runs from the message's slot, when it really
   * leaves, so two messages to one shopper leave at least the spacing apart. Messages that
   * cannot go now are given back with when they may. Returns the messages to send, by id.
   */
  async function plan(batch: ClaimedMessage[]): Promise<Map<string, Ready>> {
    const started = now();
    const byNumber = new Map<string, Ready[]>();
    for (const message of batch) {
      const ready = await check(message, started);
      if (!ready) continue;
      const group = byNumber.get(ready.creds.businessNumber) ?? [];
      group.push(ready);
      byNumber.set(ready.creds.businessNumber, group);
    }
    const slotted: Ready[] = [];
    const demands = new Map([...byNumber].map(([number, group]) => [number, group.length]));
    const reservingAt = performance.now();
    const slots = await reserveRateSlotsFor(db, demands, slotsPerSecond(ratePerSecond), now().getTime() + slotLead());
    for (const [number, group] of byNumber) {
      const times = slots.get(number) ?? [];
      for (const [index, ready] of group.entries()) {
        const slotAt = times[index];
        if (slotAt === undefined) {
          await releaseMessage(db, ready.message.id, id, new Date(started.getTime() + 1000), started);
          continue;
        }
        ready.slotAt = slotAt;
        ready.paceUntil = new Date(slotAt + spacingMs);
        slotted.push(ready);
      }
    }
    const busy = await reserveRecipients(
      db,
      slotted.map((ready) => ({ ...shopperOf(ready), until: ready.paceUntil ?? started })),
      started,
    );
    const planned = new Map<string, Ready>();
    const taken = new Map<string, Date>();
    for (const ready of slotted) {
      const key = shopperKey(shopperOf(ready));
      // Busy, or a second message to the same shopper in this batch: it waits for the turn
      // (its rate slot stays unused).
      const until = busy.get(key) ?? taken.get(key);
      if (until) {
        ready.paceUntil = undefined;
        await releaseMessage(db, ready.message.id, id, until, started);
        continue;
      }
      taken.set(key, ready.paceUntil ?? started);
      planned.set(ready.message.id, ready);
    }
    noteReservationDelay(performance.now() - reservingAt);
    return planned;
  }

  // How long reserving took lately (slots, then shoppers): slots are taken at least twice
  // that far ahead, so that a busy database does not make every message late for its slot.
  let reservationDelayMs = 0;
  function noteReservationDelay(ms: number): void {
    reservationDelayMs = reservationDelayMs * 0.8 + ms * 0.2;
  }
  function slotLead(): number {
    return Math.min(2000, Math.max(SLOT_LEAD_MS, Math.ceil(2 * reservationDelayMs)));
  }

  function shopperOf(ready: Ready): Shopper {
    return { shop: ready.message.shopDomain, recipient: ready.content.to };
  }

  /** Returns a message unsent, with its shopper's turn, to be claimed again from `notBefore`. */
  async function giveBack(ready: Ready, notBefore: Date): Promise<void> {
    const at = now();
    if (ready.paceUntil) await moveRecipientTurn(db, shopperOf(ready), ready.paceUntil, at);
    await releaseMessage(db, ready.message.id, id, notBefore, at);
  }

  /**
   * Waits for the message's slot. A send that trails its slot by more than SEND_TOLERANCE_MS
   * (this process was busy) takes a later slot instead, as sending it now could crowd the next
   * second's slots. False when no slot could be had.
   */
  async function awaitSlot(ready: Ready): Promise<boolean> {
    let slotAt = ready.slotAt ?? clock.nowMs();
    for (let tries = 0; ; tries += 1) {
      const wait = slotAt - clock.nowMs();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const late = clock.nowMs() - slotAt;
      if (late <= SEND_TOLERANCE_MS) return true;
      if (tries >= 5) return false;
      // Far enough ahead that the process, as busy as it just was, is there in time.
      const lead = Math.min(2000, Math.max(LATE_SLOT_LEAD_MS, 2 * late));
      const [next] = await reserveRateSlots(db, ready.creds.businessNumber, slotsPerSecond(ratePerSecond), clock.nowMs() + lead, 1);
      if (next === undefined) return false;
      // The shopper's turn runs from the new slot.
      const until = new Date(next + spacingMs);
      if (ready.paceUntil) await moveRecipientTurn(db, shopperOf(ready), ready.paceUntil, until);
      ready.paceUntil = until;
      slotAt = next;
    }
  }

  async function deliver(message: ClaimedMessage, leaseUntil: number, planned: Promise<Map<string, Ready>>): Promise<void> {
    const ready = (await planned).get(message.id);
    if (!ready) return;
    if (!(await awaitSlot(ready))) {
      await giveBack(ready, new Date(clock.nowMs() + 1000));
      return;
    }
    // The send may take Kaleyra's whole deadline and its outcome must be written inside the
    // lease; with less of it left (a busy process, a long wait for the slot), another pass
    // could take the message over while it is in flight. Unsent, it can go back safely.
    if (clock.nowMs() + sendDeadlineMs + RECORD_RETRY_MARGIN_MS > leaseUntil) {
      log.info({ messageId: message.id }, "too little of the lease left to send; given back");
      await giveBack(ready, new Date(clock.nowMs()));
      return;
    }
    const result = await kaleyra.sendOrderStatus(ready.creds, ready.content);
    const recorded = await record(message, result, leaseUntil);
    if (recorded.state === "paused") shopCache.delete(message.shopDomain);
    if (!recorded.owned) log.warn({ messageId: message.id }, "lease lost before the outcome was recorded");
  }

  function track(message: ClaimedMessage, leaseUntil: number, planned: Promise<Map<string, Ready>>): void {
    const task = deliver(message, leaseUntil, planned)
      .catch((error: unknown) => {
        // The lease runs out and another pass picks the message up again.
        log.error({ err: error, messageId: message.id }, "delivery failed unexpectedly");
      })
      .finally(() => {
        inFlight.delete(task);
        const waiting = completion;
        completion = undefined;
        waiting?.resolve();
      });
    inFlight.add(task);
  }

  // One promise that the next finished delivery resolves. (Promise.race over every delivery
  // in flight, on every pass, attached a handler to each of them each time.)
  let completion: { promise: Promise<void>; resolve: () => void } | undefined;
  function nextCompletion(): Promise<void> {
    if (!completion) {
      let resolve = () => {};
      const promise = new Promise<void>((done) => (resolve = done));
      completion = { promise, resolve };
    }
    return completion.promise;
  }

  // One pending wait for a wake-up at a time, armed from the start of every pass: a wake-up
  // that comes while the pass is busy (the message was not committed yet when it claimed) is
  // noted in `woken` instead of lost, which left the message to the idle poll.
  let pendingWake: Promise<void> | undefined;
  let woken = false;
  function wakeOrPoll(): Promise<void> {
    pendingWake ??= waitForWake(idlePollMs).finally(() => {
      woken = true;
      pendingWake = undefined;
    });
    return pendingWake;
  }

  /** Sleeps up to `ms`, or not at all when woken since the pass began. */
  async function sleepUnlessWoken(ms: number): Promise<void> {
    if (woken) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([wakeOrPoll(), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }

  function notifyIdle(): void {
    while (idleWaiters.length) idleWaiters.shift()?.();
  }

  async function loop(): Promise<void> {
    while (!stopping) {
      try {
        woken = false;
        void wakeOrPoll();
        await syncClock();
        const at = now();
        await housekeeping(at);
        const free = concurrency - inFlight.size;
        // Under a backlog, claim in batches rather than one message per finished delivery.
        if (free < minClaim && inFlight.size > 0) {
          await nextCompletion();
          continue;
        }
        const leaseUntil = at.getTime() + leaseMs;
        const claimed = await claimDueMessages(db, id, Math.min(free, 100), at, new Date(leaseUntil));
        const planned = plan(claimed);
        // Every message of the batch fails (and waits for its lease) if planning fails.
        planned.catch(() => undefined);
        for (const message of claimed) track(message, leaseUntil, planned);
        if (claimed.length > 0) continue;
        const lookups = await runDueOrderLookups(db, fetchOrder, now(), log);
        if (lookups.enqueued > 0) continue;
        if (inFlight.size > 0) {
          if (!woken) await Promise.race([nextCompletion(), wakeOrPoll()]);
          continue;
        }
        const due = await nextDueAt(db);
        const sleepMs = due ? Math.min(idlePollMs, Math.max(0, due.getTime() - now().getTime())) : idlePollMs;
        if (woken) continue;
        if (!due || sleepMs > 0) notifyIdle();
        await sleepUnlessWoken(sleepMs);
      } catch (error) {
        log.error({ err: error }, "worker pass failed; retrying shortly");
        await waitForWake(1000);
      }
    }
  }

  const running = loop();
  let stopped: Promise<void> | undefined;
  log.info({ concurrency, ratePerSecond, leaseMs }, "delivery worker started");

  return {
    id,
    stop() {
      // Idempotent: the server's shutdown and a test's cleanup may both ask.
      stopped ??= (async () => {
        stopping = true;
        // Wake the loop if it is sleeping so that it sees `stopping`.
        wakeDeliveryWorkers();
        await running;
        await Promise.allSettled(inFlight);
        if (ownsClient) await kaleyra.close();
        notifyIdle();
        log.info("delivery worker stopped");
      })();
      return stopped;
    },
    idle() {
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
