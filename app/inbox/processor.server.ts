import { databaseClock, type DatabaseClock } from "../db/clock.server";
import {
  attemptsOf,
  dueLaneHeads,
  finishEvent,
  laneHead,
  lockLane,
  nextRetryAt,
  tryLockLane,
  recordFailedAttempt,
  type InboxEvent,
  type LaneHead,
} from "../db/repositories/webhook-events.server";
import { sql } from "../db/sql-instance.server";
import type { SqlDatabase, SqlExecutor } from "../db/sql.server";
import { logger as rootLogger, type Logger } from "../logger.server";
import { announceQueuedMessages } from "../outbox/notify.server";
import { fewerAcknowledgementsThan, waitForWake, wakeInboxProcessors } from "../outbox/wake.server";
import { handleTopic } from "../webhooks/handle.server";
import { isComplianceTopic, normaliseTopic } from "../webhooks/topics";
import type { TopicResult, WebhookDelivery } from "../webhooks/types";
import { afterFailure, DEFAULT_RETRY, describeError, type RetrySchedule } from "./retry";

export interface InboxProcessorOptions {
  db?: SqlDatabase;
  logger?: Logger;
  /** Lanes processed at once. */
  concurrency?: number;
  /** Longest sleep when idle: a lost wake-up or a due retry is picked up on this beat. */
  idlePollMs?: number;
  retry?: RetrySchedule;
  /** This process's clock (tests skew it); decisions are taken in the database's time. */
  now?: () => Date;
  /** The decision (tests put a failing one in front of it). */
  handle?: typeof handleTopic;
}

export interface InboxProcessor {
  /** Finishes the deliveries in hand, takes no more. */
  stop(): Promise<void>;
  /** Resolves once no delivery is due and none is in hand. */
  idle(): Promise<void>;
}

/** Deliveries one pass takes, per lane processed at once. */
const HEADS_PER_LANE = 4;
/**
 * Lanes processed at once. SQLite: transactions queue for its one connection and commit
 * together, so 8 keep its group commit full. PostgreSQL: each lane holds one of the pool's 10
 * connections for its whole batch; 4 lanes (of up to 4 heads each) keep up with 100
 * webhooks/s and leave the rest to the acknowledgements and the delivery worker, which
 * otherwise waited for a connection for seconds.
 */
const LANES: Record<SqlDatabase["provider"], number> = { postgresql: 4, sqlite: 8 };

/**
 * Most lane heads decided in one transaction. SQLite already commits the transactions that
 * wait for its one writer together, so there a batch would only hold the acknowledgements off.
 */
const MAX_BATCH: Record<SqlDatabase["provider"], number> = { postgresql: HEADS_PER_LANE, sqlite: 1 };
const CLOCK_SYNC_MS = 10_000;

/** What processing a lane's head did: decided it, or found it taken (by another process) or not yet due. */
type Processed = { event: InboxEvent; result: TopicResult } | undefined;

interface PassParts {
  db: SqlDatabase;
  log: Logger;
  concurrency: number;
  retry: RetrySchedule;
  handle: typeof handleTopic;
  clock: DatabaseClock;
}

/** What a pass found due, and how many of those it decided (the others were another process's). */
interface PassResult {
  found: number;
  taken: number;
}

/**
 * A burst: this many webhook acknowledgements at once in this process (steady traffic of a
 * few hundred a second keeps far fewer in flight). Each delivery then waits up to
 * YIELD_TO_ACKS_MS for them before it is decided anyway: the answers come first, yet the
 * inbox never stops.
 */
const BURST_ACKS = 16;
const YIELD_TO_ACKS_MS = 100;

/** While other processes hold every lane a pass found, it looks again this soon. */
const BUSY_LANES_WAIT_MS = 20;

/**
 * One pass over the inbox: the due lane heads, `concurrency` lanes at a time, each decided in
 * one transaction with everything it causes.
 */
function inboxPass({ db, log, concurrency, retry, handle, clock }: PassParts): () => Promise<PassResult> {
  /** Decides the lane's head inside `tx` if it still is the head, due, and this transaction's to take. */
  async function decideHead(tx: SqlExecutor, head: LaneHead, at: Date): Promise<Processed> {
    // Another process deciding this order's delivery right now: leave the lane to it.
    if (!(await tryLockLane(tx, head.shopDomain, head.lane))) return undefined;
    // Read again under the lock (a statement of its own, so that it sees what committed
    // before the lock was granted): another processor may have moved the lane on meanwhile.
    const event = await laneHead(tx, head.shopDomain, head.lane);
    if (!event || event.id !== head.id || (event.nextAttemptAt && event.nextAttemptAt > at)) return undefined;
    const result: TopicResult =
      event.body === null
        ? { outcome: "ignored", reason: "its body was dropped before it was processed", enqueued: 0 }
        : await handle(tx, deliveryOf(event, event.body), at);
    // shop/redact erased the shop's deliveries, this one included.
    if (!result.unrecorded) {
      await finishEvent(tx, event.id, {
        outcome: result.outcome,
        reason: result.reason ?? null,
        orderId: result.orderId ?? null,
        processedAt: at,
        // Compliance bodies are acted on at once and hold nothing an order needs later; nor
        // does a status callback once applied (its body holds the shopper's number).
        dropBody: isComplianceTopic(normaliseTopic(event.topic)) || (event.source === "kaleyra" && result.outcome === "processed"),
      });
    }
    return { event, result };
  }

  /**
   * The heads of several lanes (distinct orders) in one transaction: under a backlog the
   * durable commit, the part of a decision that waits longest, is shared by all of them.
   */
  async function decideHeads(heads: readonly LaneHead[]): Promise<Array<NonNullable<Processed>>> {
    const at = clock.now();
    return db.transaction(async (tx) => {
      const decided: Array<NonNullable<Processed>> = [];
      for (const head of heads) {
        const processed = await decideHead(tx, head, at);
        if (processed) decided.push(processed);
      }
      return decided;
    }, { durable: true });
  }

  async function recordFailure(head: LaneHead, error: unknown): Promise<void> {
    const at = clock.now();
    const reason = describeError(error);
    const attempts = await db.transaction(async (tx) => {
      await lockLane(tx, head.shopDomain, head.lane);
      const before = await attemptsOf(tx, head.id);
      if (before === undefined) return undefined;
      const next = afterFailure(before + 1, at, retry);
      await recordFailedAttempt(tx, head.id, {
        attempts: before + 1,
        reason,
        retryAt: next.kind === "retry" ? next.at : undefined,
        at,
      });
      return { made: before + 1, failed: next.kind === "failed" };
    });
    if (!attempts) return;
    const details = { shop: head.shopDomain, lane: head.lane, deliveryId: head.id, attempts: attempts.made, error: reason };
    if (attempts.failed) log.error(details, "inbox delivery failed for good; fix the cause, then `npm run inbox:replay -- --failed`");
    else log.warn(details, "inbox delivery could not be processed; retrying");
  }

  /**
   * Decides the heads that still are heads; returns how many it decided. A batch that throws
   * is undone whole and its heads are taken one by one, so that only the delivery at fault
   * records the failure and waits for its retry.
   */
  async function take(heads: readonly LaneHead[]): Promise<number> {
    // Under a burst, the webhooks being answered in this process go first.
    await fewerAcknowledgementsThan(BURST_ACKS, YIELD_TO_ACKS_MS);
    let decided: Array<NonNullable<Processed>>;
    try {
      decided = await decideHeads(heads);
    } catch (error) {
      if (heads.length > 1) {
        let taken = 0;
        for (const head of heads) taken += await take([head]);
        return taken;
      }
      await recordFailure(heads[0]!, error).catch((failure: unknown) => {
        // The database is away: the delivery still waits and the next pass tries it again.
        log.warn({ err: failure, deliveryId: heads[0]!.id }, "could not record an inbox failure");
      });
      return 1;
    }
    if (decided.some(({ result }) => result.enqueued > 0)) announceQueuedMessages(db, log);
    for (const { event, result } of decided) {
      log.debug(
        { shop: event.shopDomain, topic: event.topic, deliveryId: event.id, outcome: result.outcome, enqueued: result.enqueued },
        "inbox delivery processed",
      );
    }
    return decided.length;
  }

  return async () => {
    // Shuffled: processors of several processes then rarely reach for the same lanes first.
    const heads = shuffle(await dueLaneHeads(db, clock.now(), concurrency * HEADS_PER_LANE));
    // Spread over the lanes at once; a backlog makes batches, light traffic single heads.
    const size = Math.min(MAX_BATCH[db.provider], Math.ceil(heads.length / concurrency));
    let next = 0;
    let taken = 0;
    const lanes = Array.from({ length: Math.min(concurrency, heads.length) }, async () => {
      while (next < heads.length) {
        const batch = heads.slice(next, next + size);
        next += batch.length;
        taken += await take(batch);
      }
    });
    await Promise.all(lanes);
    return { found: heads.length, taken };
  };
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

function partsOf(options: InboxProcessorOptions): PassParts {
  const db = options.db ?? sql();
  return {
    db,
    log: (options.logger ?? rootLogger).child({ module: "inbox" }),
    concurrency: options.concurrency ?? LANES[db.provider],
    retry: options.retry ?? DEFAULT_RETRY,
    handle: options.handle ?? handleTopic,
    clock: databaseClock(db, options.now ?? (() => new Date())),
  };
}

/**
 * Decides every delivery that is due now, lane after lane, and returns once none is left (a
 * retry waiting for its time is left). For commands and tests that run without a processor.
 */
export async function drainInbox(options: InboxProcessorOptions = {}): Promise<void> {
  const parts = partsOf(options);
  await parts.clock.sync();
  const pass = inboxPass(parts);
  for (;;) {
    const { found, taken } = await pass();
    if (found === 0) return;
    if (taken === 0) await new Promise((resolve) => setTimeout(resolve, BUSY_LANES_WAIT_MS));
  }
}

/**
 * Takes the inbox's deliveries and decides them: per lane (an order), the oldest waiting one,
 * in one transaction with everything it causes, then the next. Runs wherever the delivery
 * worker runs (the worker process, and the web process when RUN_WORKER=true); any number of
 * processors share one database, the lane lock keeping them off each other's orders.
 */
export function startInboxProcessor(options: InboxProcessorOptions = {}): InboxProcessor {
  const parts = partsOf(options);
  const { db, log, clock, concurrency } = parts;
  const idlePollMs = options.idlePollMs ?? 5000;
  const pass = inboxPass(parts);
  let syncedAt: number | undefined;
  let stopping = false;
  const idleWaiters: Array<() => void> = [];

  async function syncClock(): Promise<void> {
    if (syncedAt !== undefined && performance.now() - syncedAt < CLOCK_SYNC_MS) return;
    await clock.sync();
    syncedAt = performance.now();
  }

  // A wake-up that comes while a pass is busy is remembered, not lost.
  let woken = false;
  let pendingWake: Promise<void> | undefined;
  function armWake(): Promise<void> {
    pendingWake ??= waitForWake(idlePollMs, "inbox").finally(() => {
      woken = true;
      pendingWake = undefined;
    });
    return pendingWake;
  }

  async function sleep(ms: number): Promise<void> {
    if (woken || stopping) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([armWake(), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }

  async function run(): Promise<void> {
    while (!stopping) {
      woken = false;
      void armWake();
      try {
        await syncClock();
        const { found, taken } = await pass();
        if (taken > 0) continue;
        if (found > 0) {
          await sleep(BUSY_LANES_WAIT_MS);
          continue;
        }
        const retryAt = await nextRetryAt(db);
        const waitMs = retryAt ? Math.min(idlePollMs, Math.max(0, retryAt.getTime() - clock.nowMs())) : idlePollMs;
        if (woken) continue;
        if (!retryAt || waitMs > 0) while (idleWaiters.length) idleWaiters.shift()?.();
        await sleep(waitMs);
      } catch (error) {
        log.error({ err: error }, "inbox pass failed; retrying shortly");
        await sleep(1000);
      }
    }
  }

  const running = run();
  let stopped: Promise<void> | undefined;
  log.info({ concurrency }, "inbox processor started");
  return {
    stop() {
      stopped ??= (async () => {
        stopping = true;
        wakeInboxProcessors();
        await running;
        while (idleWaiters.length) idleWaiters.shift()?.();
        log.info("inbox processor stopped");
      })();
      return stopped;
    },
    idle: () => new Promise((resolve) => idleWaiters.push(resolve)),
  };
}

/** A delivery as the topic handlers take it, from its inbox row. */
function deliveryOf(event: InboxEvent, rawBody: string): WebhookDelivery {
  return {
    shop: event.shopDomain,
    rawTopic: event.topic,
    topic: normaliseTopic(event.topic),
    webhookId: event.webhookId,
    eventId: event.eventKey.startsWith("event:") ? event.eventKey.slice("event:".length) : undefined,
    triggeredAt: event.triggeredAt ?? undefined,
    rawBody,
    lane: event.lane,
    source: event.source === "kaleyra" ? "kaleyra" : "shopify",
    receivedAt: event.receivedAt,
  };
}
