import { existsSync } from "node:fs";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configureShops } from "../bench/db";
import { startSandboxProcess, type SandboxClient } from "../bench/sandbox";
import { BENCH_ACCOUNT, benchShops, orderCreateBody, signedOrderCreate } from "../bench/webhooks";
import type { ReceivedMessage } from "../sandbox/kaleyra-sandbox";
import { fileDatabase } from "./helpers/file-database";
import { freePort, startProcess, waitFor, type RunningProcess } from "./helpers/process";
import { percentile, report } from "./reliability/helpers/harness";
import { waitForHealthy } from "./reliability/helpers/processes";

/**
 * A burst as Shopify sends one after a flash sale: 1,000 signed orders/create webhooks at
 * once, on 1,000 connections, to the production server process (web and worker). Every one
 * must be answered 200, every order processed, and every shopper told exactly once. How fast
 * the answers came is a figure (reported here and measured by `npm run bench`), not an
 * assertion: on a loaded machine it is the machine that decides.
 */
const BURST = 1000;
const SHOPS = benchShops(5);
const SECRET = "burst-test-secret";
const ENCRYPTION_KEY = Buffer.alloc(32, 9).toString("base64");
const ORDER_BASE = 770_000_000_000;

const { database, db } = fileDatabase();
let sandbox: SandboxClient;
let server: RunningProcess;
let url: string;

function referenceIdOf(message: ReceivedMessage): string {
  const body = message.body as { messaging_object: { interactive: { action: { parameters: { reference_id: string } } } } };
  return body.messaging_object.interactive.action.parameters.reference_id;
}

beforeAll(async () => {
  if (!existsSync("build/server.js")) throw new Error("build/server.js is missing: run `npm run build` first");
  await configureShops(db, SHOPS, ENCRYPTION_KEY);
  sandbox = await startSandboxProcess({ sid: BENCH_ACCOUNT.sid, apiKey: BENCH_ACCOUNT.apiKey, numbers: SHOPS.map((shop) => shop.businessNumber) });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  server = startProcess("node", ["build/server.js"], {
    SHOPIFY_API_KEY: "burst-test",
    SHOPIFY_API_SECRET: SECRET,
    SHOPIFY_APP_URL: url,
    DATABASE_URL: database.url,
    ENCRYPTION_KEY,
    PORT: String(port),
    LOG_LEVEL: "warn",
    KALEYRA_BASE_URL: sandbox.url,
    RUN_WORKER: "true",
    SEND_RATE_PER_SECOND: "200",
  });
  await waitForHealthy(url, server);
}, 120_000);

afterAll(async () => {
  server?.child.kill("SIGTERM");
  await server?.exited;
  await sandbox?.close();
});

describe("a burst of webhooks", () => {
  it("GIVEN 1,000 signed orders/create webhooks sent at once WHEN the server takes them THEN all are answered 200, processed, and each shopper is told once", async () => {
    const deliveries = Array.from({ length: BURST }, (_, i) =>
      signedOrderCreate(SHOPS[i % SHOPS.length]!.domain, orderCreateBody(String(ORDER_BASE + i), i), SECRET, `burst-${i}`),
    );
    // One connection per webhook, as Shopify's senders open them; long deadlines: the
    // outcome is asserted, the time is reported.
    const agent = new Agent({ connections: BURST, headersTimeout: 300_000, bodyTimeout: 300_000 });
    const started = Date.now();
    const answers = await Promise.all(
      deliveries.map(async (delivery) => {
        const response = await request(`${url}${delivery.path}`, {
          method: "POST",
          headers: delivery.headers,
          body: delivery.body,
          dispatcher: agent,
        });
        await response.body.dump();
        return { status: response.statusCode, ms: Date.now() - started };
      }),
    );
    await agent.close();

    const statuses = new Map<number, number>();
    for (const { status } of answers) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    expect(Object.fromEntries(statuses)).toEqual({ 200: BURST });

    await waitFor(async () => ((await sandbox.stats()).accepted >= BURST ? true : undefined), 300_000, "every message to reach Kaleyra");
    // A little longer, so that a message sent twice would show.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const referenceIds = (await sandbox.messages()).map(referenceIdOf);
    expect(referenceIds).toHaveLength(BURST);
    expect(new Set(referenceIds).size).toBe(BURST);
    const events = await db.query<{ outcome: string; n: number | string }>(
      `SELECT "outcome", COUNT(*) AS "n" FROM "WebhookEvent" GROUP BY "outcome"`,
    );
    expect(events.map((row) => [row.outcome, Number(row.n)])).toEqual([["processed", BURST]]);

    const times = answers.map((answer) => answer.ms).sort((a, b) => a - b);
    report("webhook-burst", {
      webhooks: BURST,
      answered_within_5s: times.filter((ms) => ms <= 5000).length,
      ack_p50_ms: percentile(times, 50),
      ack_max_ms: times[times.length - 1]!,
    });
  }, 600_000);
});
