import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import type { ClaimedMessage } from "./claim.server";
import { startLoop, type Loop, type LoopPorts } from "./loop";

/** Generous: the loop reacts in milliseconds; this only bounds a broken one. */
const DEADLINE_MS = 10_000;
/** Longer than any test waits: a loop that needs the idle poll to see a message fails the test. */
const IDLE_POLL_MS = 60_000;

function message(id: string): ClaimedMessage {
  return {
    id,
    shopDomain: "loop-test.myshopify.com",
    orderId: id,
    orderName: `#${id}`,
    orderStatus: "processing",
    recipient: "+15025550147",
    referenceId: id,
    bodyText: "Your order is confirmed.",
    description: null,
    attempts: 0,
    form: "interactive",
    templateName: null,
    templateLanguage: null,
    templateParams: null,
  };
}

function until(condition: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (condition()) return resolve();
      if (Date.now() - started > DEADLINE_MS) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(check, 5);
    };
    check();
  });
}

/** An outbox in memory, a wake-up signal of its own, and deliveries the test finishes by hand. */
function rig(options: { concurrency?: number } = {}) {
  const queue: ClaimedMessage[] = [];
  const signal = new EventEmitter();
  const claims: Array<{ limit: number; leaseUntil: number; got: string[] }> = [];
  const delivering = new Map<string, () => void>();
  const delivered: string[] = [];
  let onClaim: (() => void) | undefined;
  const ports: LoopPorts = {
    now: () => new Date(),
    syncClock: async () => undefined,
    housekeeping: async () => undefined,
    async claim(limit, _at, leaseUntil) {
      onClaim?.();
      const got = queue.splice(0, limit);
      claims.push({ limit, leaseUntil: leaseUntil.getTime(), got: got.map((m) => m.id) });
      return got;
    },
    deliver: (batch) =>
      batch.map(
        (m) =>
          new Promise<void>((resolve) =>
            delivering.set(m.id, () => {
              delivering.delete(m.id);
              delivered.push(m.id);
              resolve();
            }),
          ),
      ),
    nextDueAt: async () => undefined,
    waitForWake: (ms) =>
      new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.off("wake", done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal.on("wake", done);
      }),
    wakeAll: () => signal.emit("wake"),
    log: { error: () => undefined },
  };
  const loop = startLoop(ports, { concurrency: options.concurrency ?? 16, leaseMs: 60_000, idlePollMs: IDLE_POLL_MS });
  loops.push(loop);
  return {
    loop,
    claims,
    delivering,
    delivered,
    queue: (...ids: string[]) => queue.push(...ids.map(message)),
    wake: () => signal.emit("wake"),
    onNextClaim: (hook: () => void) => (onClaim = () => ((onClaim = undefined), hook())),
  };
}

const loops: Loop[] = [];
/** Deliveries a test left in flight, finished before its loop is stopped. */
const rigsToFinish: Array<() => void> = [];
afterEach(async () => {
  for (const finish of rigsToFinish.splice(0)) finish();
  await Promise.all(loops.splice(0).map((loop) => loop.stop()));
});

describe("the worker loop", () => {
  it("GIVEN an idle loop WHEN a message is queued and the workers woken THEN it is claimed with a lease and delivered", async () => {
    const r = rig();
    await until(() => r.claims.length > 0, "the first pass");
    r.queue("a");
    r.wake();
    await until(() => r.delivering.has("a"), "the message to be delivered");
    const claim = r.claims.find((c) => c.got.includes("a"));
    expect(claim?.leaseUntil).toBeGreaterThan(Date.now() + 50_000);
    r.delivering.get("a")?.();
    await until(() => r.loop.inFlight === 0, "the delivery to finish");
    expect(r.delivered).toEqual(["a"]);
  });

  it("GIVEN a wake-up that comes while a pass is claiming (the message not yet committed) THEN the loop claims again instead of sleeping the idle poll", async () => {
    const r = rig();
    await until(() => r.claims.length > 0, "the first pass");
    // The wake-up arrives during the next claim, which does not see the message yet.
    r.onNextClaim(() => {
      setImmediate(() => {
        r.queue("late-commit");
        r.wake();
      });
    });
    r.wake();
    await until(() => r.delivering.has("late-commit"), "the message to be claimed without the idle poll");
    r.delivering.get("late-commit")?.();
  });

  it("GIVEN a backlog larger than the concurrency THEN no more are in flight than allowed, and claims wait for room in batches", async () => {
    const r = rig({ concurrency: 16 });
    r.queue(...Array.from({ length: 40 }, (_, i) => `m${i}`));
    r.wake();
    await until(() => r.delivering.size === 16, "the first 16 to be in flight");
    expect(r.loop.inFlight).toBe(16);
    // One finished delivery is less room than a batch (16 / 8 = 2): no claim for it alone.
    const claimsBefore = r.claims.length;
    r.delivering.get("m0")?.();
    await until(() => r.loop.inFlight === 15, "one delivery to finish");
    r.delivering.get("m1")?.();
    await until(() => r.delivering.size === 16, "two more to be claimed together");
    expect(r.claims.slice(claimsBefore).map((c) => c.got.length)).toEqual([2]);
    rigsToFinish.push(() => {
      for (const finish of [...r.delivering.values()]) finish();
    });
  });

  it("GIVEN deliveries in flight WHEN the loop stops THEN stop waits for them and nothing more is claimed", async () => {
    const r = rig();
    r.queue("a", "b");
    r.wake();
    await until(() => r.delivering.size === 2, "both in flight");
    let stopped = false;
    const stopping = r.loop.stop().then(() => (stopped = true));
    r.queue("c");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(false);
    r.delivering.get("a")?.();
    r.delivering.get("b")?.();
    await stopping;
    expect(r.delivered.sort()).toEqual(["a", "b"]);
    expect(r.claims.some((c) => c.got.includes("c"))).toBe(false);
  });
});
