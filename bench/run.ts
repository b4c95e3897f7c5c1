/**
 * `npm run bench`: the production build under load, on SQLite and on PostgreSQL.
 *
 *   tsx bench/run.ts [--engine sqlite|postgresql|both] [--only ack,burst,drain,pacing,e2e,growth,callbacks] [--out FILE]
 *
 * Starts `node build/server.js` (build it first; `npm run bench` does), the Kaleyra sandbox
 * (in this process) and the baseline server, on fresh databases (PostgreSQL at
 * BENCH_POSTGRES_URL / TEST_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres).
 * Prints a table per engine and merges the figures into bench/results.json. Loopback only.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { Agent, request } from "undici";
import pg from "pg";
import { claimDueMessages } from "../app/outbox/claim.server";
import type { SqlDatabase } from "../app/db/sql.server";
import type { ReceivedMessage } from "../sandbox/kaleyra-sandbox";
import { configureShops, createDatabase, openDatabase, postgresAdminUrl, seedMessages, settleAfterBulkInsert, type Engine } from "./db";
import { measurePaced, measureThroughput, percentile } from "./load";
import { startSandboxProcess, type SandboxClient } from "./sandbox";
import { BUILD_DIR, ENCRYPTION_KEY, SECRET, startApp, startBaseline, type AppProcess } from "./procs";
import { BENCH_ACCOUNT, benchShops, orderCreateBody, signedOrderCreate, statusCallbackDelivery, type BenchShop, type SignedDelivery } from "./webhooks";

const SECTIONS = ["ack", "burst", "drain", "pacing", "e2e", "growth", "callbacks"] as const;
type Section = (typeof SECTIONS)[number];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

// ---------------------------------------------------------------------------------------
// Settings: every figure below is bounded in time and count.

const CONCURRENCY = 50;
const ACK_WARMUP_S = 3;
const ACK_DURATION_S = 10;
const HALF_RATE_DURATION_S = 10;
/** Webhooks sent at once, each on its own connection (Shopify gives each 5 s). */
const BURST = 1000;
const SHOPIFY_DEADLINE_MS = 5000;
const DRAIN_BACKLOG = 20_000;
const DRAIN_TIMEOUT_S = 120;
const PACING_LIMIT = 80;
const PACING_SECONDS = 30;
const E2E_RATE = 100;
const E2E_DURATION_S = 20;
const E2E_WARMUP_S = 3;
const GROWTH_ROWS = 1_000_000;
const GROWTH_DURATION_S = 10;
const GROWTH_CLAIMS = 20;
const CLAIM_BATCH = 100;
const CALLBACK_MESSAGES = 2_000;
const CALLBACK_RATE = 100;
const CALLBACK_DURATION_S = 10;
const SHOPS = benchShops(10);

// ---------------------------------------------------------------------------------------

interface Args {
  engines: Engine[];
  only: Section[];
  out: string;
}

function parseArgs(argv: string[]): Args {
  const value = (name: string) => {
    const index = argv.indexOf(name);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const engine = value("--engine") ?? "both";
  if (!["sqlite", "postgresql", "both"].includes(engine)) throw new Error("--engine is sqlite, postgresql or both");
  const only = (value("--only") ?? SECTIONS.join(",")).split(",").map((s) => s.trim()) as Section[];
  for (const section of only) if (!SECTIONS.includes(section)) throw new Error(`--only takes ${SECTIONS.join(",")}`);
  return {
    engines: engine === "both" ? ["sqlite", "postgresql"] : [engine as Engine],
    only,
    out: value("--out") ?? path.join("bench", "results.json"),
  };
}

const log = (line: string) => console.log(`  ${new Date().toISOString().slice(11, 19)} ${line}`);
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Distinct orders and shoppers across the whole run. */
let nextOrder = 1_000_000_000;
let nextPhone = 0;

function deliveries(shops: BenchShop[]): () => ReturnType<typeof signedOrderCreate> {
  return () => {
    const order = nextOrder++;
    const phone = nextPhone++;
    const shop = shops[order % shops.length]!;
    return signedOrderCreate(shop.domain, orderCreateBody(String(order), phone), SECRET);
  };
}

async function withDatabase<T>(engine: Engine, label: string, work: (url: string, db: SqlDatabase) => Promise<T>): Promise<T> {
  const database = await createDatabase(engine, label);
  const db = openDatabase(database.url);
  try {
    await configureShops(db, SHOPS, ENCRYPTION_KEY);
    return await work(database.url, db);
  } finally {
    await db.close();
    await database.drop();
  }
}

/** The highest peak RSS seen of any app process in this run, per engine, and per section. */
const rssPeak: Record<Engine, number> = { sqlite: 0, postgresql: 0 };
const rssBySection: Record<Engine, Record<string, number>> = { sqlite: {}, postgresql: {} };

async function stopApp(engine: Engine, app: AppProcess, section: string): Promise<void> {
  const peak = app.peakRssMb();
  rssPeak[engine] = Math.max(rssPeak[engine], peak);
  rssBySection[engine][section] = Math.max(rssBySection[engine][section] ?? 0, peak);
  await app.stop();
}

async function count(db: SqlDatabase, sql: string, params: unknown[] = []): Promise<number> {
  const rows = await db.query<{ n: number | string }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

// ---------------------------------------------------------------------------------------
// ack: webhook acknowledgement, app versus baseline

async function benchAck(engine: Engine, sandbox: SandboxClient) {
  const app = await withDatabase(engine, "ack", async (url, db) => {
    const server = await startApp({ databaseUrl: url, kaleyraUrl: sandbox.url, runWorker: false });
    try {
      const next = deliveries(SHOPS);
      log(`ack: app warm-up ${ACK_WARMUP_S} s`);
      await measureThroughput(server.url, next, { connections: CONCURRENCY, durationS: ACK_WARMUP_S });
      const before = await count(db, `SELECT COUNT(*) AS "n" FROM "WebhookEvent" WHERE "outcome" = 'received'`);
      log(`ack: app ${ACK_DURATION_S} s at concurrency ${CONCURRENCY}`);
      const max = await measureThroughput(server.url, next, { connections: CONCURRENCY, durationS: ACK_DURATION_S });
      const kept = (await count(db, `SELECT COUNT(*) AS "n" FROM "WebhookEvent" WHERE "outcome" = 'received'`)) - before;
      const halfRate = Math.max(1, Math.round(max.rps / 2));
      log(`ack: app paced at ${halfRate}/s for ${HALF_RATE_DURATION_S} s`);
      const half = await measurePaced(server.url, next, {
        rate: halfRate,
        durationS: HALF_RATE_DURATION_S,
        connections: CONCURRENCY,
      });
      return { max, half, kept };
    } finally {
      await stopApp(engine, server, "ack");
    }
  });
  const baseline = await withDatabase(engine, "baseline", async (url) => {
    const server = await startBaseline(url);
    try {
      const next = deliveries(SHOPS);
      log(`ack: baseline warm-up ${ACK_WARMUP_S} s`);
      await measureThroughput(server.url, next, { connections: CONCURRENCY, durationS: ACK_WARMUP_S });
      log(`ack: baseline ${ACK_DURATION_S} s at concurrency ${CONCURRENCY}`);
      return await measureThroughput(server.url, next, { connections: CONCURRENCY, durationS: ACK_DURATION_S });
    } finally {
      await server.stop();
    }
  });
  return {
    concurrency: CONCURRENCY,
    app_rps: app.max.rps,
    app_p50_ms: app.max.p50_ms,
    app_p99_ms: app.max.p99_ms,
    app_failures: app.max.failures,
    // One 200, one delivery kept in the inbox (no processor runs in this process).
    app_deliveries_kept: app.kept,
    baseline_rps: baseline.rps,
    baseline_p50_ms: baseline.p50_ms,
    baseline_p99_ms: baseline.p99_ms,
    baseline_failures: baseline.failures,
    ratio: round(app.max.rps / Math.max(1, baseline.rps), 3),
    half_rate_rps: app.half.rate,
    half_rate_p50_ms: app.half.p50_ms,
    half_rate_p99_ms: app.half.p99_ms,
    half_rate_failures: app.half.failures,
  };
}

// ---------------------------------------------------------------------------------------
// burst: 1,000 webhooks at once on 1,000 connections, the worker in the app process

async function benchBurst(engine: Engine, sandbox: SandboxClient) {
  return withDatabase(engine, "burst", async (url, db) => {
    await sandbox.reset();
    const server = await startApp({ databaseUrl: url, kaleyraUrl: sandbox.url, runWorker: true, ratePerSecond: 1000 });
    const next = deliveries(SHOPS);
    const batch = Array.from({ length: BURST }, next);
    const agent = new Agent({ connections: BURST, headersTimeout: 120_000, bodyTimeout: 120_000 });
    log(`burst: ${BURST} webhooks at once`);
    const started = Date.now();
    try {
      const answers = await Promise.all(
        batch.map(async (delivery) => {
          try {
            const response = await request(`${server.url}${delivery.path}`, {
              method: "POST",
              headers: delivery.headers,
              body: delivery.body,
              dispatcher: agent,
            });
            await response.body.dump();
            return { ok: response.statusCode === 200, ms: Date.now() - started };
          } catch {
            return { ok: false, ms: Date.now() - started };
          }
        }),
      );
      const times = answers.map((answer) => answer.ms).sort((a, b) => a - b);
      await waitUntil(async () => (await sandbox.stats()).accepted >= BURST, 120_000).catch(() => {});
      return {
        webhooks: BURST,
        answered_200: answers.filter((answer) => answer.ok).length,
        within_5s: answers.filter((answer) => answer.ok && answer.ms <= SHOPIFY_DEADLINE_MS).length,
        p50_ms: percentile(times, 50),
        p99_ms: percentile(times, 99),
        max_ms: times[times.length - 1] ?? 0,
        messages_sent: (await sandbox.stats()).accepted,
        messages_recorded: await count(db, `SELECT COUNT(*) AS "n" FROM "Message"`),
      };
    } finally {
      await agent.close();
      await stopApp(engine, server, "burst");
    }
  });
}

// ---------------------------------------------------------------------------------------
// drain: a backlog of 20,000 queued messages into the sandbox, per-number limit lifted

let seedOffset = 0;

async function drainOnce(engine: Engine, sandbox: SandboxClient, latencyMs: number) {
  return withDatabase(engine, `drain${latencyMs}`, async (url, db) => {
    const offset = (seedOffset += 100_000_000);
    await seedMessages(db, { shops: SHOPS, count: DRAIN_BACKLOG, offset, state: "queued", at: new Date(Date.now() - 1000) });
    await sandbox.reset();
    await sandbox.setLatency(latencyMs);
    log(`drain: ${DRAIN_BACKLOG} queued, sandbox answering in ${latencyMs} ms`);
    // The per-number limit lifted: the highest WhatsApp tier (1,000/s) on each of 10 numbers.
    const server = await startApp({ databaseUrl: url, kaleyraUrl: sandbox.url, runWorker: true, ratePerSecond: 1000 });
    const deadline = Date.now() + DRAIN_TIMEOUT_S * 1000;
    try {
      while ((await sandbox.stats()).accepted < DRAIN_BACKLOG && Date.now() < deadline) await sleep(100);
    } finally {
      await stopApp(engine, server, "drain");
      await sandbox.setLatency(0);
    }
    const received = await sandbox.messages();
    const times = received.map((m) => Date.parse(m.receivedAt)).sort((a, b) => a - b);
    const first = times[0] ?? 0;
    const last = times[times.length - 1] ?? 0;
    const distinct = new Set(received.map(referenceIdOf)).size;
    const sent = await count(db, `SELECT COUNT(*) AS "n" FROM "Message" WHERE "state" = 'sent'`);
    return {
      rate: round(times.length > 1 ? ((times.length - 1) * 1000) / Math.max(1, last - first) : 0, 0),
      received: times.length,
      duplicates: times.length - distinct,
      recorded_sent: sent,
      seconds: round((last - first) / 1000, 2),
    };
  });
}

async function benchDrain(engine: Engine, sandbox: SandboxClient) {
  const fast = await drainOnce(engine, sandbox, 0);
  const slow = await drainOnce(engine, sandbox, 200);
  return {
    backlog: DRAIN_BACKLOG,
    rate_0ms: fast.rate,
    rate_200ms: slow.rate,
    run_0ms: fast,
    run_200ms: slow,
  };
}

// ---------------------------------------------------------------------------------------
// pacing: one business number at 80/s for 30 s

/** Most timestamps (ms) in any half-open window [t, t + widthMs). */
export function maxInWindow(sortedMs: number[], widthMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < sortedMs.length; end += 1) {
    while (sortedMs[end]! - sortedMs[start]! >= widthMs) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

async function benchPacing(engine: Engine, sandbox: SandboxClient) {
  return withDatabase(engine, "pacing", async (url, db) => {
    const shop = SHOPS[0]!;
    const backlog = PACING_LIMIT * (PACING_SECONDS + 10);
    const offset = (seedOffset += 100_000_000);
    await seedMessages(db, { shops: [shop], count: backlog, offset, state: "queued", at: new Date(Date.now() - 1000) });
    await sandbox.reset();
    log(`pacing: ${backlog} queued for one number, limit ${PACING_LIMIT}/s, ${PACING_SECONDS} s`);
    const server = await startApp({ databaseUrl: url, kaleyraUrl: sandbox.url, runWorker: true, ratePerSecond: PACING_LIMIT });
    try {
      await waitUntil(async () => (await sandbox.stats()).accepted > 0, 30_000);
      await sleep(PACING_SECONDS * 1000 + 1500);
    } finally {
      await stopApp(engine, server, "pacing");
    }
    const times = (await sandbox.messages()).map((m) => Date.parse(m.receivedAt)).sort((a, b) => a - b);
    const first = times[0] ?? 0;
    const inPeriod = times.filter((t) => t < first + PACING_SECONDS * 1000).length;
    const achieved = inPeriod / PACING_SECONDS;
    return {
      limit: PACING_LIMIT,
      seconds: PACING_SECONDS,
      achieved: round(achieved, 2),
      ratio: round(achieved / PACING_LIMIT, 3),
      max_window: maxInWindow(times, 1000),
      received: times.length,
    };
  });
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await sleep(20);
  }
}

function referenceIdOf(message: ReceivedMessage): string {
  const body = message.body as { messaging_object: { interactive: { action: { parameters: { reference_id: string } } } } };
  return body.messaging_object.interactive.action.parameters.reference_id;
}

// ---------------------------------------------------------------------------------------
// e2e: webhook received (WebhookEvent.receivedAt) -> request at the sandbox

async function benchE2e(engine: Engine, sandbox: SandboxClient) {
  return withDatabase(engine, "e2e", async (url, db) => {
    await sandbox.reset();
    const server = await startApp({ databaseUrl: url, kaleyraUrl: sandbox.url, runWorker: true });
    let load;
    const expected = E2E_RATE * E2E_DURATION_S;
    const next = deliveries(SHOPS);
    let firstMeasured = 0;
    try {
      log(`e2e: warm-up, then ${E2E_RATE} webhooks/s for ${E2E_DURATION_S} s, worker in the app process`);
      await measurePaced(server.url, next, { rate: E2E_RATE, durationS: E2E_WARMUP_S, connections: 10 });
      firstMeasured = nextOrder;
      load = await measurePaced(server.url, next, { rate: E2E_RATE, durationS: E2E_DURATION_S, connections: 10 });
      const total = expected + E2E_RATE * E2E_WARMUP_S;
      await waitUntil(async () => (await sandbox.stats()).accepted >= total, 30_000).catch(() => undefined);
    } finally {
      await stopApp(engine, server, "e2e");
    }
    const rows = await db.query<{ orderId: string; receivedAt: Date }>(
      `SELECT "orderId", "receivedAt" FROM "WebhookEvent" WHERE "orderId" IS NOT NULL`,
    );
    const receivedAt = new Map(rows.map((row) => [row.orderId, new Date(row.receivedAt).getTime()]));
    const delays: number[] = [];
    for (const message of await sandbox.messages()) {
      const order = referenceIdOf(message);
      const at = receivedAt.get(order);
      if (at !== undefined && Number(order) >= firstMeasured) delays.push(Date.parse(message.receivedAt) - at);
    }
    delays.sort((a, b) => a - b);
    return {
      rate: E2E_RATE,
      webhooks: load.ok,
      messages: delays.length,
      p50_ms: percentile(delays, 50),
      p99_ms: percentile(delays, 99),
      ack_p99_ms: load.p99_ms,
    };
  });
}

// ---------------------------------------------------------------------------------------
// callbacks: Kaleyra status callbacks acknowledged, app versus baseline; and the time from
// a callback to the state the merchant sees

interface SentMessage {
  id: string;
  shopDomain: string;
  kaleyraId: string;
}

async function sentMessages(db: SqlDatabase): Promise<SentMessage[]> {
  await seedMessages(db, { shops: SHOPS, count: CALLBACK_MESSAGES, state: "sent", at: new Date() });
  const rows = await db.query<{ id: string; shopDomain: string; kaleyraMessageId: string }>(
    `SELECT "id", "shopDomain", "kaleyraMessageId" FROM "Message" WHERE "state" = 'sent'`,
  );
  return rows.map((row) => ({ id: row.id, shopDomain: row.shopDomain, kaleyraId: row.kaleyraMessageId }));
}

/** Callbacks for the messages in turn, each status of each message once (sent, then delivered, then read). */
function callbacksFor(messages: SentMessage[], statuses: string[], postedAt?: Map<string, number>): () => SignedDelivery {
  let i = 0;
  return () => {
    const message = messages[i % messages.length]!;
    const status = statuses[Math.floor(i / messages.length) % statuses.length]!;
    i += 1;
    postedAt?.set(message.id, Date.now());
    return statusCallbackDelivery(message.shopDomain, message, status);
  };
}

async function callbackThroughput(engine: Engine, sandbox: SandboxClient, start: (url: string) => Promise<AppProcess>, label: string) {
  return withDatabase(engine, `callbacks_${label}`, async (url, db) => {
    const next = callbacksFor(await sentMessages(db), ["sent", "delivered", "read"]);
    const server = await start(url);
    try {
      log(`callbacks: ${label} warm-up ${ACK_WARMUP_S} s`);
      await measureThroughput(server.url, next, { connections: CONCURRENCY, durationS: ACK_WARMUP_S });
      log(`callbacks: ${label} ${ACK_DURATION_S} s at concurrency ${CONCURRENCY}`);
      return await measureThroughput(server.url, next, { connections: CONCURRENCY, durationS: ACK_DURATION_S });
    } finally {
      if (label === "app") await stopApp(engine, server, "callbacks");
      else await server.stop();
    }
  });
}

/**
 * Delivered callbacks at CALLBACK_RATE/s, the inbox processor in the app. Timed on this
 * process's clock only (the app's row times follow the database's clock, ms apart): the
 * delivered rows are counted every POLL_MS, and the k-th callback counts as visible once k
 * rows show delivered, whichever they are.
 */
const POLL_MS = 10;

async function callbackToVisible(engine: Engine, sandbox: SandboxClient) {
  return withDatabase(engine, "callbacks_visible", async (url, db) => {
    const messages = (await sentMessages(db)).slice(0, CALLBACK_RATE * CALLBACK_DURATION_S);
    const server = await startApp({ databaseUrl: url, kaleyraUrl: sandbox.url, runWorker: true });
    const postedAt = new Map<string, number>();
    const seen: Array<{ at: number; visible: number }> = [];
    const visible = () => count(db, `SELECT COUNT(*) AS "n" FROM "Message" WHERE "deliveryState" = 'delivered'`);
    let polling = true;
    const poller = (async () => {
      while (polling) {
        seen.push({ visible: await visible(), at: Date.now() });
        if (seen[seen.length - 1]!.visible >= messages.length) return;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    })();
    let load;
    try {
      log(`callbacks: ${CALLBACK_RATE} delivered callbacks/s for ${CALLBACK_DURATION_S} s, the inbox processor in the app`);
      load = await measurePaced(server.url, callbacksFor(messages, ["delivered"], postedAt), {
        rate: CALLBACK_RATE,
        durationS: CALLBACK_DURATION_S,
        connections: 10,
      });
      await Promise.race([poller, new Promise((resolve) => setTimeout(resolve, 60_000))]);
    } finally {
      polling = false;
      await poller;
      await stopApp(engine, server, "callbacks");
    }
    const posted = [...postedAt.values()].sort((a, b) => a - b);
    const delays = posted
      .map((at, k) => (seen.find((poll) => poll.visible > k)?.at ?? Number.NaN) - at)
      .filter((delay) => Number.isFinite(delay))
      .sort((a, b) => a - b);
    return { rate: CALLBACK_RATE, callbacks: load.ok, applied: delays.length, p50_ms: percentile(delays, 50), p99_ms: percentile(delays, 99) };
  });
}

async function benchCallbacks(engine: Engine, sandbox: SandboxClient) {
  const app = await callbackThroughput(engine, sandbox, (url) => startApp({ databaseUrl: url, kaleyraUrl: sandbox.url, runWorker: false }), "app");
  const baseline = await callbackThroughput(engine, sandbox, (url) => startBaseline(url), "baseline");
  const visible = await callbackToVisible(engine, sandbox);
  return {
    concurrency: CONCURRENCY,
    app_rps: app.rps,
    app_p99_ms: app.p99_ms,
    app_failures: app.failures,
    baseline_rps: baseline.rps,
    baseline_failures: baseline.failures,
    ratio: round(app.rps / Math.max(1, baseline.rps), 3),
    visible_rate: visible.rate,
    visible_applied: visible.applied,
    visible_p50_ms: visible.p50_ms,
    visible_p99_ms: visible.p99_ms,
  };
}

// ---------------------------------------------------------------------------------------
// growth: ack p99 and claim time, 1,000,000 rows in Message versus empty

async function claimTimes(db: SqlDatabase, offset: number): Promise<{ median_ms: number; p90_ms: number }> {
  // Only this measurement's messages are due: earlier ones count as sent.
  await db.execute(`UPDATE "Message" SET "state" = 'sent' WHERE "state" IN ('queued', 'sending')`);
  await seedMessages(db, { shops: SHOPS, count: GROWTH_CLAIMS * CLAIM_BATCH, offset, state: "queued", at: new Date(Date.now() - 1000) });
  const times: number[] = [];
  for (let i = 0; i < GROWTH_CLAIMS; i += 1) {
    const now = new Date();
    const started = performance.now();
    const claimed = await claimDueMessages(db, "bench-claimer", CLAIM_BATCH, now, new Date(now.getTime() + 60_000));
    times.push(performance.now() - started);
    if (claimed.length !== CLAIM_BATCH) throw new Error(`claimed ${claimed.length}, expected ${CLAIM_BATCH}`);
  }
  await db.execute(`DELETE FROM "Message" WHERE "lockedBy" = ?`, ["bench-claimer"]);
  times.sort((a, b) => a - b);
  return { median_ms: round(percentile(times, 50), 2), p90_ms: round(percentile(times, 90), 2) };
}

async function benchGrowth(engine: Engine, sandbox: SandboxClient, rate: number) {
  return withDatabase(engine, "growth", async (url, db) => {
    const server = await startApp({ databaseUrl: url, kaleyraUrl: sandbox.url, runWorker: false });
    try {
      const next = deliveries(SHOPS);
      const measure = async (label: string) => {
        await measurePaced(server.url, next, { rate, durationS: 2, connections: CONCURRENCY });
        log(`growth: ack paced at ${rate}/s for ${GROWTH_DURATION_S} s (${label})`);
        return measurePaced(server.url, next, { rate, durationS: GROWTH_DURATION_S, connections: CONCURRENCY });
      };
      log("growth: claim time, empty table");
      const claimEmpty = await claimTimes(db, (seedOffset += 100_000_000));
      const ackEmpty = await measure("empty");
      log(`growth: inserting ${GROWTH_ROWS.toLocaleString("en")} sent messages`);
      const seedStarted = Date.now();
      await seedMessages(db, { shops: SHOPS, count: GROWTH_ROWS, offset: (seedOffset += 100_000_000), state: "sent", at: new Date(Date.now() - 86_400_000) });
      const seedSeconds = round((Date.now() - seedStarted) / 1000, 1);
      await settleAfterBulkInsert(engine, url);
      const rows = await count(db, `SELECT COUNT(*) AS "n" FROM "Message"`);
      log(`growth: ${rows.toLocaleString("en")} rows in Message (inserted in ${seedSeconds} s); claim time`);
      const claimFull = await claimTimes(db, (seedOffset += 100_000_000));
      const ackFull = await measure("1M rows");
      return {
        rows,
        seed_seconds: seedSeconds,
        rate,
        ack_p99_empty_ms: ackEmpty.p99_ms,
        ack_p99_full_ms: ackFull.p99_ms,
        ack_p99_ratio: round(ackFull.p99_ms / ackEmpty.p99_ms, 2),
        claim_empty_ms: claimEmpty.median_ms,
        claim_full_ms: claimFull.median_ms,
        claim_ratio: round(claimFull.median_ms / claimEmpty.median_ms, 2),
        claim_batch: CLAIM_BATCH,
        failures: ackEmpty.failures + ackFull.failures,
      };
    } finally {
      await stopApp(engine, server, "growth");
    }
  });
}

// ---------------------------------------------------------------------------------------
// Report

type Results = Record<string, unknown>;

interface Goal {
  name: string;
  value: number | undefined;
  goal: string;
  met: (value: number) => boolean;
}

function goalsOf(r: Results): Goal[] {
  const get = (section: string, key: string) => {
    const value = (r[section] as Record<string, unknown> | undefined)?.[key];
    return typeof value === "number" ? value : undefined;
  };
  return [
    { name: "ack.ratio", value: get("ack", "ratio"), goal: ">= 0.5", met: (v) => v >= 0.5 },
    { name: "ack p99 at half max (ms)", value: get("ack", "half_rate_p99_ms"), goal: "< 50", met: (v) => v < 50 },
    { name: "callbacks.ratio", value: get("callbacks", "ratio"), goal: ">= 0.5", met: (v) => v >= 0.5 },
    { name: "drain.rate_0ms (msg/s)", value: get("drain", "rate_0ms"), goal: ">= 1000", met: (v) => v >= 1000 },
    { name: "drain.rate_200ms (msg/s)", value: get("drain", "rate_200ms"), goal: ">= 500", met: (v) => v >= 500 },
    { name: "pacing.ratio", value: get("pacing", "ratio"), goal: "0.95..1.0", met: (v) => v >= 0.95 && v <= 1.0 },
    { name: "pacing.max_window", value: get("pacing", "max_window"), goal: "<= 80", met: (v) => v <= 80 },
    { name: "growth.ack_p99_ratio", value: get("growth", "ack_p99_ratio"), goal: "<= 1.5", met: (v) => v <= 1.5 },
    { name: "growth.claim_ratio", value: get("growth", "claim_ratio"), goal: "<= 1.5", met: (v) => v <= 1.5 },
    { name: "rss_mb", value: typeof r.rss_mb === "number" ? r.rss_mb : undefined, goal: "< 300", met: (v) => v < 300 },
  ];
}

function printTable(engine: Engine, r: Results): void {
  const ack = r.ack as Record<string, number> | undefined;
  const e2e = r.e2e as Record<string, number> | undefined;
  console.log(`\n${engine}`);
  const rows: string[][] = [["figure", "value", "goal", "met"]];
  for (const goal of goalsOf(r)) {
    if (goal.value === undefined) continue;
    rows.push([goal.name, String(goal.value), goal.goal, goal.met(goal.value) ? "yes" : "NO"]);
  }
  if (ack) {
    rows.push(["ack app req/s (p50/p99 ms)", `${ack.app_rps} (${ack.app_p50_ms}/${ack.app_p99_ms})`, "", ""]);
    rows.push(["ack baseline req/s (p50/p99 ms)", `${ack.baseline_rps} (${ack.baseline_p50_ms}/${ack.baseline_p99_ms})`, "", ""]);
  }
  const burst = r.burst as Record<string, number> | undefined;
  if (burst) rows.push(["burst 200s within 5 s (p50/p99 ms)", `${burst.within_5s} of ${burst.webhooks} (${burst.p50_ms}/${burst.p99_ms})`, "", ""]);
  if (e2e) rows.push(["e2e p50/p99 ms", `${e2e.p50_ms}/${e2e.p99_ms} at ${e2e.rate}/s`, "", ""]);
  const callbacks = r.callbacks as Record<string, number> | undefined;
  if (callbacks) {
    rows.push(["callbacks app / baseline req/s", `${callbacks.app_rps} / ${callbacks.baseline_rps}`, "", ""]);
    rows.push(["callback to visible p50/p99 ms", `${callbacks.visible_p50_ms}/${callbacks.visible_p99_ms} at ${callbacks.visible_rate}/s`, "", ""]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) console.log(`  ${row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ")}`);
}

async function machine(engines: Engine[]): Promise<Record<string, unknown>> {
  const cpus = os.cpus();
  const info: Record<string, unknown> = {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
  };
  const sqlite = new Database(":memory:");
  info.sqlite = (sqlite.prepare("SELECT sqlite_version() AS v").get() as { v: string }).v;
  sqlite.close();
  if (engines.includes("postgresql")) {
    const client = new pg.Client({ connectionString: postgresAdminUrl() });
    await client.connect();
    info.postgresql = (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v;
    await client.end();
  }
  return info;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(path.join(BUILD_DIR, "server.js"))) {
    throw new Error(`${BUILD_DIR}/server.js is missing: run \`npm run build\` first (\`npm run bench\` does)`);
  }
  const started = Date.now();
  const all = sandboxAccountNumbers();
  const sandbox = await startSandboxProcess({ sid: BENCH_ACCOUNT.sid, apiKey: BENCH_ACCOUNT.apiKey, numbers: all });
  const previous = existsSync(args.out) ? (JSON.parse(readFileSync(args.out, "utf8")) as Results) : {};
  const output: Results = { ...previous, machine: await machine(args.engines), generated_at: new Date().toISOString() };
  try {
    for (const engine of args.engines) {
      console.log(`\n== ${engine} ==`);
      const results: Results = { ...((previous[engine] as Results | undefined) ?? {}) };
      const run = async (section: Section, work: () => Promise<unknown>) => {
        if (!args.only.includes(section)) return;
        const t = Date.now();
        results[section] = await work();
        log(`${section} done in ${round((Date.now() - t) / 1000, 0)} s: ${JSON.stringify(results[section])}`);
      };
      await run("ack", () => benchAck(engine, sandbox));
      await run("burst", () => benchBurst(engine, sandbox));
      await run("drain", () => benchDrain(engine, sandbox));
      await run("pacing", () => benchPacing(engine, sandbox));
      await run("e2e", () => benchE2e(engine, sandbox));
      const ackRps = (results.ack as { app_rps?: number } | undefined)?.app_rps;
      await run("growth", () => benchGrowth(engine, sandbox, Math.max(20, Math.round((ackRps ?? 200) / 2))));
      await run("callbacks", () => benchCallbacks(engine, sandbox));
      if (rssPeak[engine] > 0) {
        // Sections not run this time keep their earlier peaks; keys that name no section
        // (older files had one for a whole run) are dropped, so no stale peak outlives a rerun.
        const earlier = Object.entries((results.rss_mb_by_section as Record<string, number> | undefined) ?? {}).filter(([key]) =>
          (SECTIONS as readonly string[]).includes(key),
        );
        const bySection = { ...Object.fromEntries(earlier), ...rssBySection[engine] };
        results.rss_mb_by_section = bySection;
        results.rss_mb = Math.max(...Object.values(bySection));
      }
      output[engine] = results;
      printTable(engine, results);
    }
  } finally {
    await sandbox.close();
  }
  writeFileSync(args.out, `${JSON.stringify(output, null, 2)}\n`);
  console.log(`\nwrote ${args.out} in ${round((Date.now() - started) / 1000, 0)} s`);
}

function sandboxAccountNumbers(): string[] {
  return SHOPS.map((shop) => shop.businessNumber);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
