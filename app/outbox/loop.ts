/**
 * The worker's loop: each pass claims as many due messages as there is room in flight for,
 * hands them to `deliver`, and when nothing is due sleeps until the next message may become
 * due, the idle poll, or a wake-up (a message was queued), whichever comes first.
 */
import type { Logger } from "../logger.server";
import type { ClaimedMessage } from "./claim.server";

export interface LoopPorts {
  /** The database's time. */
  now(): Date;
  /** Measures the database clock's offset when due: first, before anything is decided. */
  syncClock(): Promise<void>;
  /** Lifts timed pauses, prunes old records... (each on its own beat). */
  housekeeping(at: Date): Promise<void>;
  claim(limit: number, at: Date, leaseUntil: Date): Promise<ClaimedMessage[]>;
  /** Starts delivering a claimed batch: one task per message. */
  deliver(batch: ClaimedMessage[], leaseUntil: number): Array<Promise<void>>;
  /** When the earliest message could become due, if any is waiting. */
  nextDueAt(): Promise<Date | undefined>;
  /** Resolves on the next wake-up or after `ms`. */
  waitForWake(ms: number): Promise<void>;
  /** Wakes every loop of this process (to see that it is stopping). */
  wakeAll(): void;
  log: Pick<Logger, "error">;
}

export interface LoopOptions {
  /** Messages in flight at once. */
  concurrency: number;
  leaseMs: number;
  /** Longest sleep when idle. */
  idlePollMs: number;
}

export interface Loop {
  readonly inFlight: number;
  /** Finishes the deliveries in flight, claims nothing more. */
  stop(): Promise<void>;
  /** Resolves once nothing is due and nothing is in flight. */
  idle(): Promise<void>;
}

/** The most messages one claim takes. */
const CLAIM_LIMIT = 100;
/** After a failed pass the loop waits this long (or for a wake-up) before the next. */
const FAILED_PASS_WAIT_MS = 1000;

export function startLoop(ports: LoopPorts, options: LoopOptions): Loop {
  const { concurrency, leaseMs, idlePollMs } = options;
  // Under a backlog, claim in batches rather than one message per finished delivery.
  const minClaim = Math.max(1, Math.floor(concurrency / 8));
  const inFlight = new Set<Promise<void>>();
  const idleWaiters: Array<() => void> = [];
  let stopping = false;

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

  function track(task: Promise<void>, messageId: string): void {
    const tracked = task
      .catch((error: unknown) => {
        // The lease runs out and another pass picks the message up again.
        ports.log.error({ err: error, messageId }, "delivery failed unexpectedly");
      })
      .finally(() => {
        inFlight.delete(tracked);
        const waiting = completion;
        completion = undefined;
        waiting?.resolve();
      });
    inFlight.add(tracked);
  }

  // One pending wait for a wake-up at a time, armed from the start of every pass: a wake-up
  // that comes while the pass is busy (the message was not committed yet when it claimed) is
  // noted in `woken` instead of lost, which left the message to the idle poll.
  let pendingWake: Promise<void> | undefined;
  let woken = false;
  function wakeOrPoll(): Promise<void> {
    pendingWake ??= ports.waitForWake(idlePollMs).finally(() => {
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

  async function pass(): Promise<void> {
    woken = false;
    void wakeOrPoll();
    await ports.syncClock();
    const at = ports.now();
    await ports.housekeeping(at);
    const free = concurrency - inFlight.size;
    if (free < minClaim && inFlight.size > 0) {
      await nextCompletion();
      return;
    }
    const leaseUntil = at.getTime() + leaseMs;
    const claimed = await ports.claim(Math.min(free, CLAIM_LIMIT), at, new Date(leaseUntil));
    const tasks = ports.deliver(claimed, leaseUntil);
    claimed.forEach((message, index) => track(tasks[index] ?? Promise.resolve(), message.id));
    if (claimed.length > 0) return;
    if (inFlight.size > 0) {
      if (!woken) await Promise.race([nextCompletion(), wakeOrPoll()]);
      return;
    }
    const due = await ports.nextDueAt();
    const sleepMs = due ? Math.min(idlePollMs, Math.max(0, due.getTime() - ports.now().getTime())) : idlePollMs;
    if (woken) return;
    if (!due || sleepMs > 0) notifyIdle();
    await sleepUnlessWoken(sleepMs);
  }

  async function run(): Promise<void> {
    while (!stopping) {
      try {
        await pass();
      } catch (error) {
        ports.log.error({ err: error }, "worker pass failed; retrying shortly");
        await ports.waitForWake(FAILED_PASS_WAIT_MS);
      }
    }
  }

  const running = run();
  let stopped: Promise<void> | undefined;

  return {
    get inFlight() {
      return inFlight.size;
    },
    stop() {
      // Idempotent: the server's shutdown and a test's cleanup may both ask.
      stopped ??= (async () => {
        stopping = true;
        // Wake the loop if it is sleeping so that it sees `stopping`.
        ports.wakeAll();
        await running;
        await Promise.allSettled(inFlight);
        notifyIdle();
      })();
      return stopped;
    },
    idle() {
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
