/**
 * Production entry: serves the Remix build, answers /healthz and, unless RUN_WORKER=false,
 * runs the inbox processor and the delivery worker in the same process. `npm run build`
 * bundles it to build/server.js.
 * With RUN_WORKER=false it only takes webhooks into the inbox and serves the admin;
 * `npm run worker` processes (any number, on PostgreSQL) decide them and send the messages.
 */
import type { Server } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { configOrExit } from "./app/config.server";
import { closeSessionPrisma } from "./app/db/session-prisma.server";
import { migrate } from "./app/db/migrate.server";
import { closeSql, sql } from "./app/db/sql-instance.server";
import { openSqlDatabase, type SqlDatabase } from "./app/db/sql.server";
import { encryptStoredSessions } from "./app/shops/session-storage.server";
import { logger } from "./app/logger.server";
import { createHttpApp, createHttpServer, previewOptions } from "./app/server/http.server";
import { databaseProvider } from "./app/db/provider";
import { startOutboxListener, type OutboxListener } from "./app/outbox/notify.server";
import { startInboxProcessor, type InboxProcessor } from "./app/inbox/processor.server";
import { startDeliveryWorker, type DeliveryWorker } from "./app/outbox/worker.server";
import { adminApiOrderFetcher } from "./app/pipeline/order-lookup.server";
import { adminApiFlowTrigger } from "./app/flow-triggers/admin-call.server";

const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const env = configOrExit();

  const migration = await migrate(env.DATABASE_URL);
  if (migration.applied.length > 0) {
    logger.info({ provider: migration.provider, applied: migration.applied }, "database migrated");
  }
  // Access tokens stored in clear by earlier versions are encrypted before anything reads them.
  const sealed = await encryptStoredSessions(sql(), env.ENCRYPTION_KEY);
  if (sealed > 0) logger.info({ sessions: sealed }, "encrypted stored Shopify access tokens");

  const buildDir = path.resolve(process.env.REMIX_BUILD_DIR ?? "build");
  const build = (await import(
    pathToFileURL(path.join(buildDir, "server", "index.js")).href
  )) as ServerBuild;
  const app = createHttpApp({
    build,
    clientDir: path.join(buildDir, "client"),
    logger,
    appUrl: env.SHOPIFY_APP_URL,
    preview: previewOptions(env),
  });

  // Timeouts and the connection cap: app/server/limits.ts (SERVER_LIMITS).
  const server: Server = createHttpServer(app);
  await new Promise<void>((resolve) => (env.HOST ? server.listen(env.PORT, env.HOST, resolve) : server.listen(env.PORT, resolve)));
  logger.info({ host: env.HOST ?? "*", port: env.PORT, worker: env.RUN_WORKER }, "server listening");

  let worker: DeliveryWorker | undefined;
  let inbox: InboxProcessor | undefined;
  let listener: OutboxListener | undefined;
  let background: SqlDatabase | undefined;
  if (env.RUN_WORKER) {
    // The Shopify library is built from the configuration as its module loads: it is loaded
    // after the check above, and only when an order is first looked up or a Flow trigger fired.
    const adminFor = async (shop: string) => (await import("./app/shopify.server")).unauthenticated.admin(shop);
    const fetchOrder = adminApiOrderFetcher(adminFor);
    const fireFlowTrigger = adminApiFlowTrigger(adminFor);
    // On PostgreSQL the background work has connections of its own: a burst of webhooks must
    // not wait for a pooled connection behind the worker's sends (Shopify gives 5 s). 20: the
    // inbox processor's 8 transactions and the worker's claims and records.
    background =
      databaseProvider(env.DATABASE_URL) === "postgresql" ? openSqlDatabase(env.DATABASE_URL, { poolSize: 20 }) : undefined;
    inbox = startInboxProcessor({ logger, db: background });
    worker = startDeliveryWorker({ logger, fetchOrder, fireFlowTrigger, db: background });
    // Deliveries kept and messages queued by other processes wake these at once (PostgreSQL only).
    if (databaseProvider(env.DATABASE_URL) === "postgresql") listener = startOutboxListener(env.DATABASE_URL, { logger });
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const forced = setTimeout(() => {
      logger.error("shutdown took too long; exiting");
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    forced.unref();
    // Stop taking requests, let the ones in flight finish, then let the worker finish its sends.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
    await listener?.stop();
    // Deliveries in hand are decided before the worker that sends their messages stops.
    await inbox?.stop();
    await worker?.stop();
    await background?.close();
    // Every handle the process opened: the session store's client, then the SQL handle that
    // the webhooks and the worker write through (its pool, or its file and checkpointer thread).
    await closeSessionPrisma();
    await closeSql();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, "server failed to start");
  process.exit(1);
});
