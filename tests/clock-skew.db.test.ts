import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { databaseClock, offsetFrom } from "../app/db/clock.server";
import { createKaleyraClient } from "../app/kaleyra/client.server";
import { startDeliveryWorker, type DeliveryWorker } from "../app/outbox/worker.server";
import { startKaleyraSandbox, type KaleyraSandbox } from "../sandbox/kaleyra-sandbox";
import { fileDatabase } from "./helpers/file-database";
import { ACCOUNT, makeMessage, makeShop } from "./factories";
import { waitFor } from "./helpers/process";

/**
 * Two delivery workers in this process share one database; one of them is given a clock
 * (its `now` option) 90 s ahead. Before the database clock, it took every lease of the other
 * as run out. Only part of the old worker read that option (it waited for its slots on the
 * real clock), so a small skew shows nothing here: whole-process clocks, 5 s and 90 s ahead,
 * are in clock-skew-processes.db.test.ts.
 */
const SHOP = "skewed-clocks.myshopify.com";
/** Low enough that a loaded machine's jitter cannot put limit+1 sends in one second by itself. */
const RATE = 5;
const MESSAGES = 24;

const { db } = fileDatabase();
let sandbox: KaleyraSandbox;
const workers: DeliveryWorker[] = [];

beforeAll(async () => {
  sandbox = await startKaleyraSandbox({ accounts: [{ sid: ACCOUNT.sid, apiKey: ACCOUNT.apiKey, numbers: [ACCOUNT.number] }] });
  sandbox.setFaults({ latencyMs: 150 });
  await makeShop(db, SHOP);
});

afterEach(async () => {
  for (const worker of workers.splice(0)) await worker.stop();
});

afterAll(async () => {
  await sandbox?.close();
});

async function queueOrders(count: number): Promise<void> {
  const due = new Date(Date.now() - 1000);
  for (let i = 0; i < count; i += 1) {
    // One shopper per order: only the per-number rate paces them.
    await makeMessage(db, SHOP, {
      orderId: `${9000 + i}`,
      orderName: null,
      orderStatus: "processing",
      state: "queued",
      rank: 0,
      recipient: `+1502555${String(1000 + i)}`,
      recipientSource: null,
      referenceId: `ref-${9000 + i}`,
      bodyText: "Your order is being prepared",
      attempts: 0,
      createdAt: due,
    });
  }
}

function startWorker(name: string, skewMs: number): DeliveryWorker {
  const worker = startDeliveryWorker({
    db,
    workerId: name,
    kaleyra: createKaleyraClient({ baseUrlOverride: sandbox.url }),
    concurrency: 4,
    ratePerSecond: RATE,
    idlePollMs: 100,
    leaseMs: 60_000,
    now: () => new Date(Date.now() + skewMs),
    fetchOrder: async () => Promise.reject(new Error("no Admin API in this test")),
  });
  workers.push(worker);
  return worker;
}

/** Most arrivals (ms, sorted) in any half-open one-second window. */
function maxPerSecond(sorted: number[]): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while (sorted[end]! - sorted[start]! >= 1000) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

describe("a worker whose clock is off", () => {
  for (const skewMs of [90_000]) {
    it(`GIVEN two workers, one clock ${skewMs / 1000} s ahead, WHEN they drain ${MESSAGES} messages THEN none is sent twice and no second holds more than ${RATE}`, async () => {
      sandbox.reset();
      sandbox.setFaults({ latencyMs: 150 });
      await db.execute(`DELETE FROM "Message"`);
      await db.execute(`DELETE FROM "SendWindow"`);
      await queueOrders(MESSAGES);

      startWorker("on-time", 0);
      startWorker("ahead", skewMs);
      await waitFor(
        async () => {
          const rows = await db.query<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "Message" WHERE "state" IN ('queued', 'sending')`);
          return Number(rows[0]?.n) === 0 ? true : undefined;
        },
        120_000,
        "the outbox to drain",
      );
      const sent = await db.query<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "Message" WHERE "state" = 'sent'`);
      expect(Number(sent[0]?.n)).toBe(MESSAGES);
      // A second send of a message would come from the other worker's pass: give it time.
      await new Promise((resolve) => setTimeout(resolve, 1500));

      const references = sandbox.received.map((m) => {
        const body = m.body as { messaging_object: { interactive: { action: { parameters: { reference_id: string } } } } };
        return body.messaging_object.interactive.action.parameters.reference_id;
      });
      expect(references.length - new Set(references).size).toBe(0);
      expect(references).toHaveLength(MESSAGES);
      const arrivals = sandbox.received.map((m) => Date.parse(m.receivedAt)).sort((a, b) => a - b);
      expect(maxPerSecond(arrivals)).toBeLessThanOrEqual(RATE);
    }, 180_000);
  }
});

describe("the database clock", () => {
  it("GIVEN a local clock 90 s ahead WHEN synced THEN it reads the database's time, within the round trip", async () => {
    const clock = databaseClock(db, () => new Date(Date.now() + 90_000));
    await clock.sync();
    // The database's clock is this machine's (SQLite) or a server on it (PostgreSQL).
    expect(Math.abs(clock.offsetMs() + 90_000)).toBeLessThanOrEqual(clock.uncertaintyMs() + 1000);
    expect(Math.abs(clock.nowMs() - Date.now())).toBeLessThan(1000 + clock.uncertaintyMs());
  });

  it("GIVEN a reading taken between two local times THEN the offset is from their midpoint", () => {
    expect(offsetFrom(1000, 5000, 1010)).toEqual({ offset: 3995, uncertainty: 5 });
  });
});
