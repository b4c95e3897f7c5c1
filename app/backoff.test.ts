import { describe, expect, it } from "vitest";
import { doublingDelayMs } from "./backoff";

describe("doubling backoff", () => {
  it("GIVEN a first wait of 100 ms and a cap of 2 s WHEN retries follow each other THEN each waits twice the last until the cap", () => {
    const waits = [0, 1, 2, 3, 4, 5, 6].map((step) => doublingDelayMs(step, { firstMs: 100, capMs: 2000 }));
    expect(waits).toEqual([100, 200, 400, 800, 1600, 2000, 2000]);
  });

  it("GIVEN a step far past the cap (or a negative one) THEN the wait is the cap (or the first wait), never infinite or NaN", () => {
    expect(doublingDelayMs(5000, { firstMs: 30_000, capMs: 3_600_000 })).toBe(3_600_000);
    expect(doublingDelayMs(-3, { firstMs: 30_000, capMs: 3_600_000 })).toBe(30_000);
  });
});
