import { EventEmitter } from "node:events";

declare global {
  // One signal per process, shared by the server entry and the Remix build.
  var __outboxSignal: EventEmitter | undefined;
}

const signal: EventEmitter = (globalThis.__outboxSignal ??= new EventEmitter().setMaxListeners(100));

/** What a wake-up is about: a message queued (the delivery workers) or a delivery kept (the inbox processors). */
export type WakeKind = "outbox" | "inbox";

const EVENT: Record<WakeKind, string> = { outbox: "wake", inbox: "inbox" };

/** Tells this process's delivery workers that a message was queued: no polling delay. */
export function wakeDeliveryWorkers(): void {
  signal.emit(EVENT.outbox);
}

/** Tells this process's inbox processors that a delivery was kept. */
export function wakeInboxProcessors(): void {
  signal.emit(EVENT.inbox);
}

/** Resolves on the next wake-up of that kind or after `ms`, whichever comes first. */
export function waitForWake(ms: number, kind: WakeKind = "outbox"): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.off(EVENT[kind], done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal.on(EVENT[kind], done);
  });
}

declare global {
  // Webhook requests being acknowledged in this process (server entry and Remix build share it).
  var __acknowledging: { count: number } | undefined;
}

const acknowledging = (globalThis.__acknowledging ??= { count: 0 });

/**
 * Runs a webhook's acknowledgement, counted: background work in this process (the inbox
 * processor) gives way while many are running, so that a burst is answered within Shopify's
 * 5 s before it is decided.
 */
export async function acknowledge<T>(work: () => Promise<T>): Promise<T> {
  acknowledging.count += 1;
  try {
    return await work();
  } finally {
    acknowledging.count -= 1;
    signal.emit("acknowledged");
  }
}

/**
 * Resolves once fewer than `limit` acknowledgements run in this process, or after `maxMs`
 * (background work slows under a burst, never stops).
 */
export function fewerAcknowledgementsThan(limit: number, maxMs: number): Promise<void> {
  if (acknowledging.count < limit) return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => {
      if (acknowledging.count >= limit) return;
      clearTimeout(timer);
      signal.off("acknowledged", check);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.off("acknowledged", check);
      resolve();
    }, maxMs);
    signal.on("acknowledged", check);
  });
}
