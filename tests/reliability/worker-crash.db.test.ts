import { randomUUID } from "node:crypto";
import { MIN_LEASE_MS } from "../../app/config.server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findSecrets, suiteSecrets } from "../security/helpers/secrets";
import { drainInbox } from "../../app/inbox/processor.server";
import { acceptWebhook } from "../../app/webhooks/ingest.server";
import { startKaleyraSandbox, type KaleyraSandbox } from "../../sandbox/kaleyra-sandbox";
import { fileDatabase } from "../helpers/file-database";
import { ACCOUNT, makeShop } from "../factories";
import { waitFor, type RunningProcess } from "../helpers/process";
import { budgetMs, countDeliveries, messageKey, orderBody, receivedKey, report, scaled } from "./helpers/harness";
import { messageStates } from "./helpers/in-process";
import { killHard, startWorkerProcess } from "./helpers/processes";

/**
 * The stand-alone worker process (build/worker.js) killed with SIGKILL in the middle of its
 * batches and started again, against a sandbox that takes 100-400 ms per answer. Every
 * message is counted by what the sandbox received: once, twice or never.
 *
 * The crash window: a message is 'sending' from its claim until its outcome is written. A
 * worker killed in between leaves it 'sending'; the next worker takes it over when the lease
 * (WORKER_LEASE_MS, its 15 s minimum here, 60 s by default) runs out and sends it again. If the killed
 * worker's request had reached Kaleyra, that is a duplicate. Nothing else can repeat a send.
 */
const SHOP = "crash-test.myshopify.com";
const LEASE_MS = MIN_LEASE_MS;

const { database, db } = fileDatabase();
let sandbox: KaleyraSandbox;
const running: RunningProcess[] = [];

beforeAll(async () => {
  await makeShop(db, SHOP);
  sandbox = await startKaleyraSandbox({
    accounts: [{ sid: ACCOUNT.sid, apiKey: ACCOUNT.apiKey, numbers: [ACCOUNT.number] }],
    maxReceived: 10_000_000,
  });
  sandbox.setFaults({ latencyRangeMs: [100, 400], seed: 7 });
});

afterAll(async () => {
  for (const process of running) await killHard(process);
  // What the worker processes wrote (debug level), across their kills, holds no secret.
  const output = running.map((process) => process.output()).join("\n");
  expect(findSecrets(suiteSecrets(), [{ where: "worker processes", text: output }])).toEqual([]);
  await sandbox?.close();
});

async function sendingKeys(): Promise<string[]> {
  const rows = await db.query<{ orderId: string; orderStatus: string }>(
    `SELECT "orderId", "orderStatus" FROM "Message" WHERE "shopDomain" = ? AND "state" = 'sending'`,
    [SHOP],
  );
  return rows.map((row) => messageKey(SHOP, row.orderId, row.orderStatus));
}

describe("worker process killed mid-batch", () => {
  it(
    "GIVEN the worker killed with SIGKILL mid-batch and restarted THEN nothing is lost and only messages caught 'sending' are repeated",
    async () => {
      const total = scaled(300);
      const kills = scaled(2);
      const keys: string[] = [];
      for (let index = 0; index < total; index += 1) {
        const orderId = String(900_000 + index);
        keys.push(messageKey(SHOP, orderId));
        await acceptWebhook(
          db,
          {
            shop: SHOP,
            rawTopic: "orders/create",
            topic: "orders/create",
            webhookId: randomUUID(),
            rawBody: JSON.stringify(orderBody(orderId, index)),
            lane: orderId,
          },
          new Date(),
        );
      }
      await drainInbox({ db });
      expect(await messageStates(db, SHOP)).toEqual({ queued: total });

      const window = new Set<string>();
      let windowSize = 0;
      const seenBeforeKill: number[] = [];
      for (let kill = 1; kill <= kills; kill += 1) {
        const worker = startWorkerProcess({ databaseUrl: database.url, kaleyraUrl: sandbox.url, leaseMs: LEASE_MS });
        running.push(worker);
        // Kill once the sandbox has taken a further share of the messages: mid-batch, requests in flight.
        const target = Math.round((total * kill) / (kills + 1));
        const exitedEarly = () => worker.child.exitCode !== null || worker.child.signalCode !== null;
        const reached = await waitFor(
          async () => (exitedEarly() ? "exited" : sandbox.received.length >= target ? "reached" : undefined),
          budgetMs(30_000),
          `${target} messages at the sandbox`,
        ).catch(async (error: unknown) => {
          const states = JSON.stringify(await messageStates(db, SHOP));
          process.stdout.write(`kill ${kill}: received ${sandbox.received.length}, messages ${states}\n${worker.output().slice(-3000)}\n`);
          throw error;
        });
        if (reached === "exited") throw new Error(`the worker exited by itself before kill ${kill}:\n${worker.output().slice(-2000)}`);
        await killHard(worker);
        seenBeforeKill.push(sandbox.received.length);
        const caught = await sendingKeys();
        windowSize += caught.length;
        for (const key of caught) window.add(key);
        expect(caught.length, "a kill mid-batch leaves messages 'sending'").toBeGreaterThan(0);
      }

      const last = startWorkerProcess({ databaseUrl: database.url, kaleyraUrl: sandbox.url, leaseMs: LEASE_MS });
      running.push(last);
      await waitFor(
        async () => ((await messageStates(db, SHOP)).sent === total ? true : undefined),
        budgetMs(60_000),
        "every message sent",
      );
      last.child.kill("SIGTERM");
      expect(await last.exited).toBe(0);

      const count = countDeliveries(keys, sandbox.received);
      const outsideWindow = count.duplicateKeys.filter((key) => !window.has(key));
      report("worker-sigkill", {
        faultsInjected: kills,
        leaseMs: LEASE_MS,
        sendingAtKills: windowSize,
        sendingAtKillsDistinct: window.size,
        expected: count.expected,
        delivered: count.delivered,
        lost: count.lost,
        duplicated: count.duplicated,
        extraCopies: count.extraCopies,
        duplicatedOutsideWindow: outsideWindow.length,
      });
      expect(count.lostKeys).toEqual([]);
      expect(count.unexpected).toBe(0);
      expect(outsideWindow).toEqual([]);
      expect(count.extraCopies).toBeLessThanOrEqual(windowSize);
      expect(await messageStates(db, SHOP)).toEqual({ sent: total });
      // Each message id Kaleyra gave is recorded once (the kept outcome is one real send).
      const ids = await db.query<{ n: number }>(
        `SELECT COUNT(DISTINCT "kaleyraMessageId") AS "n" FROM "Message" WHERE "shopDomain" = ?`,
        [SHOP],
      );
      expect(Number(ids[0]?.n)).toBe(total);
      expect(new Set(sandbox.received.map(receivedKey)).size).toBe(total);
    },
    budgetMs(120_000),
  );
});
