/**
 * The webhook route's own latency, with Kaleyra unreachable (the route never waits on it):
 * starts the production server on a fresh database (SQLite, or DATABASE_URL=postgresql://...)
 * with KALEYRA_BASE_URL pointing at a closed port, posts signed orders/create and
 * fulfillments/create webhooks one at a time, and prints the median and p99.
 *
 *   npx tsx scripts/webhook-latency.ts [count]
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { encryptSecret } from "../app/crypto/secrets.server";
import { migrate } from "../app/db/migrate.server";
import { openSqlDatabase } from "../app/db/sql.server";
import { fulfillmentPayload, LINE_A, LINE_B, orderPayload } from "../app/orders/__fixtures__/lifecycle";
import { freePort, startProcess, waitFor } from "../tests/helpers/process";
import { signedWebhookRequest } from "../tests/helpers/webhooks";

const count = Number(process.argv[2] ?? 500);
const SHOP = "latency.myshopify.com";
const SECRET = randomBytes(16).toString("hex");
const KEY = randomBytes(32).toString("base64");
const dir = mkdtempSync(path.join(tmpdir(), "webhook-latency-"));
const databaseUrl = process.env.DATABASE_URL ?? `file:${path.join(dir, "app.sqlite")}`;
const closedPort = await freePort();
const port = await freePort();
const url = `http://127.0.0.1:${port}`;

await migrate(databaseUrl);
const db = openSqlDatabase(databaseUrl);
const now = new Date();
await db.execute(
  `INSERT INTO "Shop" ("domain", "enabled", "kaleyraSid", "apiKeyCipher", "pod", "businessNumber", "createdAt", "updatedAt")
   VALUES (?, ?, 'HXAP16LATENCY', ?, 'IN', '+919876543210', ?, ?)`,
  [SHOP, true, encryptSecret("Alatency-key", KEY), now, now],
);
await db.close();

const server = startProcess("node", ["build/server.js"], {
  SHOPIFY_API_KEY: "latency",
  SHOPIFY_API_SECRET: SECRET,
  SHOPIFY_APP_URL: url,
  DATABASE_URL: databaseUrl,
  ENCRYPTION_KEY: KEY,
  PORT: String(port),
  LOG_LEVEL: "error",
  KALEYRA_BASE_URL: `http://127.0.0.1:${closedPort}`,
});
await waitFor(async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined), 20_000, "the server");

async function post(topic: string, body: unknown): Promise<number> {
  const request = signedWebhookRequest(url, { topic, shop: SHOP, body, eventId: randomUUID(), secret: SECRET });
  const started = performance.now();
  const response = await fetch(request);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${topic} answered ${response.status}`);
  return performance.now() - started;
}

const times: number[] = [];
for (let i = 0; i < count; i += 1) {
  const id = String(900_000 + i);
  const ms =
    i % 2 === 0
      ? await post("orders/create", orderPayload({ id, name: `#${id}`, shipping_address: { phone: `+1502555${String(i % 10_000).padStart(4, "0")}`, country_code: "US" } }))
      : await post("fulfillments/create", {
          ...fulfillmentPayload({ id: `${id}1`, status: "success", lines: [[LINE_A, 2], [LINE_B, 1]], created: 5 }),
          order_id: String(900_000 + i - 1),
        });
  if (i >= 20) times.push(ms); // the first requests warm up the process
}
times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? NaN;
console.log(
  `webhook latency (${databaseUrl.startsWith("file:") ? "sqlite" : "postgresql"}, Kaleyra unreachable, ${times.length} sequential requests): ` +
    `median ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms`,
);
server.child.kill("SIGTERM");
await server.exited;
rmSync(dir, { recursive: true, force: true });
