import { describe, expect, it } from "vitest";
import { startOrderLookupTimer } from "./lookups.server";

function until(condition: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => (condition() ? resolve() : Date.now() - started > 10_000 ? reject(new Error("timed out")) : setTimeout(check, 5));
    check();
  });
}

describe("order lookups on their own timer", () => {
  it("GIVEN a run that queued messages THEN the workers are woken and the next run follows at once; then it waits the interval", async () => {
    const results = [2, 1, 0];
    let runs = 0;
    let wakes = 0;
    const timer = startOrderLookupTimer({
      run: async () => ({ enqueued: results[runs++] ?? 0 }),
      intervalMs: 60_000,
      onEnqueued: () => (wakes += 1),
      log: { error: () => undefined },
    });
    await until(() => runs === 3);
    await timer.stop();
    expect(runs).toBe(3);
    expect(wakes).toBe(2);
  });

  it("GIVEN a failing run THEN it is logged and retried, not fatal; stop ends the wait at once", async () => {
    let runs = 0;
    const errors: unknown[] = [];
    const timer = startOrderLookupTimer({
      run: async () => {
        runs += 1;
        if (runs === 1) throw new Error("the database is restarting");
        return { enqueued: 0 };
      },
      intervalMs: 10,
      onEnqueued: () => undefined,
      log: { error: (...args: unknown[]) => void errors.push(args[1]) },
    });
    await until(() => runs >= 2);
    await timer.stop();
    expect(errors).toEqual(["order lookups failed; retrying shortly"]);
  });
});
