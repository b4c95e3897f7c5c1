import { EventEmitter } from "node:events";

declare global {
  // One signal per process, shared by the server entry and the Remix build.
  var __outboxSignal: EventEmitter | undefined;
}

const signal: EventEmitter = (globalThis.__outboxSignal ??= new EventEmitter().setMaxListeners(100));

/** Tells this process's delivery workers that a message was queued: no polling delay. */
export function wakeDeliveryWorkers(): void {
  signal.emit("wake");
}

/** Resolves on the next wake-up or after `ms`, whichever comes first. */
export function waitForWake(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.off("wake", done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal.on("wake", done);
  });
}
