/**
 * Throwaway databases for the benchmark (a SQLite file in a temporary folder, or a database
 * on a local PostgreSQL server), the shops' settings, and bulk-seeded outbox rows.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { encryptSecret } from "../app/crypto/secrets.server";
import { migrate } from "../app/db/migrate.server";
import type { DatabaseProvider } from "../app/db/provider";
import { openSqlDatabase, type SqlDatabase } from "../app/db/sql.server";
import { throwawayDatabaseName } from "../tests/helpers/database";
import { BENCH_ACCOUNT, BENCH_CALLBACK_SECRET, callbackTokenOf, type BenchShop } from "./webhooks";

export type Engine = DatabaseProvider;

export function postgresAdminUrl(): string {
  return process.env.BENCH_POSTGRES_URL ?? process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
}

export interface BenchDatabase {
  engine: Engine;
  url: string;
  drop(): Promise<void>;
}

export async function createDatabase(engine: Engine, label: string): Promise<BenchDatabase> {
  let url: string;
  let drop: () => Promise<void>;
  if (engine === "sqlite") {
    const dir = mkdtempSync(path.join(tmpdir(), `order-status-bench-${label}-`));
    url = `file:${path.join(dir, "app.sqlite")}`;
    drop = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const name = throwawayDatabaseName(`bench_${label}`);
    const admin = new pg.Client({ connectionString: postgresAdminUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const target = new URL(postgresAdminUrl());
    target.pathname = `/${name}`;
    url = target.toString();
    drop = async () => {
      const client = new pg.Client({ connectionString: postgresAdminUrl() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    };
  }
  await migrate(url);
  return { engine, url, drop };
}

/**
 * Every shop installed, sending switched on, with the sandbox account's credentials, sending the
 * seed's interactive message always (as before message forms, so figures stay comparable).
 */
export async function configureShops(db: SqlDatabase, shops: BenchShop[], encryptionKey: string): Promise<void> {
  const now = new Date();
  for (const shop of shops) {
    await db.execute(
      `INSERT INTO "Shop" ("domain", "name", "enabled", "kaleyraSid", "apiKeyCipher", "apiKeyLast4", "pod", "businessNumber",
         "callbackToken", "callbackSecretCipher", "messageForm", "createdAt", "updatedAt")
       VALUES (?, ?, ?, ?, ?, ?, 'IN', ?, ?, ?, 'interactive', ?, ?)`,
      [
        shop.domain,
        shop.domain.replace(".myshopify.com", ""),
        true,
        BENCH_ACCOUNT.sid,
        encryptSecret(BENCH_ACCOUNT.apiKey, encryptionKey),
        BENCH_ACCOUNT.apiKey.slice(-4),
        shop.businessNumber,
        callbackTokenOf(shop.domain),
        encryptSecret(BENCH_CALLBACK_SECRET, encryptionKey),
        now,
        now,
      ],
    );
  }
}

export interface SeedOptions {
  shops: BenchShop[];
  count: number;
  /**
   * Row number offset: seeds with different offsets never share an order. Shoppers are the
   * row number's last 7 digits, so offsets a multiple of 10,000,000 apart reuse them.
   */
  offset?: number;
  state: "queued" | "sent";
  /** When the rows were created / became due. */
  at: Date;
}

/**
 * Inserts `count` outbox rows in one statement (generate_series on PostgreSQL, a recursive
 * CTE on SQLite), the way planAndEnqueue writes them: one `processing` message per order,
 * spread round-robin over the shops, each to its own shopper, created 1 ms apart up to `at`.
 */
export async function seedMessages(db: SqlDatabase, options: SeedOptions): Promise<void> {
  const { shops, count, state } = options;
  const offset = options.offset ?? 0;
  const atMs = options.at.getTime();
  // Shops as a VALUES list: index -> domain.
  const shopValues = shops.map((_, i) => `(${i}, ?)`).join(", ");
  const shopParams = shops.map((shop) => shop.domain);
  const n = shops.length;
  const sent = state === "sent" ? 1 : 0;
  const columns = `"id", "shopDomain", "orderId", "orderName", "orderStatus", "dedupeKey", "state", "rank", "recipient",
    "recipientSource", "referenceId", "bodyText", "description", "attempts", "nextAttemptAt", "createdAt", "updatedAt",
    "sentAt", "kaleyraMessageId", "lastOutcome"`;
  if (db.provider === "postgresql") {
    // A million rows take longer than the app's statement timeout.
    await db.transaction(async (tx) => {
      await tx.execute(`SET LOCAL statement_timeout = 0`);
      await tx.execute(
        `WITH shops("idx", "domain") AS (VALUES ${shopValues})
         INSERT INTO "Message" (${columns})
         SELECT md5('m' || g), s."domain", (7000000000 + g)::text, '#' || (7000000000 + g), 'processing',
           (7000000000 + g)::text || ':processing', ?, 0, '+1415' || lpad(((2000000 + g) % 10000000)::text, 7, '0'),
           'shipping_address', (7000000000 + g)::text,
           'Hi Steve,' || chr(10) || 'Thank you for your order #' || (7000000000 + g) || ' from ' || s."domain" ||
             '! We''re getting it ready and will let you know as soon as it ships.' || chr(10) ||
             'Your order: https://' || s."domain" || '/orders/' || md5('o' || g),
           'We''re preparing your order #' || (7000000000 + g) || '.', ?, t.ts, t.ts, t.ts,
           CASE WHEN ? = 1 THEN t.ts END,
           CASE WHEN ? = 1 THEN 'A' || upper(substr(md5('k' || g), 1, 19)) END,
           CASE WHEN ? = 1 THEN 'accepted' END
         FROM (SELECT g, to_timestamp((?::bigint - (?::bigint - g)) / 1000.0) AT TIME ZONE 'UTC' AS ts
               FROM generate_series(?::bigint, ?::bigint) AS g) AS t
         JOIN shops s ON s."idx" = t.g % ?`,
        [...shopParams, state, sent, sent, sent, sent, atMs, offset + count, offset + 1, offset + count, n],
      );
    });
    // What autovacuum would do on a live database.
    await db.transaction(async (tx) => {
      await tx.execute(`SET LOCAL statement_timeout = 0`);
      await tx.execute(`ANALYZE "Message"`);
    });
    return;
  }
  // SQLite: dates are text in the form Prisma and the app write. The app never runs ANALYZE.
  await db.execute(
    `WITH RECURSIVE g(i) AS (SELECT CAST(? AS INTEGER) UNION ALL SELECT i + 1 FROM g WHERE i < ?),
       shops("idx", "domain") AS (VALUES ${shopValues}),
       t(i, ts) AS (SELECT i, strftime('%Y-%m-%dT%H:%M:%f', (? - (? - i)) / 1000.0, 'unixepoch') || '+00:00' FROM g)
     INSERT INTO "Message" (${columns})
     SELECT lower(hex(randomblob(16))), s."domain", CAST(7000000000 + t.i AS TEXT), '#' || (7000000000 + t.i), 'processing',
       CAST(7000000000 + t.i AS TEXT) || ':processing', ?, 0, '+1415' || substr('0000000' || ((2000000 + t.i) % 10000000), -7),
       'shipping_address', CAST(7000000000 + t.i AS TEXT),
       'Hi Steve,' || char(10) || 'Thank you for your order #' || (7000000000 + t.i) || ' from ' || s."domain" ||
         '! We''re getting it ready and will let you know as soon as it ships.' || char(10) ||
         'Your order: https://' || s."domain" || '/orders/' || lower(hex(randomblob(16))),
       'We''re preparing your order #' || (7000000000 + t.i) || '.', ?, t.ts, t.ts, t.ts,
       CASE WHEN ? = 1 THEN t.ts END,
       CASE WHEN ? = 1 THEN 'A' || upper(substr(hex(randomblob(10)), 1, 19)) END,
       CASE WHEN ? = 1 THEN 'accepted' END
     FROM t JOIN shops s ON s."idx" = t.i % ?`,
    [offset + 1, offset + count, ...shopParams, atMs, offset + count, state, sent, sent, sent, sent, n],
  );
  // A table grows over months, its WAL checkpointed as it goes; a million rows inserted at
  // once would otherwise leave the app's next commits to checkpoint them all.
  await db.query(`PRAGMA wal_checkpoint(TRUNCATE)`);
}

/**
 * On PostgreSQL, what autovacuum and the checkpointer do bit by bit while a table grows over
 * months. Left undone after a million rows inserted at once, a vacuum of all of them and a
 * checkpoint of their WAL start during the next measurement and compete with the app for
 * the same 2 cores. (SQLite's counterpart is the WAL checkpoint in seedMessages.)
 */
export async function settleAfterBulkInsert(engine: Engine, url: string): Promise<void> {
  if (engine !== "postgresql") return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`VACUUM (ANALYZE) "Message"`);
    await client.query(`CHECKPOINT`);
  } finally {
    await client.end();
  }
}

export function openDatabase(url: string): SqlDatabase {
  return openSqlDatabase(url, { poolSize: 4 });
}
