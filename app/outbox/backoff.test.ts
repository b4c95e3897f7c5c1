import { describe, expect, it } from "vitest";
import { MAX_ATTEMPTS, nextAttemptDelayMs, retryDelayMs } from "./backoff";

describe("retry schedule", () => {
  it("GIVEN successive failures THEN delays grow from 30 s to a 1 h cap, each within its jitter band", () => {
    const low = () => 0;
    const high = () => 0.999999;
    expect(retryDelayMs(1, low)).toBe(15_000);
    expect(retryDelayMs(1, high)).toBeLessThanOrEqual(30_000);
    expect(retryDelayMs(2, low)).toBe(30_000);
    expect(retryDelayMs(8, high)).toBeLessThanOrEqual(3_600_000);
    expect(retryDelayMs(30, low)).toBe(1_800_000);
  });

  it("GIVEN every attempt fails THEN the retries span several hours, past Kaleyra's 5/10/15-minute advice", () => {
    let shortest = 0;
    let longest = 0;
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt += 1) {
      shortest += retryDelayMs(attempt, () => 0);
      longest += retryDelayMs(attempt, () => 0.999999);
    }
    expect(shortest).toBeGreaterThan(2.5 * 3_600_000);
    expect(longest).toBeLessThan(5.5 * 3_600_000);
    const firstThree = [1, 2, 3].reduce((sum, n) => sum + retryDelayMs(n, () => 0.999999), 0);
    expect(firstThree).toBeLessThan(5 * 60_000);
  });

  it("GIVEN Kaleyra asks for a longer Retry-After THEN it wins; a shorter one does not", () => {
    expect(nextAttemptDelayMs(1, 600_000, () => 0)).toBe(600_000);
    expect(nextAttemptDelayMs(3, 1_000, () => 0)).toBe(60_000);
  });
});
