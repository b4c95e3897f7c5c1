import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlDatabase, type SqlDatabase } from "../app/db/sql.server";
import { slotsPerSecond } from "../app/outbox/claim.server";
import { startSandboxProcess, type SandboxClient } from "../bench/sandbox";
import { createTestDatabase, type TestDatabase } from "./helpers/database";
import { ACCOUNT, configureShop } from "./helpers/pipeline";
import { waitFor } from "./helpers/process";
import { startWorkerProcess, type WorkerProcess, type WorkerSend } from "./helpers/worker-process";

/**
 * Two delivery workers, each in a process of its own, share one database; the second
 * process's whole clock reads 5 s ahead of the machine's (and so of the database's). Before
 * the workers took their send windows in the database's time, each counted its sends in the
 * seconds of its own clock: the one ahead filled windows 5 s away, which were empty, and
 * sent in the same real seconds as the other, so one business number got twice its limit.
 *
 * How it is measured: every send is stamped by its worker just before the request leaves,
 * on that process's clock; minus the shift the test gave that clock, it is the machine's time
 * (which is SQLite's and the local PostgreSQL server's). No one-second window of those times
 * may hold more than the limit. That is the rate contract (claim.server's slotsPerSecond)
 * measured where the worker decides, so a busy test machine cannot crowd the arrivals on
 * their way and fail it. The limit is 4 a second (3 slots a second after the jitter margin):
 * the limit plus one sends in one second would need 5 slots that lie 1.33 s apart, a third of
 * a second more than any send is let trail its slot (or the two workers' readings of the
 * database's clock differ); before the fix the two workers made 6 a second between them.
 * The sandbox's arrival times are reported alongside.
 */
const SHOP = "skewed-processes.myshopify.com";
const RATE = 4;
const SHIFT_MS = 5_000;
const MESSAGES = 30;

let database: TestDatabase;
let db: SqlDatabase;
let sandbox: SandboxClient;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  db = openSqlDatabase(database.url);
  sandbox = await startSandboxProcess({ sid: ACCOUNT.sid, apiKey: ACCOUNT.apiKey, numbers: [ACCOUNT.number] });
  await configureShop(db, SHOP);
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  await sandbox?.close();
  await db?.close();
  await database?.drop();
}, 120_000);

/** All at once, in one transaction, so that both workers find the whole burst due together. */
async function queueBurst(count: number): Promise<void> {
  const due = new Date(Date.now() - 1000);
  await db.transaction(async (tx) => {
    for (let i = 0; i < count; i += 1) {
      const id = randomUUID();
      // One shopper per order: only the per-number rate paces them.
      await tx.execute(
        `INSERT INTO "Message" ("id", "shopDomain", "orderId", "status", "dedupeKey", "state", "rank", "recipient", "referenceId",
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

describe("two worker processes, one with its whole clock 5 s ahead", () => {
  it(`GIVEN a burst of ${MESSAGES} messages for one business number limited to ${RATE} a second WHEN both workers drain it THEN each is sent once and no second holds more than ${RATE}`, async () => {
    // GIVEN two idle workers, one on the machine's clock and one 5 s ahead of it
    const [onTime, ahead] = await Promise.all([startWorker("on-time", 0), startWorker("ahead", SHIFT_MS)]);
    workers.push(onTime, ahead);
    // The shift is real: each process reads its clock that far from the database's.
    expect(Math.abs(onTime.clockAheadMs)).toBeLessThanOrEqual(onTime.clockUncertaintyMs + 1000);
    expect(Math.abs(ahead.clockAheadMs - SHIFT_MS)).toBeLessThanOrEqual(ahead.clockUncertaintyMs + 1000);
    expect(slotsPerSecond(RATE)).toBe(3);

    // WHEN the burst is queued
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
    expect(states).toEqual([["sent", MESSAGES]]);
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));

    // THEN every message reached Kaleyra once...
    const received = await sandbox.messages();
    const referenceIds = received.map((message) => {
      const body = message.body as { messaging_object: { interactive: { action: { parameters: { reference_id: string } } } } };
      return body.messaging_object.interactive.action.parameters.reference_id;
    });
    expect(referenceIds).toHaveLength(MESSAGES);
    expect(new Set(referenceIds).size).toBe(MESSAGES);
    // ...both workers sent part of the burst, each send once...
    const sends: Array<WorkerSend & { worker: string; machineAt: number }> = [
      ...onTime.sends().map((send) => ({ ...send, worker: "on-time", machineAt: send.at })),
      ...ahead.sends().map((send) => ({ ...send, worker: "ahead", machineAt: send.at - SHIFT_MS })),
    ];
    const byWorker = { onTime: onTime.sends().length, ahead: ahead.sends().length };
    expect(byWorker.onTime).toBeGreaterThan(0);
    expect(byWorker.ahead).toBeGreaterThan(0);
    expect(new Set(sends.map((send) => send.referenceId)).size).toBe(sends.length);
    // ...and no second of the machine's clock held more than the limit.
    const busiest = busiestSecond(sends.map((send) => send.machineAt));
    const inBusiest = sends.filter((send) => send.machineAt >= busiest.from && send.machineAt < busiest.from + 1000);
    const arrivals = busiestSecond(received.map((message) => Date.parse(message.receivedAt)));
    const figures =
      `busiest second: ${busiest.count} sends (limit ${RATE}), ` +
      `${inBusiest.filter((send) => send.worker === "on-time").length} from the on-time worker and ` +
      `${inBusiest.filter((send) => send.worker === "ahead").length} from the one ahead; ` +
      `sends per worker: on-time ${byWorker.onTime}, ahead ${byWorker.ahead}; ` +
      `busiest second at the sandbox: ${arrivals.count} arrivals`;
    process.stdout.write(`[clock skew, ${database.provider}] ${figures}\n`);
    expect(busiest.count, figures).toBeLessThanOrEqual(RATE);
  }, 420_000);
});
