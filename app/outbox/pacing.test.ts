import { describe, expect, it } from "vitest";
import {
  firstOpenSlot,
  lateSlotLeadMs,
  RATE_JITTER_MS,
  ReservationDelay,
  runTimes,
  SLOT_LEAD_MS,
  slotsPerSecond,
  slotTime,
  takeTurns,
  turnEnd,
} from "./pacing";

/** Every slot of `seconds` whole seconds from `second` on, in order. */
function gridTimes(second: number, seconds: number, perSecond: number): number[] {
  const times: number[] = [];
  for (let s = second; s < second + seconds; s += 1) times.push(...runTimes(s, perSecond, perSecond, perSecond, 0));
  return times;
}

/** The most sends any sliding one-second window holds. */
function busiestSecond(sends: number[]): number {
  return Math.max(...sends.map((t) => sends.filter((u) => u >= t && u < t + 1000).length));
}

describe("the rate grid", () => {
  it("GIVEN per-number limits THEN the grid has fewer slots a second, leaving room for jitter", () => {
    expect(slotsPerSecond(80)).toBe(77);
    expect(slotsPerSecond(1000)).toBe(970);
    expect(slotsPerSecond(1)).toBe(1);
  });

  it("GIVEN a second's slots THEN they lie evenly over the second, slot k at k/perSecond s", () => {
    const second = 1_700_000_000;
    expect(runTimes(second, 4, 4, 4, 0).map((t) => t - second * 1000)).toEqual([0, 250, 500, 750]);
    expect(slotTime(second, 1, 77, 0) - second * 1000).toBe(12);
  });

  it("GIVEN it is 250 ms into a second at 80 slots a second THEN the 20 slots already past are skipped, never handed out", () => {
    const second = 1_700_000_000;
    const nowMs = second * 1000 + 250;
    expect(firstOpenSlot(second, 80, nowMs)).toBe(20);
    expect(slotTime(second, 20, 80, nowMs)).toBe(nowMs);
    expect(firstOpenSlot(second, 80, second * 1000)).toBe(0);
    expect(firstOpenSlot(second + 1, 80, nowMs)).toBe(0);
    expect(firstOpenSlot(second, 80, second * 1000 + 999)).toBeGreaterThanOrEqual(80);
  });

  it("GIVEN a slot whose time has passed THEN it leaves now, not in the past", () => {
    const second = 1_700_000_000;
    expect(slotTime(second, 0, 80, second * 1000 + 400)).toBe(second * 1000 + 400);
  });

  it("GIVEN every slot of three seconds taken at 80/s WHEN sends trail their slots by up to RATE_JITTER_MS in any pattern THEN no one-second window holds more than 80", () => {
    const limit = 80;
    const slots = gridTimes(1_700_000_000, 3, slotsPerSecond(limit));
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const patterns: Array<(index: number) => number> = [
      () => 0,
      () => RATE_JITTER_MS,
      (index) => (index % 2 === 0 ? RATE_JITTER_MS : 0),
      (index) => (index % slotsPerSecond(limit) === 0 ? RATE_JITTER_MS : 0),
      () => Math.floor(random() * (RATE_JITTER_MS + 1)),
    ];
    for (const late of patterns) {
      const sends = slots.map((t, index) => t + late(index));
      expect(busiestSecond(sends)).toBeLessThanOrEqual(limit);
    }
  });

  it("GIVEN the same slots sent as a plain 80-a-second grid would be THEN jitter could put 81 in one window (why the grid keeps room)", () => {
    const sends = gridTimes(1_700_000_000, 2, 80).map((t, index) => (index === 0 ? t + RATE_JITTER_MS : t));
    expect(busiestSecond(sends)).toBeGreaterThan(80);
  });
});

describe("slot leads", () => {
  it("GIVEN a database that answers at once THEN slots are taken the minimum lead ahead", () => {
    const delay = new ReservationDelay();
    expect(delay.leadMs()).toBe(SLOT_LEAD_MS);
    delay.note(1);
    expect(delay.leadMs()).toBe(SLOT_LEAD_MS);
  });

  it("GIVEN reservations that took 500 ms lately THEN the lead grows towards twice that, never past 2 s", () => {
    const delay = new ReservationDelay();
    for (let i = 0; i < 50; i += 1) delay.note(500);
    expect(delay.leadMs()).toBeGreaterThan(900);
    expect(delay.leadMs()).toBeLessThanOrEqual(1000);
    for (let i = 0; i < 50; i += 1) delay.note(60_000);
    expect(delay.leadMs()).toBe(2000);
  });

  it("GIVEN a send late for its slot THEN its next slot is taken twice its lateness ahead, between 100 ms and 2 s", () => {
    expect(lateSlotLeadMs(10)).toBe(100);
    expect(lateSlotLeadMs(300)).toBe(600);
    expect(lateSlotLeadMs(5000)).toBe(2000);
  });
});

describe("shopper spacing", () => {
  const shop = "pace.myshopify.com";
  const slotAt = 1_700_000_000_000;

  it("GIVEN a message's slot THEN its shopper's turn ends the spacing after the slot", () => {
    expect(turnEnd(slotAt, 6000).getTime()).toBe(slotAt + 6000);
  });

  it("GIVEN two messages to one shopper and one to another in a batch WHEN turns are taken THEN the second to the same shopper waits for the first's turn", () => {
    const first = { shop, recipient: "+15025550101", until: turnEnd(slotAt, 6000), id: "a" };
    const second = { shop, recipient: "+15025550101", until: turnEnd(slotAt + 13, 6000), id: "b" };
    const other = { shop, recipient: "+15025550102", until: turnEnd(slotAt + 26, 6000), id: "c" };
    const { go, wait } = takeTurns([first, second, other], new Map());
    expect(go.map((t) => t.id)).toEqual(["a", "c"]);
    expect(wait.map((w) => [w.turn.id, w.until.getTime()])).toEqual([["b", slotAt + 6000]]);
    // The second leaves no earlier than its wait, its slot at the earliest: the spacing holds.
    expect((wait[0]?.until.getTime() ?? 0) - slotAt).toBeGreaterThanOrEqual(6000);
  });

  it("GIVEN a shopper still busy from an earlier batch THEN their message waits until that turn ends; the same number in another shop does not", () => {
    const busyUntil = new Date(slotAt + 4000);
    const busy = new Map([[`${shop}\u0000+15025550101`, busyUntil]]);
    const mine = { shop, recipient: "+15025550101", until: turnEnd(slotAt, 6000) };
    const elsewhere = { shop: "other.myshopify.com", recipient: "+15025550101", until: turnEnd(slotAt, 6000) };
    const { go, wait } = takeTurns([mine, elsewhere], busy);
    expect(go).toEqual([elsewhere]);
    expect(wait).toEqual([{ turn: mine, until: busyUntil }]);
  });
});
