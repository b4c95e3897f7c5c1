import { describe, expect, it } from "vitest";
import { startOrderLookupTimer } from "./lookups.server";

/** A promise and the function that resolves it. */
function signal(): { reached: Promise<void>; reach: () => void } {
  let reach = () => {};
  const reached = new Promise<void>((resolve) => (reach = resolve));
  return { reached, reach };
}

describe("order lookups on their own timer", () => {
  it("GIVEN a run that queued messages THEN the workers are woken and the next run follows at once; then it waits the interval, a wait that stop cuts short", async () => {
    const results = [2, 1, 0];
    const third = signal();
    let runs = 0;
    let wakes = 0;
    const timer = startOrderLookupTimer({
      run: async () => {
        runs += 1;
        if (runs === 3) third.reach();
        return { enqueued: results[runs - 1] ?? 0 };
      },
      // Longer than the test: a fourth run would mean it did not wait.
      intervalMs: 60_000,
      onEnqueued: () => (wakes += 1),
      log: { error: () => undefined },
    });
    await third.reached;
    await timer.stop();
    expect(runs).toBe(3);
    expect(wakes).toBe(2);
  });

  it("GIVEN a failing run THEN it is logged and retried, not fatal", async () => {
    const second = signal();
    let runs = 0;
    const errors: unknown[] = [];
    const timer = startOrderLookupTimer({
      run: async () => {
        runs += 1;
        if (runs === 1) throw new Error("the database is restarting");
        second.reach();
        return { enqueued: 0 };
      },
      intervalMs: 10,
      onEnqueued: () => undefined,
      log: { error: (...args: unknown[]) => void errors.push(args[1]) },
    });
    await second.reached;
    await timer.stop();
    expect(errors).toEqual(["order lookups failed; retrying shortly"]);
  });
});
