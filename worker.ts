/**
 * Stand-alone worker (`npm run worker`): no web server. It decides the inbox's deliveries
 * and sends the outbox's messages. Run as many as the database and Kaleyra's rate limits
 * allow; they share the inbox and the outbox safely.
 */
import { configOrExit } from "./app/config.server";
import { migrate } from "./app/db/migrate.server";
import { closeSessionPrisma } from "./app/db/session-prisma.server";
import { closeSql } from "./app/db/sql-instance.server";
import { databaseProvider } from "./app/db/provider";
import { openSqlDatabase } from "./app/db/sql.server";
import { logger } from "./app/logger.server";
import { startOutboxListener } from "./app/outbox/notify.server";
import { startInboxProcessor } from "./app/inbox/processor.server";
import { startDeliveryWorker } from "./app/outbox/worker.server";
import { adminApiOrderFetcher } from "./app/pipeline/order-lookup.server";
import { adminApiFlowTrigger } from "./app/flow-triggers/admin-call.server";

async function main(): Promise<void> {
  const env = configOrExit();
  await migrate(env.DATABASE_URL);
  // The Shopify library is built from the configuration as its module loads: it is loaded
  // after the check above, and only when an order is first looked up or a Flow trigger fired.
  const adminFor = async (shop: string) => (await import("./app/shopify.server")).unauthenticated.admin(shop);
  const fetchOrder = adminApiOrderFetcher(adminFor);
  const fireFlowTrigger = adminApiFlowTrigger(adminFor);
  // On PostgreSQL the inbox processor's transactions have connections of their own, beside
  // the delivery worker's pool.
  const inboxDb = databaseProvider(env.DATABASE_URL) === "postgresql" ? openSqlDatabase(env.DATABASE_URL) : undefined;
  const inbox = startInboxProcessor({ logger, db: inboxDb });
  const worker = startDeliveryWorker({ logger, fetchOrder, fireFlowTrigger });
  // The web processes' webhooks wake this process through PostgreSQL's LISTEN/NOTIFY.
  const listener =
    databaseProvider(env.DATABASE_URL) === "postgresql" ? startOutboxListener(env.DATABASE_URL, { logger }) : undefined;
  const shutdown = async (signal: string) => {
    logger.info({ signal }, "worker shutting down");
    await listener?.stop();
    await inbox.stop();
    await worker.stop();
    await inboxDb?.close();
    // Every handle it opened: order lookups read shops' sessions through Prisma.
    await closeSessionPrisma();
    await closeSql();
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, "worker failed to start");
  process.exit(1);
});
