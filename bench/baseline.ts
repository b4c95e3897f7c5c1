/**
 * The benchmark's baseline: the least a webhook receiver can do. node:http, HMAC check of
 * the raw body, one INSERT into the same engine and table as the app (WebhookEvent, with the
 * app's indexes, on a database migrated the same way), answer 200. A Kaleyra callback
 * (POST /kaleyra/callbacks/<token>) the same way, with the secret header checked instead.
 *
 * Environment: DATABASE_URL (file: or postgresql://), SHOPIFY_API_SECRET, CALLBACK_SECRET, PORT.
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import Database from "better-sqlite3";
import pg from "pg";

const url = process.env.DATABASE_URL ?? "";
const secret = process.env.SHOPIFY_API_SECRET ?? "";
const callbackSecret = Buffer.from(process.env.CALLBACK_SECRET ?? "");
const CALLBACK_PATH = "/kaleyra/callbacks/";
const port = Number(process.env.PORT ?? 0);

const INSERT = `INSERT INTO "WebhookEvent" ("id", "shopDomain", "eventKey", "webhookId", "topic", "receivedAt", "outcome")
  VALUES (?, ?, ?, ?, ?, ?, 'received') ON CONFLICT ("shopDomain", "eventKey") DO NOTHING`;

type Insert = (values: unknown[]) => Promise<void>;

function openInsert(): Insert {
  if (url.startsWith("file:")) {
    const db = new Database(url.slice("file:".length), { timeout: 5000 });
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    const statement = db.prepare(INSERT);
    return async (values) => {
      statement.run(...values);
    };
  }
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  let index = 0;
  const text = INSERT.replace(/\?/g, () => `$${++index}`);
  return async (values) => {
    await pool.query(text, values);
  };
}

const insert = openInsert();
const isSqlite = url.startsWith("file:");

function validHmac(body: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== "string") return false;
  const expected = Buffer.from(createHmac("sha256", secret).update(body).digest("base64"));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.url === "/healthz") {
    res.writeHead(200).end("ok");
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  if (req.url?.startsWith(CALLBACK_PATH)) return keepCallback(req, res, body);
  if (!validHmac(body, req.headers["x-shopify-hmac-sha256"])) {
    res.writeHead(401).end();
    return;
  }
  const shop = String(req.headers["x-shopify-shop-domain"] ?? "");
  const webhookId = String(req.headers["x-shopify-webhook-id"] ?? "");
  const now = new Date();
  await insert([
    randomUUID(),
    shop,
    `webhook:${webhookId}`,
    webhookId,
    String(req.headers["x-shopify-topic"] ?? ""),
    isSqlite ? now.toISOString().replace("Z", "+00:00") : now.toISOString().replace("Z", ""),
  ]);
  res.writeHead(200).end();
}

const stamp = (at: Date) => (isSqlite ? at.toISOString().replace("Z", "+00:00") : at.toISOString().replace("Z", ""));

async function keepCallback(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
  const given = Buffer.from(String(req.headers["x-callback-secret"] ?? ""));
  if (given.length !== callbackSecret.length || !timingSafeEqual(given, callbackSecret)) {
    res.writeHead(401).end();
    return;
  }
  const token = req.url!.slice(CALLBACK_PATH.length);
  const key = `callback:${createHash("sha256").update(body).digest("hex")}`;
  await insert([randomUUID(), token, key, key, "kaleyra/status", stamp(new Date())]);
  res.writeHead(200).end();
}

const server = createServer((req, res) => {
  handle(req, res).catch(() => {
    if (!res.headersSent) res.writeHead(503).end();
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1");
const stop = () => server.close(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
