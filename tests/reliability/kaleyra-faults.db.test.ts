import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findSecrets, suiteSecrets } from "../security/helpers/secrets";
import type { SandboxFaults } from "../../sandbox/kaleyra-sandbox";
import { budgetMs, captureLogger, countDeliveries, messageKey, orderBody, percentile, receivedKey, report, scaled, sleep } from "./helpers/harness";
import { messageStates, startFaultRig, type FaultRig, type RigWorker } from "./helpers/in-process";
import { deliver, deliverPaced, type Delivery } from "./helpers/shopify";
import { waitFor } from "../helpers/process";

/**
 * Kaleyra misbehaving while the app runs: signed webhooks over HTTP into the production
 * build, the delivery worker, and the sandbox injecting faults. Each run uses its own shop, so
 * its figures are its own. Retries follow the real schedule, 1000 times faster.
 */
const RUNS = ["outage", "resets", "timeouts", "slow", "late", "throttled"] as const;
const shopOf = (run: string) => `faults-${run}.myshopify.com`;

let rig: FaultRig;
const log = captureLogger();
let nextOrder = 700_000;

beforeAll(async () => {
  rig = await startFaultRig(RUNS.map((run) => ({ domain: shopOf(run) })));
});

afterEach(async () => {
  await rig?.stopWorkers();
});

afterAll(async () => {
  await rig?.stop();
  // Everything the worker logged (trace level), failures included, holds no secret.
  expect(findSecrets(suiteSecrets(), [{ where: "worker log", text: log.lines.join("") }])).toEqual([]);
});

/** Posts `count` orders for the shop (each one message), `perSecond`, and returns the deliveries. */
async function postOrders(shop: string, count: number, perSecond: number, keys: string[]): Promise<Delivery[]> {
  const ids = Array.from({ length: count }, () => String(++nextOrder));
  keys.push(...ids.map((id) => messageKey(shop, id)));
  return deliverPaced(ids, perSecond, (id) =>
    deliver(rig.app.url, { topic: "orders/create", shop, body: orderBody(id, Number(id)) }),
  );
}

function receivedFor(shop: string) {
  return rig.sandbox.received.filter((m) => (m.body as { extra_info?: { ref2?: string } }).extra_info?.ref2 === shop);
}

/** Requests the sandbox answered with a fault (not accepted), since `before`. */
function faultsSince(before: { requests: number; accepted: number }): number {
  const now = rig.sandbox.stats();
  return now.requests - before.requests - (now.accepted - before.accepted);
}

async function finish(
  run: string,
  worker: RigWorker,
  keys: string[],
  deliveries: Delivery[],
  extra: Record<string, number> | (() => Promise<Record<string, number>>) = {},
  quietMs = 0,
) {
  const shop = shopOf(run);
  await rig.drained(shop, budgetMs(60_000));
  // Requests the app gave up on may still be inside the sandbox: let them land before counting.
  await sleep(quietMs);
  const count = countDeliveries(keys, receivedFor(shop));
  const states = await messageStates(rig.db, shop);
  const acks = deliveries.flatMap((d) => d.durations);
  report(`kaleyra-${run}`, {
    webhooks: deliveries.length,
    webhookNon200: deliveries.filter((d) => d.statuses.some((s) => s !== 200)).length,
    ackP99Ms: percentile(acks, 99),
    ackMaxMs: Math.max(0, ...acks),
    ...(typeof extra === "function" ? await extra() : extra),
    expected: count.expected,
    delivered: count.delivered,
    lost: count.lost,
    duplicated: count.duplicated,
    extraCopies: count.extraCopies,
    timedOutSends: worker.timedOutSends(),
  });
  // Every webhook is taken. One answered after Shopify's 5 s (a busy machine) is sent again, as
  // Shopify would, and must still give one message: the counts below hold that. How fast the
  // answers come is a figure (ackP99Ms above, and `npm run bench`), not an assertion.
  expect(deliveries.filter((d) => !d.ok).map((d) => d.statuses), "webhooks never answered 200").toEqual([]);
  expect(deliveries.flatMap((d) => d.statuses).filter((s) => s !== 200 && s !== 0), "answers other than 200 or a timeout").toEqual([]);
  expect(count.unexpected).toBe(0);
  expect(count.lostKeys).toEqual([]);
  expect(states).toEqual({ sent: keys.length });
  // The only way to a second copy: the app stopped waiting for an answer Kaleyra then gave.
  // A busy machine can make a send miss its deadline in any run; each one is counted.
  expect(count.extraCopies, "extra copies beyond the sends that timed out").toBeLessThanOrEqual(worker.timedOutSends());
  return count;
}

describe("Kaleyra faults", () => {
  it(
    "GIVEN Kaleyra answering 500 for a stretch WHEN it recovers THEN every message is delivered exactly once",
    async () => {
      const worker = rig.startWorker({ logger: log.logger });
      const keys: string[] = [];
      const before = rig.sandbox.stats();
      rig.sandbox.setFaults({ errorRate: 1 });
      const outage = postOrders(shopOf("outage"), scaled(60), 30, keys);
      await sleep(3000);
      rig.sandbox.setFaults({});
      const deliveries = await outage;
      await finish("outage", worker, keys, deliveries, { faultsInjected: faultsSince(before), outageMs: 3000 });
      await worker.stop();
    },
    budgetMs(90_000),
  );

  it(
    "GIVEN connection resets on the Kaleyra call THEN every message is delivered exactly once",
    async () => {
      const worker = rig.startWorker({ logger: log.logger });
      const keys: string[] = [];
      const before = rig.sandbox.stats();
      const resets = scaled(40);
      rig.sandbox.setFaults({ resetNext: resets });
      const deliveries = await postOrders(shopOf("resets"), scaled(60), 40, keys);
      const count = await finish("resets", worker, keys, deliveries, { faultsInjected: faultsSince(before), resets });
      expect(faultsSince(before)).toBe(resets);
      expect(count.delivered).toBe(keys.length);
      await worker.stop();
    },
    budgetMs(90_000),
  );

  it(
    "GIVEN Kaleyra not answering at all for a while WHEN the client's deadline passes THEN the sends are retried and delivered once",
    async () => {
      const worker = rig.startWorker({ logger: log.logger, timeoutMs: 500 });
      const keys: string[] = [];
      const before = rig.sandbox.stats();
      rig.sandbox.setFaults({ hang: true });
      const hung = postOrders(shopOf("timeouts"), scaled(40), 20, keys);
      // Kaleyra stays silent until sends have met it (a loaded machine may take a while to get
      // the first message out), then for 2.5 s more.
      await waitFor(async () => (faultsSince(before) > 0 ? true : undefined), 60_000, "a send to meet the silent Kaleyra");
      await sleep(2500);
      rig.sandbox.setFaults({});
      const deliveries = await hung;
      const timedOut = faultsSince(before);
      const count = await finish("timeouts", worker, keys, deliveries, { faultsInjected: timedOut, hangMs: 2500 });
      expect(timedOut).toBeGreaterThan(0);
      // A hung request never reached Kaleyra's books (the sandbox records a message only when it
      // answers), so none of those timeouts may leave a copy; only later, slow sends could.
      expect(count.extraCopies).toBeLessThanOrEqual(worker.timedOutSends() - timedOut);
      await worker.stop();
    },
    budgetMs(90_000),
  );

  it(
    "GIVEN Kaleyra taking several seconds per answer WHEN webhooks keep arriving THEN each is acknowledged before Kaleyra answers and every message goes once",
    async () => {
      const worker = rig.startWorker({ logger: log.logger });
      const keys: string[] = [];
      const faults: SandboxFaults = { latencyMs: 3000 };
      rig.sandbox.setFaults(faults);
      const deliveries = await postOrders(shopOf("slow"), scaled(100), 30, keys);
      rig.sandbox.setFaults({});
      const acks = deliveries.flatMap((d) => d.durations);
      await finish("slow", worker, keys, deliveries, { kaleyraLatencyMs: 3000, ackP50Ms: percentile(acks, 50) });
      // The acknowledgement does not wait for Kaleyra: each webhook was answered before Kaleyra
      // (3 s per answer) took its message. An order of events, not a duration.
      const takenAt = new Map(receivedFor(shopOf("slow")).map((m) => [receivedKey(m), Date.parse(m.receivedAt)]));
      const answeredAfterKaleyra = keys.filter((key, i) => (deliveries[i]?.answeredAt.at(-1) ?? Infinity) >= (takenAt.get(key) ?? -Infinity));
      expect(answeredAfterKaleyra).toEqual([]);
      await worker.stop();
    },
    budgetMs(90_000),
  );

  it(
    "GIVEN Kaleyra answering after the client's deadline (it did take the message) THEN nothing is lost and each repeat is one timed-out send",
    async () => {
      // The one way Kaleyra's slowness can repeat a message: the app stops waiting (its
      // deadline, 10 s in production) and retries, while Kaleyra went on and accepted it.
      const worker = rig.startWorker({ logger: log.logger, timeoutMs: 400 });
      const keys: string[] = [];
      const lateOnes = scaled(10);
      rig.sandbox.setFaults({ latencyMs: 700 });
      const deliveries = await postOrders(shopOf("late"), lateOnes, 50, keys);
      // Let the first attempts time out, then answer at once again.
      await sleep(500);
      rig.sandbox.setFaults({});
      const timedOutAttempts = async () => {
        const rows = await rig.db.query<{ n: number }>(
          `SELECT COALESCE(SUM("attempts"), 0) - COUNT(*) AS "n" FROM "Message" WHERE "shopDomain" = ?`,
          [shopOf("late")],
        );
        return Number(rows[0]?.n);
      };
      const count = await finish(
        "late",
        worker,
        keys,
        deliveries,
        async () => ({ faultsInjected: await timedOutAttempts(), clientDeadlineMs: 400 }),
        1000,
      );
      expect(count.extraCopies).toBeLessThanOrEqual(await timedOutAttempts());
      await worker.stop();
    },
    budgetMs(60_000),
  );

  it(
    "GIVEN Kaleyra (or a gateway) answering 429 with Retry-After THEN the messages wait and are delivered once",
    async () => {
      const worker = rig.startWorker({ logger: log.logger });
      const keys: string[] = [];
      const before = rig.sandbox.stats();
      const throttled = scaled(30);
      rig.sandbox.setFaults({ status429: { retryAfter: "1", next: throttled } });
      const deliveries = await postOrders(shopOf("throttled"), scaled(40), 40, keys);
      const count = await finish("throttled", worker, keys, deliveries, { faultsInjected: faultsSince(before) });
      expect(faultsSince(before)).toBe(throttled);
      expect(count.delivered).toBe(keys.length);
      await worker.stop();
    },
    budgetMs(60_000),
  );
});
