import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findSecrets, suiteSecrets } from "../security/helpers/secrets";
import { claimDueMessages } from "../../app/outbox/claim.server";
import { pauseShop, resumeShop } from "../../app/outbox/pause.server";
import { parkWhilePaused } from "../../app/outbox/record.server";
import type { DeliveryWorker } from "../../app/outbox/worker.server";
import { ACCOUNT, makeShop } from "../factories";
import { waitFor } from "../helpers/process";
import { budgetMs, captureLogger, countDeliveries, messageKey, orderBody, report, scaled } from "./helpers/harness";
import { messageStates, startFaultRig, type FaultRig } from "./helpers/in-process";
import { deliver, deliverPaced } from "./helpers/shopify";

/**
 * Kaleyra answers that only the merchant can fix, arriving mid-run: E110 (balance too low)
 * and RBC001 (SID or API key wrong). The shop's queue pauses with the reason the admin's
 * banner shows (Shop.pausedReason / pausedCode / pausedDetail); messages that arrive meanwhile
 * wait as paused; after the fix everything goes, once.
 */
const BALANCE_SHOP = "pause-balance.myshopify.com";
const KEY_SHOP = "pause-credentials.myshopify.com";

let rig: FaultRig;
let worker: DeliveryWorker;
const log = captureLogger();
let nextOrder = 500_000;

beforeAll(async () => {
  rig = await startFaultRig([{ domain: BALANCE_SHOP }, { domain: KEY_SHOP }]);
  worker = rig.startWorker({ logger: log.logger });
});

afterAll(async () => {
  await rig?.stop();
  // Everything the worker logged (trace level), failures included, holds no secret.
  expect(findSecrets(suiteSecrets({ "rotated Kaleyra API key": "Arotated-api-key-0002" }), [{ where: "worker log", text: log.lines.join("") }])).toEqual([]);
});

async function postOrders(shop: string, count: number, keys: string[]) {
  const ids = Array.from({ length: count }, () => String(++nextOrder));
  keys.push(...ids.map((id) => messageKey(shop, id)));
  const deliveries = await deliverPaced(ids, 40, (id) =>
    deliver(rig.app.url, { topic: "orders/create", shop, body: orderBody(id, Number(id)) }),
  );
  expect(deliveries.every((d) => d.ok)).toBe(true);
}

function receivedFor(shop: string) {
  return rig.sandbox.received.filter((m) => (m.body as { extra_info?: { ref2?: string } }).extra_info?.ref2 === shop);
}

interface Banner {
  pausedReason: string | null;
  pausedCode: string | null;
  pausedDetail: string | null;
  resumeAt: Date | null;
}

async function banner(shop: string): Promise<Banner | undefined> {
  const rows = await rig.db.query<Banner>(
    `SELECT "pausedReason", "pausedCode", "pausedDetail", "resumeAt" FROM "Shop" WHERE "domain" = ?`,
    [shop],
  );
  return rows[0];
}

/** Paused, and nothing of the shop's still queued or being sent. */
async function settledPaused(shop: string): Promise<Banner> {
  return waitFor(
    async () => {
      const current = await banner(shop);
      const states = await messageStates(rig.db, shop);
      return current?.pausedReason && !states.queued && !states.sending ? current : undefined;
    },
    budgetMs(30_000),
    `${shop} to pause`,
  );
}

describe("pauses the merchant must fix", () => {
  it(
    "GIVEN Kaleyra answering E110 (low balance) mid-run THEN the shop pauses with a banner, and after the top-up and the timed resume nothing is lost",
    async () => {
      const keys: string[] = [];
      const credit = scaled(15);
      rig.sandbox.setBalance(ACCOUNT.sid, credit);
      await postOrders(BALANCE_SHOP, scaled(40), keys);
      const paused = await settledPaused(BALANCE_SHOP);
      expect(paused).toMatchObject({ pausedReason: "low_balance", pausedCode: "E110" });
      expect(paused.pausedDetail).toMatch(/balance/i);
      expect(paused.resumeAt).toBeInstanceOf(Date);
      expect(receivedFor(BALANCE_SHOP)).toHaveLength(credit);

      // Orders keep coming while paused: kept, not sent.
      await postOrders(BALANCE_SHOP, scaled(10), keys);
      const whilePaused = await messageStates(rig.db, BALANCE_SHOP);
      expect(whilePaused).toEqual({ sent: credit, paused: keys.length - credit });

      // The merchant tops up; the timed pause (30 min) runs out.
      rig.sandbox.setBalance(ACCOUNT.sid, undefined);
      await rig.db.execute(`UPDATE "Shop" SET "resumeAt" = ? WHERE "domain" = ?`, [new Date(), BALANCE_SHOP]);
      await rig.drained(BALANCE_SHOP, budgetMs(30_000));
      await waitFor(async () => ((await messageStates(rig.db, BALANCE_SHOP)).sent === keys.length ? true : undefined));
      const count = countDeliveries(keys, receivedFor(BALANCE_SHOP));
      expect(await banner(BALANCE_SHOP)).toMatchObject({ pausedReason: null, pausedCode: null });
      report("pause-e110", {
        faultsInjected: 1,
        pausedMessages: whilePaused.paused ?? 0,
        expected: count.expected,
        delivered: count.delivered,
        lost: count.lost,
        duplicated: count.duplicated,
      });
      expect(count.lostKeys).toEqual([]);
      expect(count.duplicateKeys).toEqual([]);
    },
    budgetMs(60_000),
  );

  it(
    "GIVEN Kaleyra answering RBC001 (wrong SID or key) mid-run THEN the shop pauses with a banner, and after the merchant saves the right key nothing is lost",
    async () => {
      const keys: string[] = [];
      const rotated = "Arotated-api-key-0002";
      const before = scaled(20);
      const posting = postOrders(KEY_SHOP, scaled(60), keys);
      // Kaleyra's key changes under the app mid-run (rotated in Kaleyra's console, say).
      await waitFor(async () => (receivedFor(KEY_SHOP).length >= before ? true : undefined), budgetMs(30_000));
      rig.sandbox.addAccount({ sid: ACCOUNT.sid, apiKey: rotated, numbers: [ACCOUNT.number] });
      await posting;
      const paused = await settledPaused(KEY_SHOP);
      expect(paused).toMatchObject({ pausedReason: "config_error", pausedCode: "RBC001" });
      expect(paused.pausedDetail).toMatch(/SID or API key/i);
      const whilePaused = await messageStates(rig.db, KEY_SHOP);
      expect(whilePaused.paused).toBeGreaterThan(0);
      expect(whilePaused.failed).toBeUndefined();

      // The merchant saves the new key in Settings, which lifts the pause.
      await makeShop(rig.db, KEY_SHOP, { apiKey: rotated });
      await rig.db.transaction((tx) => resumeShop(tx, KEY_SHOP, new Date()));
      await waitFor(
        async () => ((await messageStates(rig.db, KEY_SHOP)).sent === keys.length ? true : undefined),
        budgetMs(30_000),
      );
      const count = countDeliveries(keys, receivedFor(KEY_SHOP));
      report("pause-rbc001", {
        faultsInjected: 1,
        pausedMessages: whilePaused.paused ?? 0,
        expected: count.expected,
        delivered: count.delivered,
        lost: count.lost,
        duplicated: count.duplicated,
      });
      expect(count.lostKeys).toEqual([]);
      expect(count.duplicateKeys).toEqual([]);
      rig.sandbox.addAccount({ sid: ACCOUNT.sid, apiKey: ACCOUNT.apiKey, numbers: [ACCOUNT.number] });
    },
    budgetMs(60_000),
  );

  it("GIVEN a worker whose view of the shop still says paused WHEN the pause was lifted meanwhile THEN the message goes back to the queue, not to paused", async () => {
    await worker.stop();
    const shop = KEY_SHOP;
    await rig.db.transaction((tx) => pauseShop(tx, shop, { reason: "config_error", code: "RBC001", detail: "test" }, new Date()));
    const keys: string[] = [];
    await postOrders(shop, 2, keys);
    expect((await messageStates(rig.db, shop)).paused).toBeGreaterThanOrEqual(2);
    // The merchant fixes the settings: the pause is lifted and the messages requeued...
    await rig.db.transaction((tx) => resumeShop(tx, shop, new Date()));
    const claimed = await claimDueMessages(rig.db, "stale-worker", 100, new Date(), new Date(Date.now() + 60_000));
    const mine = claimed.filter((m) => m.shopDomain === shop);
    expect(mine.length).toBeGreaterThanOrEqual(2);
    // ...while a worker, from its cached view, would park them again.
    for (const message of mine) expect(await parkWhilePaused(rig.db, message.id, "stale-worker", shop, new Date())).toBe(false);
    const states = await messageStates(rig.db, shop);
    expect(states.paused).toBeUndefined();
    expect(states.queued).toBe(mine.length);
    // Still paused: then it is parked.
    await rig.db.transaction((tx) => pauseShop(tx, shop, { reason: "config_error", code: "RBC001", detail: "test" }, new Date()));
    await rig.db.execute(`UPDATE "Message" SET "state" = 'queued' WHERE "shopDomain" = ? AND "state" = 'paused'`, [shop]);
    const again = (await claimDueMessages(rig.db, "stale-worker", 100, new Date(), new Date(Date.now() + 60_000))).filter((m) => m.shopDomain === shop);
    for (const message of again) expect(await parkWhilePaused(rig.db, message.id, "stale-worker", shop, new Date())).toBe(true);
    expect((await messageStates(rig.db, shop)).queued).toBeUndefined();
  });
});
