import { describe, expect, it } from "vitest";
import { BUSINESS_NUMBER, claimedMessage, configuredShop, readableKey } from "./__fixtures__/claimed";
import type { ClaimedMessage } from "./claim.server";
import { shopperKey, type ShopperTurn } from "./pacing";
import { KEY_UNREADABLE_DETAIL } from "./pause.server";
import { createBatchPlanner, type PlanPorts } from "./plan-batch";
import { assignSlots, checkMessage, INCOMPLETE, NOT_CONFIGURED, slotDemands, SWITCHED_OFF, type Ready, type ShopState } from "./planner";

const SHOP = "planner-test.myshopify.com";
const NUMBER = BUSINESS_NUMBER;
const claimed = (overrides: Partial<ClaimedMessage> = {}) => claimedMessage(SHOP, overrides);
const configured = configuredShop;
const readable = readableKey;

describe("checking a claimed message", () => {
  it("GIVEN a configured shop and a complete message WHEN checked THEN it is ready, with the shop's credentials and the message's content", () => {
    const verdict = checkMessage(claimed(), configured, readable);
    expect(verdict).toEqual({
      kind: "ready",
      ready: {
        message: claimed(),
        creds: { sid: "HXAP16TEST0097IN", apiKey: "Atest-api-key-0001", businessNumber: NUMBER, pod: "IN" },
        content: {
          to: "+15025550147",
          bodyText: "Hi Jane, your order #1001 has shipped.",
          referenceId: "820982911946154508",
          status: "shipped",
          description: null,
          ref: `msg:${claimed().id}`,
          ref1: "820982911946154508",
          ref2: SHOP,
        },
      },
    });
  });

  it("GIVEN a shop that is gone, uninstalled or switched off THEN the message is skipped", () => {
    for (const shop of [undefined, { ...configured, installed: false }, { ...configured, enabled: false }]) {
      expect(checkMessage(claimed(), shop, readable)).toEqual({ kind: "finish", state: "skipped", reason: SWITCHED_OFF });
    }
  });

  it("GIVEN a paused shop THEN the message is parked (the key is not even read)", () => {
    const verdict = checkMessage(claimed(), { ...configured, pausedReason: "low_balance" }, () => {
      throw new Error("read the key of a paused shop");
    });
    expect(verdict).toEqual({ kind: "park" });
  });

  it("GIVEN a message without a recipient, a body, a reference or a known status THEN it fails as incomplete", () => {
    for (const broken of [{ recipient: null }, { bodyText: null }, { referenceId: null }, { orderStatus: "teleported" }]) {
      expect(checkMessage(claimed(broken), configured, readable)).toEqual({ kind: "finish", state: "failed", reason: INCOMPLETE });
    }
  });

  it("GIVEN a shop without SID, key or number THEN the shop pauses for its settings", () => {
    for (const missing of [{ kaleyraSid: null }, { apiKeyCipher: null }, { businessNumber: null }]) {
      expect(checkMessage(claimed(), { ...configured, ...missing }, readable)).toEqual({ kind: "pause-shop", detail: NOT_CONFIGURED });
    }
  });

  it("GIVEN a stored key no configured key reads THEN the shop pauses for the unreadable key (which lifts itself once readable)", () => {
    expect(checkMessage(claimed(), configured, () => ({ unreadable: true }))).toEqual({ kind: "pause-shop", detail: KEY_UNREADABLE_DETAIL });
    expect(checkMessage(claimed(), configured, () => ({ unreadable: false }))).toEqual({ kind: "pause-shop", detail: NOT_CONFIGURED });
  });
});

function ready(id: string, number: string, recipient: string): Ready {
  const verdict = checkMessage(claimed({ id, recipient }), { ...configured, businessNumber: number }, readable);
  if (verdict.kind !== "ready") throw new Error("fixture not ready");
  return verdict.ready;
}

describe("assigning rate slots", () => {
  it("GIVEN messages of two numbers THEN each number is asked for as many slots as it has messages", () => {
    const batch = [ready("a", NUMBER, "+15025550101"), ready("b", "+919876500002", "+15025550102"), ready("c", NUMBER, "+15025550103")];
    expect(slotDemands(batch)).toEqual(new Map([[NUMBER, 2], ["+919876500002", 1]]));
  });

  it("GIVEN a number that got fewer slots than messages THEN the first get the slots in order, with the shopper's turn from their slot, and the rest none", () => {
    const batch = [ready("a", NUMBER, "+15025550101"), ready("b", NUMBER, "+15025550102"), ready("c", NUMBER, "+15025550103")];
    const { slotted, unslotted } = assignSlots(batch, new Map([[NUMBER, [1000, 1013]]]), 6000);
    expect(slotted.map((s) => [s.message.id, s.slotAt, s.until.getTime(), s.recipient])).toEqual([
      ["a", 1000, 7000, "+15025550101"],
      ["b", 1013, 7013, "+15025550102"],
    ]);
    expect(unslotted.map((r) => r.message.id)).toEqual(["c"]);
  });
});

/** The database side of planning, in memory: what was done to which message. */
function fakePorts(shops: Record<string, ShopState>, options: { slots?: (n: number) => number[]; busy?: Map<string, Date> } = {}) {
  const done: Array<[string, ...unknown[]]> = [];
  const turns: ShopperTurn[] = [];
  const forgotten: string[] = [];
  const at = new Date("2026-03-01T10:00:00.000Z");
  const ports: PlanPorts = {
    shopOf: async (domain) => shops[domain],
    forgetShop: (domain) => forgotten.push(domain),
    readKey: readable,
    finishUnsent: async (id, state, reason) => void done.push([id, state, reason]),
    parkWhilePaused: async (id) => (done.push([id, "parked"]), true),
    pauseShop: async (shop, detail) => void done.push([shop, "shop paused", detail]),
    reserveSlots: async (demands, _perSecond, fromMs) =>
      new Map([...demands].map(([number, count]) => [number, (options.slots ?? ((n) => Array.from({ length: n }, (_, i) => fromMs + i * 13)))(count)])),
    reserveTurns: async (requested) => {
      turns.push(...requested);
      return options.busy ?? new Map();
    },
    release: async (id, notBefore) => void done.push([id, "released", notBefore.getTime() - at.getTime()]),
    now: () => at,
  };
  return { ports, done, turns, forgotten, at };
}

describe("planning a claimed batch", () => {
  it("GIVEN a batch for a switched-off shop, a paused shop and a configured one WHEN planned THEN one is skipped, one parked and one goes", async () => {
    const fake = fakePorts({
      [SHOP]: configured,
      "off.myshopify.com": { ...configured, enabled: false },
      "paused.myshopify.com": { ...configured, pausedReason: "daily_limit" },
    });
    const planner = createBatchPlanner(fake.ports, { perSecond: 77, spacingMs: 6000 });
    const planned = await planner.plan([
      claimed({ id: "off", shopDomain: "off.myshopify.com" }),
      claimed({ id: "paused", shopDomain: "paused.myshopify.com" }),
      claimed({ id: "go" }),
    ]);
    expect([...planned.keys()]).toEqual(["go"]);
    expect(fake.done).toEqual([
      ["off", "skipped", SWITCHED_OFF],
      ["paused", "parked"],
    ]);
  });

  it("GIVEN a shop whose key cannot be read WHEN planned THEN the shop pauses, the message ends paused and the shop is read again next time", async () => {
    const fake = fakePorts({ [SHOP]: configured });
    fake.ports.readKey = () => ({ unreadable: true });
    const planned = await createBatchPlanner(fake.ports, { perSecond: 77, spacingMs: 6000 }).plan([claimed()]);
    expect(planned.size).toBe(0);
    expect(fake.done).toEqual([
      [SHOP, "shop paused", KEY_UNREADABLE_DETAIL],
      ["msg-1", "paused", KEY_UNREADABLE_DETAIL],
    ]);
    expect(fake.forgotten).toEqual([SHOP]);
  });

  it("GIVEN two messages to one shopper in a batch WHEN planned THEN the first goes and the second is released until the first's turn ends", async () => {
    const fake = fakePorts({ [SHOP]: configured });
    const planner = createBatchPlanner(fake.ports, { perSecond: 77, spacingMs: 6000 });
    const planned = await planner.plan([claimed({ id: "first" }), claimed({ id: "second" })]);
    const first = planned.get("first");
    expect([...planned.keys()]).toEqual(["first"]);
    expect(fake.done).toEqual([["second", "released", (first?.until.getTime() ?? 0) - fake.at.getTime()]]);
    expect(first && first.until.getTime() - first.slotAt).toBe(6000);
  });

  it("GIVEN a shopper still busy from an earlier batch WHEN planned THEN the message is released until their turn ends", async () => {
    const busyUntil = new Date("2026-03-01T10:00:04.000Z");
    const fake = fakePorts({ [SHOP]: configured }, { busy: new Map([[shopperKey({ shop: SHOP, recipient: "+15025550147" }), busyUntil]]) });
    const planned = await createBatchPlanner(fake.ports, { perSecond: 77, spacingMs: 6000 }).plan([claimed()]);
    expect(planned.size).toBe(0);
    expect(fake.done).toEqual([["msg-1", "released", 4000]]);
  });

  it("GIVEN the number's rate slots are all taken WHEN planned THEN the message is released for a second and reserves no shopper turn", async () => {
    const fake = fakePorts({ [SHOP]: configured }, { slots: () => [] });
    const planned = await createBatchPlanner(fake.ports, { perSecond: 77, spacingMs: 6000 }).plan([claimed()]);
    expect(planned.size).toBe(0);
    expect(fake.done).toEqual([["msg-1", "released", 1000]]);
    expect(fake.turns).toEqual([]);
  });
});
