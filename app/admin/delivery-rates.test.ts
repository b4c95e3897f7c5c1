import { describe, expect, it } from "vitest";
import { DELIVERY_ERRORS } from "../receipts/delivery-errors";
import { deliveryRates, failureSpike, SPIKE_MIN_FAILURES, SPIKE_WINDOW } from "./delivery-rates";

const failed = (code: string) => ({ deliveryState: "failed", failure: JSON.stringify({ code, title: "Re-engagement message" }) });
const ok = (state: "delivered" | "read" = "delivered") => ({ deliveryState: state, failure: null });

describe("deliveryRates", () => {
  it.each([
    {
      given: "nothing answered yet",
      counts: { accepted: 2, sent: 1 },
      want: { answered: 0, delivered: 0, read: 0, failed: 0, waiting: 3, deliveredPercent: null, readPercent: null },
    },
    {
      given: "read counts as delivered too",
      counts: { delivered: 5, read: 3, failed: 1, not_sent: 1, sent: 4 },
      want: { answered: 10, delivered: 8, read: 3, failed: 2, waiting: 4, deliveredPercent: 80, readPercent: 30 },
    },
    {
      given: "thirds round to whole percent",
      counts: { read: 1, failed: 2 },
      want: { answered: 3, delivered: 1, read: 1, failed: 2, waiting: 0, deliveredPercent: 33, readPercent: 33 },
    },
  ])("GIVEN $given THEN the rates are of the answered messages", ({ counts, want }) => {
    expect(deliveryRates(new Map(Object.entries(counts)))).toEqual(want);
  });
});

describe("failureSpike", () => {
  it("GIVEN most of the latest 20 failed with 131047 THEN a spike names the code, what it means and what to do", () => {
    const latest = [...Array.from({ length: 12 }, () => failed("131047")), ...Array.from({ length: 8 }, () => ok())];
    expect(failureSpike(latest)).toEqual({
      failed: 12,
      of: 20,
      code: "131047",
      explanation: DELIVERY_ERRORS["131047"]!.explanation,
      fix: DELIVERY_ERRORS["131047"]!.fix,
    });
  });

  it("GIVEN exactly half failed THEN no spike", () => {
    expect(failureSpike([...Array.from({ length: 10 }, () => failed("131047")), ...Array.from({ length: 10 }, () => ok("read"))])).toBeNull();
  });

  it("GIVEN fewer failures than the minimum, all of them THEN no spike: a few unlucky messages are no alarm", () => {
    expect(failureSpike(Array.from({ length: SPIKE_MIN_FAILURES - 1 }, () => failed("131026")))).toBeNull();
    expect(failureSpike(Array.from({ length: SPIKE_MIN_FAILURES }, () => failed("131026")))).toMatchObject({ code: "131026" });
  });

  it("GIVEN older failures beyond the window THEN only the latest count", () => {
    const latest = [...Array.from({ length: SPIKE_WINDOW }, () => ok()), ...Array.from({ length: 30 }, () => failed("131047"))];
    expect(failureSpike(latest)).toBeNull();
  });

  it("GIVEN mixed codes and an unreadable failure THEN the most frequent code is named", () => {
    const latest = [failed("131026"), failed("131047"), failed("131047"), failed("131047"), { deliveryState: "not_sent", failure: "{" }, ok()];
    expect(failureSpike(latest)).toMatchObject({ failed: 5, of: 6, code: "131047" });
  });
});
