import { describe, expect, it } from "vitest";
import { claimedMessage, configuredShop, readableKey } from "./__fixtures__/claimed";
import type { SendResult } from "../kaleyra/client.server";
import { checkMessage, type Slotted } from "./planner";
import { LATE_SLOT_TRIES, SEND_TOLERANCE_MS } from "./pacing";
import type { RecordedOutcome } from "./record.server";
import { createSender, RECORD_RETRY_MARGIN_MS, type SenderPorts } from "./sender";

const SHOP = "sender-test.myshopify.com";
const START = Date.parse("2026-03-01T10:00:00.000Z");
const DEADLINE_MS = 10_000;

function planned(slotAt = START + 40): Slotted {
  const verdict = checkMessage(claimedMessage(SHOP), configuredShop, readableKey);
  if (verdict.kind !== "ready") throw new Error("fixture not ready");
  return { ...verdict.ready, slotAt, shop: SHOP, recipient: "+15025550147", until: new Date(slotAt + 6000) };
}

const accepted: SendResult = {
  outcome: { kind: "accepted", code: "WA202", httpStatus: 202, messageId: "cd8c4e5d-7c0f-4d3a-9d1e-3b1a1f0c9e11" },
  request: null,
  durationMs: 180,
};

/**
 * Ports over a fake clock: sleeping moves the clock on at once, a send takes `sendMs`.
 * Records what each port was asked.
 */
function fakes(options: { sendMs?: number; recordFailures?: number; lateBy?: number; slots?: Array<number | undefined>; recorded?: RecordedOutcome } = {}) {
  let clock = START;
  let lateOnce = options.lateBy ?? 0;
  let recordFailures = options.recordFailures ?? 0;
  const slots = [...(options.slots ?? [])];
  const calls: Array<[string, ...unknown[]]> = [];
  const warnings: string[] = [];
  const ports: SenderPorts = {
    async send(creds, content) {
      calls.push(["send", creds.businessNumber, content.to]);
      clock += options.sendMs ?? 200;
      return accepted;
    },
    async record(message, result, now) {
      calls.push(["record", message.id, result.outcome.kind, now.getTime() - START]);
      if (recordFailures > 0) {
        recordFailures -= 1;
        throw new Error("SQLITE_BUSY: database is locked");
      }
      return options.recorded ?? { state: "sent", owned: true };
    },
    async release(id, notBefore, now) {
      calls.push(["release", id, notBefore.getTime() - START, now.getTime() - START]);
    },
    async moveTurn(shopper, from, to) {
      calls.push(["moveTurn", shopper.recipient, from.getTime() - START, to.getTime() - START]);
    },
    async reserveSlot(number, _perSecond, fromMs) {
      calls.push(["reserveSlot", number, fromMs - START]);
      return slots.length > 0 ? slots.shift() : fromMs;
    },
    forgetShop: (domain) => calls.push(["forgetShop", domain]),
    nowMs: () => clock,
    async sleep(ms) {
      calls.push(["sleep", ms]);
      clock += ms;
      // The process was busy: it wakes `lateBy` after the slot, once.
      clock += lateOnce;
      lateOnce = 0;
    },
    log: { info: (...args: unknown[]) => void warnings.push(String(args[1])), warn: (...args: unknown[]) => void warnings.push(String(args[1])) },
  };
  const sender = createSender(ports, { perSecond: 77, spacingMs: 6000, sendDeadlineMs: DEADLINE_MS });
  return { sender, calls, warnings, nowMs: () => clock };
}

const leaseUntil = START + 60_000;

describe("sending a planned message", () => {
  it("GIVEN a slot 40 ms ahead WHEN delivered THEN it waits for the slot, sends once and records the outcome", async () => {
    const fake = fakes();
    await fake.sender.deliver(planned(), leaseUntil);
    expect(fake.calls).toEqual([
      ["sleep", 40],
      ["send", "+919876500001", "+15025550147"],
      ["record", "msg-1", "accepted", 240],
    ]);
    expect(fake.warnings).toEqual([]);
  });

  it("GIVEN the process wakes too late for its slot WHEN delivered THEN it takes a later slot, moves the shopper's turn with it, and sends then", async () => {
    const fake = fakes({ lateBy: 300 });
    await fake.sender.deliver(planned(), leaseUntil);
    // Woke 300 ms late (at 340): the next slot is taken twice that far ahead, from 940.
    expect(fake.calls.slice(0, 4)).toEqual([
      ["sleep", 40],
      ["reserveSlot", "+919876500001", 940],
      ["moveTurn", "+15025550147", 6040, 6940],
      ["sleep", 600],
    ]);
    expect(fake.calls.filter(([call]) => call === "send")).toHaveLength(1);
  });

  it("GIVEN late within the tolerance WHEN delivered THEN it sends on that slot", async () => {
    const fake = fakes({ lateBy: SEND_TOLERANCE_MS });
    await fake.sender.deliver(planned(), leaseUntil);
    expect(fake.calls.map(([call]) => call)).toEqual(["sleep", "send", "record"]);
  });

  it("GIVEN no later slot is free WHEN the slot was missed THEN the message goes back unsent for a second, its turn released", async () => {
    const fake = fakes({ lateBy: 300, slots: [undefined] });
    await fake.sender.deliver(planned(), leaseUntil);
    expect(fake.calls).toEqual([
      ["sleep", 40],
      ["reserveSlot", "+919876500001", 940],
      ["moveTurn", "+15025550147", 6040, 340],
      ["release", "msg-1", 1340, 340],
    ]);
  });

  it("GIVEN every later slot is missed too WHEN it has tried LATE_SLOT_TRIES times THEN it gives the message back unsent", async () => {
    const clock = START;
    const released: number[] = [];
    let reserved = 0;
    const sender = createSender(
      {
        async send() {
          throw new Error("sent although every slot was missed");
        },
        record: async () => ({ state: "sent", owned: true }),
        release: async (_id, notBefore, now) => void released.push(notBefore.getTime() - now.getTime()),
        moveTurn: async () => undefined,
        // Every slot handed out is already 100 ms past by the time the process looks.
        reserveSlot: async () => ((reserved += 1), clock - 100),
        forgetShop: () => undefined,
        nowMs: () => clock,
        sleep: async () => undefined,
        log: { info: () => undefined, warn: () => undefined },
      },
      { perSecond: 77, spacingMs: 6000, sendDeadlineMs: DEADLINE_MS },
    );
    await sender.deliver(planned(START - 100), leaseUntil);
    expect(reserved).toBe(LATE_SLOT_TRIES);
    expect(released).toEqual([1000]);
  });

  it("GIVEN less of the lease left than Kaleyra's deadline WHEN the slot comes THEN the message is given back unsent, not sent into another worker's lease", async () => {
    const fake = fakes();
    const shortLease = START + 40 + DEADLINE_MS + RECORD_RETRY_MARGIN_MS - 1;
    await fake.sender.deliver(planned(), shortLease);
    expect(fake.calls).toEqual([
      ["sleep", 40],
      ["moveTurn", "+15025550147", 6040, 40],
      ["release", "msg-1", 40, 40],
    ]);
    expect(fake.warnings).toEqual(["too little of the lease left to send; given back"]);
  });

  it("GIVEN the database fails twice while recording WHEN delivered THEN the write is retried after 100 then 200 ms and the message is sent once", async () => {
    const fake = fakes({ recordFailures: 2 });
    await fake.sender.deliver(planned(), leaseUntil);
    expect(fake.calls.filter(([call]) => call === "send")).toHaveLength(1);
    expect(fake.calls.filter(([call]) => call === "record")).toHaveLength(3);
    expect(fake.calls.filter(([call]) => call === "sleep")).toEqual([["sleep", 40], ["sleep", 100], ["sleep", 200]]);
  });

  it("GIVEN the database stays down WHEN the lease is about to end THEN recording gives up (the lease takes over) instead of writing after it", async () => {
    const fake = fakes({ recordFailures: 1000 });
    const lease = START + 40 + 200 + DEADLINE_MS + RECORD_RETRY_MARGIN_MS + 5000;
    await expect(fake.sender.deliver(planned(), lease)).rejects.toThrow("SQLITE_BUSY");
    const lastRecord = fake.calls.filter(([call]) => call === "record").at(-1);
    expect(Number(lastRecord?.[3]) + START).toBeLessThan(lease - RECORD_RETRY_MARGIN_MS);
    expect(fake.calls.filter(([call]) => call === "send")).toHaveLength(1);
  });

  it("GIVEN the outcome paused the shop WHEN recorded THEN the shop is read again; GIVEN the lease was lost THEN that is logged", async () => {
    const paused = fakes({ recorded: { state: "paused", owned: true } });
    await paused.sender.deliver(planned(), leaseUntil);
    expect(paused.calls.at(-1)).toEqual(["forgetShop", SHOP]);
    const lost = fakes({ recorded: { state: "sent", owned: false } });
    await lost.sender.deliver(planned(), leaseUntil);
    expect(lost.warnings).toEqual(["lease lost before the outcome was recorded"]);
  });
});
