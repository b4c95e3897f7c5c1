import { describe, expect, it } from "vitest";
import { LEASE_MS } from "../../app/outbox/backoff";
import { leaseFromEnv } from "../../app/outbox/worker.server";

describe("WORKER_LEASE_MS", () => {
  it("GIVEN no value or an unusable one THEN the default lease (60 s)", () => {
    for (const value of [undefined, "", "abc", "10", "-5000", "999", "60s"]) expect(leaseFromEnv(value), String(value)).toBe(LEASE_MS);
  });

  it("GIVEN whole milliseconds from 1000 on THEN that lease", () => {
    expect(leaseFromEnv("1000")).toBe(1000);
    expect(leaseFromEnv("15000")).toBe(15_000);
  });
});
