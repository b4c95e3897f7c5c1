import type { Logger } from "../logger.server";

export interface OrderLookupTimer {
  /** Lets a lookup under way finish and runs no more. */
  stop(): Promise<void>;
}

export interface OrderLookupTimerOptions {
  /** Reads the orders due for a lookup and queues what they decide (runDueOrderLookups). */
  run(): Promise<{ enqueued: number }>;
  /** How long to wait between runs that found nothing to queue. */
  intervalMs: number;
  /** Messages were queued: wake the workers. */
  onEnqueued(): void;
  log: Pick<Logger, "error">;
  /** What the timer runs, for its log ("order lookups" by default). */
  name?: string;
}

/** After a failed run, the next one comes this soon (or at the interval, if that is sooner). */
const FAILED_RUN_WAIT_MS = 1000;

/**
 * Order lookups on their own timer, beside the worker's loop (the Flow triggers have one of
 * these too): a backlog of messages no longer
 * holds them back, and the loop no longer waits on the Admin API. A run that queued messages
 * is followed by another at once (more may be due); otherwise the next one waits the interval.
 */
export function startOrderLookupTimer(options: OrderLookupTimerOptions): OrderLookupTimer {
  let stopping = false;
  let wakeUp: (() => void) | undefined;

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });
  }

  async function run(): Promise<void> {
    while (!stopping) {
      let wait = options.intervalMs;
      try {
        const { enqueued } = await options.run();
        if (enqueued > 0) {
          options.onEnqueued();
          continue;
        }
      } catch (error) {
        options.log.error({ err: error }, `${options.name ?? "order lookups"} failed; retrying shortly`);
        wait = Math.min(wait, FAILED_RUN_WAIT_MS);
      }
      if (!stopping) await sleep(wait);
    }
  }

  const running = run();
  return {
    async stop() {
      stopping = true;
      wakeUp?.();
      await running;
    },
  };
}
