import { describe, expect, it } from "vitest";
import { gather, takeBatch } from "./gather";

/** A run that records each batch and answers each item doubled, once `release` is called. */
function recordingRun() {
  const batches: number[][] = [];
  const pending: Array<() => void> = [];
  const run = (items: number[]) => {
    batches.push(items);
    return new Promise<number[]>((resolve) => pending.push(() => resolve(items.map((item) => item * 2))));
  };
  const releaseAll = () => pending.splice(0).forEach((release) => release());
  return { batches, run, releaseAll };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
/** A few turns of the event loop: enough for a finished batch to hand over to the next. */
const turns = async () => {
  for (let i = 0; i < 5; i += 1) await turn();
};

describe("gather", () => {
  it("GIVEN five calls in one turn WHEN they run THEN they go in one batch and each gets its own result", async () => {
    const { batches, run, releaseAll } = recordingRun();
    const call = gather(run, { maxBatch: 10, inFlight: 1 });
    const results = Promise.all([1, 2, 3, 4, 5].map(call));
    await turn();
    releaseAll();
    expect(await results).toEqual([2, 4, 6, 8, 10]);
    expect(batches).toEqual([[1, 2, 3, 4, 5]]);
  });

  it("GIVEN a batch in flight WHEN more calls come THEN they wait and then go together, at most maxBatch at once", async () => {
    const { batches, run, releaseAll } = recordingRun();
    const call = gather(run, { maxBatch: 3, inFlight: 1 });
    const first = call(1);
    await turn();
    const later = Promise.all([2, 3, 4, 5].map(call));
    await turn();
    expect(batches).toEqual([[1]]);
    releaseAll();
    await first;
    await turns();
    expect(batches).toEqual([[1], [2, 3, 4]]);
    releaseAll();
    await turns();
    releaseAll();
    expect(await later).toEqual([4, 6, 8, 10]);
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
  });

  it("GIVEN two batches allowed in flight WHEN the first runs THEN a second starts beside it", async () => {
    const { batches, run, releaseAll } = recordingRun();
    const call = gather(run, { maxBatch: 2, inFlight: 2 });
    const results = Promise.all([1, 2, 3, 4, 5].map(call));
    await turn();
    expect(batches).toEqual([[1, 2], [3, 4]]);
    releaseAll();
    await turns();
    releaseAll();
    expect(await results).toEqual([2, 4, 6, 8, 10]);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("GIVEN one item that makes its batch fail WHEN the batch is run again item by item THEN only that call fails", async () => {
    const batches: number[][] = [];
    const call = gather(
      async (items: number[]) => {
        batches.push(items);
        if (items.includes(3)) throw new Error("bad item 3");
        return items.map((item) => -item);
      },
      { maxBatch: 10, inFlight: 1 },
    );
    const settled = await Promise.allSettled([1, 2, 3, 4].map(call));
    expect(settled.map((outcome) => (outcome.status === "fulfilled" ? outcome.value : (outcome.reason as Error).message))).toEqual([
      -1,
      -2,
      "bad item 3",
      -4,
    ]);
    expect(batches).toEqual([[1, 2, 3, 4], [1], [2], [3], [4]]);
  });

  it("GIVEN a run that answers the wrong number of results THEN the calls fail rather than get another call's result", async () => {
    const call = gather(async (items: number[]) => items.slice(1), { maxBatch: 10, inFlight: 1 });
    const settled = await Promise.allSettled([1, 2].map(call));
    expect(settled.every((outcome) => outcome.status === "rejected")).toBe(true);
  });
});

describe("takeBatch", () => {
  it("GIVEN items that do not fit beside one already taken WHEN a batch is taken THEN they stay waiting, in order, for the next", () => {
    const waiting = ["a1", "b1", "a2", "c1", "b2"].map((item) => ({ item }));
    const fits = (batch: readonly string[], item: string) => !batch.some((taken) => taken[0] === item[0]);
    expect(takeBatch(waiting, { maxBatch: 10, fits }).map((w) => w.item)).toEqual(["a1", "b1", "c1"]);
    expect(waiting.map((w) => w.item)).toEqual(["a2", "b2"]);
    expect(takeBatch(waiting, { maxBatch: 10, fits }).map((w) => w.item)).toEqual(["a2", "b2"]);
    expect(waiting).toEqual([]);
  });

  it("GIVEN more waiting than maxBatch THEN the first maxBatch go", () => {
    const waiting = [1, 2, 3].map((item) => ({ item }));
    expect(takeBatch(waiting, { maxBatch: 2 }).map((w) => w.item)).toEqual([1, 2]);
    expect(waiting.map((w) => w.item)).toEqual([3]);
  });
});
