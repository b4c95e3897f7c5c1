import { beforeEach, describe, expect, it } from "vitest";
import { claimDueMessages, reserveRateSlots, reserveRateSlotsFor, reserveRecipients } from "../app/outbox/claim.server";
import { shopperKey } from "../app/outbox/pacing";
import { recordSendResult } from "../app/outbox/record.server";
import { makeMessage } from "./factories";
import { fileDatabase } from "./helpers/file-database";

const { db } = fileDatabase();

beforeEach(async () => {
  await db.execute(`DELETE FROM "Message"`);
});

function queue(orderId: string, status: string, rank: number, createdAt: Date, state = "queued"): Promise<string> {
  return makeMessage(db, "claims.myshopify.com", {
    orderId,
    orderName: null,
    orderStatus: status,
    state,
    rank,
    recipientSource: null,
    bodyText: "text",
    attempts: 0,
    createdAt,
  });
}

const accepted = {
  outcome: { kind: "accepted" as const, code: "WA202", httpStatus: 202, messageId: "m1" },
  request: null,
  durationMs: 1,
};

describe("claiming the outbox", () => {
  it("GIVEN an order's processing and shipped messages THEN only the earlier one is due until it is done", async () => {
    const t = new Date(Date.now() - 1000);
    const first = await queue("1", "processing", 0, t);
    await queue("1", "shipped", 2, new Date(t.getTime() + 1));
    const now = new Date();
    const claimed = await claimDueMessages(db, "w1", 10, now, new Date(now.getTime() + 60_000));
    expect(claimed.map((m) => m.id)).toEqual([first]);
    expect(await claimDueMessages(db, "w2", 10, now, new Date(now.getTime() + 60_000))).toEqual([]);
  });

  it("GIVEN a message claimed by a worker THEN no other worker can claim it until the lease runs out, and the first cannot record after losing it", async () => {
    const id = await queue("2", "processing", 0, new Date(Date.now() - 1000));
    const now = new Date();
    const [claimed] = await claimDueMessages(db, "dead-worker", 10, now, new Date(now.getTime() + 500));
    expect(claimed?.id).toBe(id);
    expect(await claimDueMessages(db, "w2", 10, now, new Date(now.getTime() + 60_000))).toEqual([]);
    const later = new Date(now.getTime() + 1000);
    const reclaimed = await claimDueMessages(db, "w2", 10, later, new Date(later.getTime() + 60_000));
    expect(reclaimed.map((m) => m.id)).toEqual([id]);
    const message = { id, shopDomain: "claims.myshopify.com", orderId: "2", orderStatus: "processing", attempts: 0 };
    const stale = await recordSendResult(db, message, "dead-worker", accepted, later);
    expect(stale.owned).toBe(false);
    const fresh = await recordSendResult(db, message, "w2", accepted, later);
    expect(fresh).toEqual({ state: "sent", owned: true });
  });

  it("GIVEN many workers claiming at once THEN every message is claimed by exactly one", async () => {
    const base = Date.now() - 10_000;
    const ids = [];
    for (let i = 0; i < 60; i += 1) ids.push(await queue(`o${i}`, "processing", 0, new Date(base + i)));
    const now = new Date();
    const batches = await Promise.all(
      Array.from({ length: 6 }, (_, w) => claimDueMessages(db, `w${w}`, 15, now, new Date(now.getTime() + 60_000))),
    );
    const claimed = batches.flat().map((m) => m.id);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect([...claimed].sort()).toEqual([...ids].sort());
  });
});

describe("pacing", () => {
  /** Any sliding one-second window of `times` holds at most `limit`. */
  function expectAtMostPerSecond(times: number[], limit: number): void {
    for (const t of times) expect(times.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(limit);
  }

  it("GIVEN a limit of 80 per second WHEN late sends take one slot each THEN the 81st moves to the next second, slots spread over the second", async () => {
    const number = `+9198${Math.floor(Math.random() * 1e8)}`;
    const start = Math.ceil(Date.now() / 1000) * 1000 + 5000;
    const times: number[] = [];
    for (let i = 0; i < 100; i += 1) {
      const [at] = await reserveRateSlots(db, number, 80, start, 1);
      expect(at).toBeDefined();
      times.push(at ?? 0);
    }
    expect(times.filter((t) => t < start + 1000).length).toBe(80);
    expectAtMostPerSecond(times, 80);
  });

  it("GIVEN a limit of 80 per second WHEN a batch asks for 100 slots of one number and 3 of another THEN the first gets 80 this second and 20 the next, the other its 3 at once", async () => {
    const busy = `+9197${Math.floor(Math.random() * 1e8)}`;
    const quiet = `+9196${Math.floor(Math.random() * 1e8)}`;
    const start = Math.ceil(Date.now() / 1000) * 1000 + 5000;
    const slots = await reserveRateSlotsFor(db, new Map([[busy, 100], [quiet, 3]]), 80, start);
    const times = slots.get(busy) ?? [];
    expect(times).toHaveLength(100);
    expect(times.filter((t) => t < start + 1000).length).toBe(80);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expectAtMostPerSecond(times, 80);
    expect(slots.get(quiet)?.every((t) => t < start + 1000)).toBe(true);
    expect(slots.get(quiet)).toHaveLength(3);
  });

  it("GIVEN a shopper just messaged THEN the next reservation waits for the spacing", async () => {
    const now = new Date();
    const shopper = { shop: "pace.myshopify.com", recipient: `+1502555${Math.floor(Math.random() * 1e4)}` };
    const turn = (at: number) => ({ ...shopper, until: new Date(at + 6000) });
    expect(await reserveRecipients(db, [turn(now.getTime())], now)).toEqual(new Map());
    const twoSecondsOn = new Date(now.getTime() + 2000);
    const busy = await reserveRecipients(db, [turn(twoSecondsOn.getTime())], twoSecondsOn);
    expect(busy.get(shopperKey(shopper))?.getTime()).toBe(now.getTime() + 6000);
    const sixSecondsOn = new Date(now.getTime() + 6000);
    expect(await reserveRecipients(db, [turn(sixSecondsOn.getTime())], sixSecondsOn)).toEqual(new Map());
  });
});
