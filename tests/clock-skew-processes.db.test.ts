import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { slotsPerSecond } from "../app/outbox/pacing";
import { startSandboxProcess, type SandboxClient } from "../bench/sandbox";
import type { ReceivedMessage } from "../sandbox/kaleyra-sandbox";
import { fileDatabase } from "./helpers/file-database";
import { ACCOUNT, makeShop } from "./factories";
import { waitFor } from "./helpers/process";
import { startWorkerProcess, type WorkerProcess, type WorkerSend } from "./helpers/worker-process";

/**
 * Two delivery workers, each in a process of its own, share one database; the second
 * process's whole clock reads ahead of the machine's (and so of the database's), as on a host
 * whose clock is wrong. Before the workers took their decisions in the database's time:
 * - 5 s ahead, each counted its sends in the seconds of its own clock: the one ahead filled
 *   send windows 5 s away, which were empty, and sent in the same real seconds as the other,
 *   so one business number got about twice its limit;
 * - 90 s ahead, the one ahead took the other's live leases (60 s) as run out and sent the
 *   messages in flight a second time.
 *
 * How the rate is measured: every send is stamped by its worker just before the request
 * leaves, on that process's clock; minus the shift the test gave that clock, it is the
 * machine's time (which is SQLite's and the local PostgreSQL server's). No one-second window
 * of those times may hold more than the limit. That is the rate contract (claim.server's
 * slotsPerSecond) measured where the worker decides, so a busy test machine cannot crowd the
 * arrivals on their way and fail it. The limit is 4 a second (3 slots a second after the
 * jitter margin): the limit plus one sends in one second would need 5 slots that lie 1.33 s
 * apart, a third of a second more than any send is let trail its slot (or the two workers'
 * readings of the database's clock differ); before the fix the two workers made 6 a second
 * between them. The sandbox's arrival times are reported alongside.
 */
const SHOP = "skewed-processes.myshopify.com";
const RATE = 4;
const MESSAGES = 30;

const { database, db } = fileDatabase();
let sandbox: SandboxClient;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  sandbox = await startSandboxProcess({ sid: ACCOUNT.sid, apiKey: ACCOUNT.apiKey, numbers: [ACCOUNT.number] });
  await makeShop(db, SHOP);
}, 120_000);

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
}, 60_000);

afterAll(async () => {
  await sandbox?.close();
}, 120_000);

/** All at once, in one transaction, so that both workers find the whole burst due together. */
async function queueBurst(count: number): Promise<void> {
  const due = new Date(Date.now() - 1000);
  await db.transaction(async (tx) => {
    for (let i = 0; i < count; i += 1) {
      const id = randomUUID();
      // One shopper per order: only the per-number rate paces them.
      await tx.execute(
        `INSERT INTO "Message" ("id", "shopDomain", "orderId", "orderStatus", "dedupeKey", "state", "rank", "recipient", "referenceId",
           "bodyText", "nextAttemptAt", "createdAt", "updatedAt")
         VALUES (?, ?, ?, 'processing', ?, 'queued', 0, ?, ?, 'Your order is being prepared', ?, ?, ?)`,
        [id, SHOP, `${7000 + i}`, `order:${id}`, `+1502556${String(1000 + i)}`, `ref-${7000 + i}`, due, due, due],
      );
    }
  });
}

/** The most times (ms) in any half-open one-second window, and where that window starts. */
function busiestSecond(times: number[]): { count: number; from: number } {
  const sorted = [...times].sort((a, b) => a - b);
  let best = { count: 0, from: Number.NaN };
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while (sorted[end]! - sorted[start]! >= 1000) start += 1;
    if (end - start + 1 > best.count) best = { count: end - start + 1, from: sorted[start]! };
  }
  return best;
}

function startWorker(workerId: string, clockShiftMs: number): Promise<WorkerProcess> {
  return startWorkerProcess({
    workerId,
    databaseUrl: database.url,
    kaleyraUrl: sandbox.url,
    clockShiftMs,
    concurrency: 4,
    ratePerSecond: RATE,
    idlePollMs: 100,
    leaseMs: 60_000,
  });
}

function referenceIdOf(message: ReceivedMessage): string {
  const body = message.body as { messaging_object: { interactive: { action: { parameters: { reference_id: string } } } } };
  return body.messaging_object.interactive.action.parameters.reference_id;
}

describe("two worker processes, one with its whole clock ahead", () => {
  for (const shiftMs of [5_000, 90_000]) {
    it(`GIVEN one worker's clock ${shiftMs / 1000} s ahead and a burst of ${MESSAGES} messages for one business number limited to ${RATE} a second WHEN both workers drain it THEN each is sent once and no second holds more than ${RATE}`, async () => {
      // GIVEN two idle workers, one on the machine's clock and one ahead of it
      await sandbox.reset();
      for (const table of ["Message", "SendWindow", "RecipientPace"]) await db.execute(`DELETE FROM "${table}"`);
      const [onTime, ahead] = await Promise.all([startWorker("on-time", 0), startWorker("ahead", shiftMs)]);
      workers.push(onTime, ahead);
      // The shift is real: each process reads its clock that far from the database's.
      expect(Math.abs(onTime.clockAheadMs)).toBeLessThanOrEqual(onTime.clockUncertaintyMs + 1000);
      expect(Math.abs(ahead.clockAheadMs - shiftMs)).toBeLessThanOrEqual(ahead.clockUncertaintyMs + 1000);
      expect(slotsPerSecond(RATE)).toBe(3);

      // WHEN the burst is queued and drained
      await queueBurst(MESSAGES);
      const states = await waitFor(
        async () => {
          const rows = await db.query<{ state: string; n: number }>(`SELECT "state", COUNT(*) AS "n" FROM "Message" GROUP BY "state"`);
          const open = rows.filter((row) => row.state === "queued" || row.state === "sending");
          return open.length === 0 ? rows.map((row) => [row.state, Number(row.n)]) : undefined;
        },
        240_000,
        "the outbox to drain",
      );
      await Promise.all(workers.splice(0).map((worker) => worker.stop()));

      const received = await sandbox.messages();
      const referenceIds = received.map(referenceIdOf);
      const sends: Array<WorkerSend & { worker: string; machineAt: number }> = [
        ...onTime.sends().map((send) => ({ ...send, worker: "on-time", machineAt: send.at })),
        ...ahead.sends().map((send) => ({ ...send, worker: "ahead", machineAt: send.at - shiftMs })),
      ];
      const busiest = busiestSecond(sends.map((send) => send.machineAt));
      const inBusiest = sends.filter((send) => send.machineAt >= busiest.from && send.machineAt < busiest.from + 1000);
      const figures =
        `+${shiftMs / 1000} s: ${referenceIds.length} received for ${MESSAGES} messages ` +
        `(${referenceIds.length - new Set(referenceIds).size} sent twice); ` +
        `busiest second: ${busiest.count} sends (limit ${RATE}), ` +
        `${inBusiest.filter((send) => send.worker === "on-time").length} from the on-time worker and ` +
        `${inBusiest.filter((send) => send.worker === "ahead").length} from the one ahead; ` +
        `sends per worker: on-time ${onTime.sends().length}, ahead ${ahead.sends().length}; ` +
        `busiest second at the sandbox: ${busiestSecond(received.map((message) => Date.parse(message.receivedAt))).count} arrivals`;
      process.stdout.write(`[clock skew, ${database.provider}] ${figures}\n`);

      // THEN every message reached Kaleyra once...
      expect(states, figures).toEqual([["sent", MESSAGES]]);
      expect(referenceIds, figures).toHaveLength(MESSAGES);
      expect(new Set(referenceIds).size, figures).toBe(MESSAGES);
      // ...both workers sent part of the burst...
      expect(onTime.sends().length, figures).toBeGreaterThan(0);
      expect(ahead.sends().length, figures).toBeGreaterThan(0);
      // ...and no second of the machine's clock held more than the limit.
      expect(busiest.count, figures).toBeLessThanOrEqual(RATE);
    }, 420_000);
  }
});
