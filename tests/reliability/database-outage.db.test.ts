import pg from "pg";
import { MIN_LEASE_MS } from "../../app/config.server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findSecrets, suiteSecrets } from "../security/helpers/secrets";
import { sqliteFilePath } from "../../app/db/provider";
import { listenForConnectionErrors } from "../../app/db/sql.server";
import { startKaleyraSandbox, type KaleyraSandbox } from "../../sandbox/kaleyra-sandbox";
import { postgresAdminUrl, testProvider } from "../helpers/database";
import { fileDatabase } from "../helpers/file-database";
import { ACCOUNT, makeShop } from "../factories";
import { freePort, startProcess, startTcpProxy, waitFor, type RunningProcess } from "../helpers/process";
import { budgetMs, countDeliveries, messageKey, orderBody, percentile, report, scaled, sleep } from "./helpers/harness";
import { inboxWaiting, messageStates } from "./helpers/in-process";
import { PROCESS_SECRET, killHard, startServerProcess, waitForHealthy } from "./helpers/processes";
import { deliver, deliverPaced, type Delivery } from "./helpers/shopify";

/**
 * The database going away for a moment under the production server process (web and worker
 * in one, build/server.js) while Shopify keeps delivering webhooks:
 * - SQLite: another process holds the write lock (BEGIN IMMEDIATE), once for less than the
 *   5 s busy timeout and once for longer;
 * - PostgreSQL: every connection of the app killed (pg_terminate_backend), and the server
 *   unreachable for a few seconds (a TCP proxy cut, as a restart looks to the app).
 * Promised: a webhook is answered 200 only once its event is stored (else 5xx or no answer,
 * and Shopify retries); the worker carries on by itself; nothing is lost or sent twice.
 */
const SHOP = "outage-test.myshopify.com";
const LEASE_MS = MIN_LEASE_MS;

const { database, db } = fileDatabase();
let sandbox: KaleyraSandbox;
let proxy: Awaited<ReturnType<typeof startTcpProxy>> | undefined;
let server: RunningProcess;
let url: string;
let nextOrder = 300_000;

beforeAll(async () => {
  await makeShop(db, SHOP);
  sandbox = await startKaleyraSandbox({
    accounts: [{ sid: ACCOUNT.sid, apiKey: ACCOUNT.apiKey, numbers: [ACCOUNT.number] }],
    maxReceived: 10_000_000,
  });
  sandbox.setFaults({ latencyRangeMs: [20, 80] });
  let databaseUrl = database.url;
  if (database.provider === "postgresql") {
    const target = new URL(database.url);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    target.port = String(proxy.port);
    databaseUrl = target.toString();
  }
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  server = startServerProcess({ databaseUrl, kaleyraUrl: sandbox.url, port, leaseMs: LEASE_MS, logLevel: "info" });
  await waitForHealthy(url, server);
}, 60_000);

afterAll(async () => {
  if (server) await killHard(server);
  // What the server wrote through the outages (errors included) holds no secret.
  if (server) expect(findSecrets(suiteSecrets(), [{ where: "server process", text: server.output() }])).toEqual([]);
  await proxy?.close();
  await sandbox?.close();
});

/** Orders posted at a steady pace for `seconds`, while `fault` runs; returns keys and deliveries. */
async function underFault(seconds: number, fault: () => Promise<number>) {
  const perSecond = 20;
  const ids = Array.from({ length: Math.round(seconds * perSecond) }, () => String(++nextOrder));
  const posting = deliverPaced(ids, perSecond, (id) =>
    deliver(
      url,
      { topic: "orders/create", shop: SHOP, body: orderBody(id, Number(id)), secret: PROCESS_SECRET },
      { attempts: 40, retryDelayMs: 500, timeoutMs: 5000 },
    ),
  );
  await sleep(1000);
  const faults = await fault();
  const deliveries = await posting;
  return { keys: ids.map((id) => messageKey(SHOP, id)), deliveries, faults };
}

async function check(run: string, keys: string[], deliveries: Delivery[], faults: number, extra: Record<string, number> = {}) {
  await waitFor(
    async () => {
      const waiting = await inboxWaiting(db, SHOP);
      const states = await messageStates(db, SHOP);
      return waiting + (states.queued ?? 0) + (states.sending ?? 0) === 0 ? true : undefined;
    },
    budgetMs(90_000),
    "the inbox to be decided and the worker to send everything",
  ).catch(async (error: unknown) => {
    const states = JSON.stringify(await messageStates(db, SHOP));
    process.stdout.write(`messages: ${states}; server exit code: ${server.child.exitCode}\n${server.output().slice(-4000)}\n`);
    throw error;
  });
  // Every 200 the app gave is an event it kept.
  const answered200 = deliveries.filter((d) => d.ok).map((d) => d.webhookId);
  const kept = new Set(
    (
      await db.query<{ webhookId: string }>(`SELECT "webhookId" FROM "WebhookEvent" WHERE "shopDomain" = ?`, [SHOP])
    ).map((row) => row.webhookId),
  );
  const lostAfter200 = answered200.filter((id) => !kept.has(id));
  const count = countDeliveries(keys, sandbox.received);
  // The crash window, met by a live worker: its outcome could not be written before the lease
  // ended (the database gone, the process starved), so another pass sent the message again.
  // The worker says so for each one; those are the only copies allowed, and they are counted.
  const leaseLost = await keysOfLeaseLost(server.output());
  const outsideWindow = count.duplicateKeys.filter((key) => !leaseLost.has(key));
  const statuses = deliveries.flatMap((d) => d.statuses);
  report(`database-${run}`, {
    faultsInjected: faults,
    webhooks: deliveries.length,
    webhookAttempts: statuses.length,
    answered5xx: statuses.filter((s) => s >= 500).length,
    unanswered: statuses.filter((s) => s === 0).length,
    ackP99Ms: percentile(deliveries.flatMap((d) => d.durations), 99),
    lostAfter200: lostAfter200.length,
    ...extra,
    expected: count.expected,
    delivered: count.delivered,
    lost: count.lost,
    duplicated: count.duplicated,
    leaseLost: leaseLost.size,
    duplicatedOutsideWindow: outsideWindow.length,
  });
  try {
    expect(deliveries.every((d) => d.ok), "Shopify's retries all end in 200").toBe(true);
    expect(statuses.filter((s) => s !== 200 && s !== 0 && s < 500)).toEqual([]);
    expect(lostAfter200).toEqual([]);
    expect(count.lostKeys).toEqual([]);
    expect(outsideWindow).toEqual([]);
    expect(server.child.exitCode, "the server process is still running").toBeNull();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  } catch (error) {
    // Say why: the server's own warnings and last words (a crash, a failed write) name the cause.
    const notable = server
      .output()
      .split("\n")
      .filter((line) => !line.startsWith('{"level":"info"') && !line.startsWith('{"level":"debug"'));
    process.stdout.write(`server exit code: ${server.child.exitCode}\n${notable.slice(-60).join("\n").slice(-12_000)}\n`);
    throw error;
  }
}

/** The message keys of the sends whose lease ran out before their outcome was written. */
async function keysOfLeaseLost(output: string): Promise<Set<string>> {
  const ids = [...output.matchAll(/"messageId":"([^"]+)","msg":"lease lost before the outcome was recorded"/g)].map((m) => m[1]!);
  if (ids.length === 0) return new Set();
  const rows = await db.query<{ orderId: string; orderStatus: string }>(
    `SELECT "orderId", "orderStatus" FROM "Message" WHERE "id" IN (${ids.map(() => "?").join(", ")})`,
    ids,
  );
  return new Set(rows.map((row) => messageKey(SHOP, row.orderId, row.orderStatus)));
}

/** Another process takes SQLite's write lock and keeps it for `ms`. */
async function holdSqliteLock(ms: number): Promise<void> {
  const code = [
    "const Database = require('better-sqlite3');",
    "const db = new Database(process.argv[1], { timeout: 10000 });",
    "db.exec('BEGIN IMMEDIATE');",
    "process.stdout.write('locked\\n');",
    "setTimeout(() => { db.exec('COMMIT'); db.close(); process.stdout.write('released\\n'); }, Number(process.argv[2]));",
  ].join(" ");
  const holder = startProcess("node", ["-e", code, sqliteFilePath(database.url), String(ms)], {});
  await waitFor(async () => (holder.output().includes("locked") ? true : undefined), 10_000, "the lock");
  const exitCode = await holder.exited;
  expect(holder.output(), "the lock holder ran").toContain("released");
  expect(exitCode).toBe(0);
}

async function terminateBackends(): Promise<number> {
  const admin = new pg.Client({ connectionString: postgresAdminUrl() });
  await admin.connect();
  try {
    const name = new URL(database.url).pathname.slice(1);
    const result = await admin.query(
      `SELECT pg_terminate_backend("pid") FROM pg_stat_activity WHERE "datname" = $1 AND "pid" <> pg_backend_pid()`,
      [name],
    );
    return result.rowCount ?? 0;
  } finally {
    await admin.end();
  }
}

// Each engine's own outage: only the engine under test registers its cases (none is skipped).
const onEngine = (engine: string) => (testProvider() === engine ? describe : () => undefined);

onEngine("sqlite")("SQLite locked by another writer", () => {
  it(
    "GIVEN the write lock held for less than the busy timeout THEN webhooks wait and succeed, and the worker carries on",
    async () => {
      const { keys, deliveries } = await underFault(scaled(4), async () => {
        await holdSqliteLock(2000);
        return 1;
      });
      await check("sqlite-lock-2s", keys, deliveries, 1, { lockMs: 2000 });
    },
    budgetMs(120_000),
  );

  it(
    "GIVEN the write lock held longer than the busy timeout THEN webhooks get 503 or no answer, Shopify's retries succeed, nothing is lost",
    async () => {
      const { keys, deliveries } = await underFault(scaled(6), async () => {
        await holdSqliteLock(7000);
        return 1;
      });
      await check("sqlite-lock-7s", keys, deliveries, 1, { lockMs: 7000 });
    },
    budgetMs(150_000),
  );
});

onEngine("postgresql")("a connection that dies the moment the pool hands it out", () => {
  // The cause of the pg_terminate_backend run's rare total failure (the server process died of
  // an unhandled 'error' event): a kill that arrives in the same socket read as the new
  // connection's "ready" is emitted after pg-pool stops listening and before the caller's
  // `await pool.connect()` resumes. A microtask queued on 'acquire' runs exactly there.
  async function dieOnAcquire(pool: pg.Pool, broken?: WeakMap<pg.Client, Error>): Promise<{ thrown: unknown; released: boolean }> {
    let thrown: unknown;
    pool.once("acquire", (client: pg.PoolClient) =>
      queueMicrotask(() => {
        try {
          client.emit("error", new Error("terminating connection due to administrator command"));
        } catch (error) {
          thrown = error;
        }
      }),
    );
    const removed = new Promise<boolean>((resolve) => pool.once("remove", () => resolve(true)));
    const client = await pool.connect();
    // As the app's transaction does: a connection known to be broken goes back as broken.
    client.release(broken?.get(client));
    const released = await Promise.race([removed, sleep(2000).then(() => false)]);
    return { thrown, released };
  }

  it("GIVEN a plain pg pool THEN that error has no listener and would end the process", async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    pool.on("error", () => {});
    const { thrown } = await dieOnAcquire(pool);
    expect(String(thrown)).toMatch(/administrator command/);
    await pool.end().catch(() => {});
  });

  it("GIVEN the app's pool THEN the error is heard and the broken connection is discarded, not reused", async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    const { thrown, released } = await dieOnAcquire(pool, listenForConnectionErrors(pool));
    expect(thrown).toBeUndefined();
    expect(released).toBe(true);
    await pool.end();
  });
});

onEngine("postgresql")("PostgreSQL connections killed or unreachable", () => {
  it(
    "GIVEN every connection of the app killed (pg_terminate_backend), twice THEN webhooks answer 5xx or 200-and-kept, and the worker recovers",
    async () => {
      const { keys, deliveries, faults } = await underFault(scaled(5), async () => {
        let killed = 0;
        for (let round = 0; round < 2; round += 1) {
          killed += await terminateBackends();
          await sleep(1500);
        }
        return killed;
      });
      await check("pg-terminate", keys, deliveries, faults);
    },
    budgetMs(120_000),
  );

  it(
    "GIVEN PostgreSQL unreachable for 3 s (every connection cut, new ones refused) THEN webhooks answer 5xx until it is back, nothing is lost",
    async () => {
      const { keys, deliveries } = await underFault(scaled(6), async () => {
        await proxy!.cut();
        await sleep(3000);
        await proxy!.restore();
        return 1;
      });
      await check("pg-unreachable-3s", keys, deliveries, 1, { outageMs: 3000 });
    },
    budgetMs(150_000),
  );
});
