import { describe, expect, it } from "vitest";
import { afterFailure, DEFAULT_RETRY, describeError, INBOX_MAX_ATTEMPTS } from "./retry";

const NOW = new Date("2026-12-02T10:00:00Z");

describe("afterFailure: a delivery whose processing threw", () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [5, 16_000],
    [9, 256_000],
  ])("GIVEN attempt %i failed THEN it is tried again %i ms later", (attempts, waitMs) => {
    expect(afterFailure(attempts, NOW)).toEqual({ kind: "retry", at: new Date(NOW.getTime() + waitMs) });
  });

  it("GIVEN the last attempt failed THEN it is failed, not retried", () => {
    expect(afterFailure(INBOX_MAX_ATTEMPTS, NOW)).toEqual({ kind: "failed" });
    expect(afterFailure(INBOX_MAX_ATTEMPTS + 3, NOW)).toEqual({ kind: "failed" });
  });

  it("GIVEN every attempt THEN no wait exceeds ten minutes", () => {
    for (let attempts = 1; attempts < 40; attempts += 1) expect(DEFAULT_RETRY.delayMs(attempts)).toBeLessThanOrEqual(600_000);
  });

  it("GIVEN a schedule of its own THEN it is followed", () => {
    const schedule = { maxAttempts: 2, delayMs: () => 5 };
    expect(afterFailure(1, NOW, schedule)).toEqual({ kind: "retry", at: new Date(NOW.getTime() + 5) });
    expect(afterFailure(2, NOW, schedule)).toEqual({ kind: "failed" });
  });
});

describe("describeError", () => {
  it("GIVEN an error THEN its name and message; GIVEN a long one THEN 500 characters", () => {
    expect(describeError(new TypeError("x is undefined"))).toBe("TypeError: x is undefined");
    expect(describeError("plain")).toBe("plain");
    expect(describeError(new Error("e".repeat(2000)))).toHaveLength(500);
  });
});
