/**
 * `npm run inbox:replay -- --failed [--shop <shop>.myshopify.com] [--list]`: lists the inbox's
 * failed deliveries and, unless --list, puts them back for the running processors to decide
 * again (app/inbox/replay.server.ts). Prints ids, topics and errors, never bodies.
 */
import { parseArgs } from "node:util";
import { configOrExit } from "../app/config.server";
import { failedEvents } from "../app/db/repositories/webhook-events.server";
import { openSqlDatabase } from "../app/db/sql.server";
import { replayFailedDeliveries } from "../app/inbox/replay.server";
import { notifyInboxProcessors } from "../app/outbox/notify.server";
import { SHOP_DOMAIN } from "../app/shops/domain";

const USAGE = "usage: npm run inbox:replay -- --failed [--shop <shop>.myshopify.com] [--list]";

const { values } = parseArgs({
  options: { failed: { type: "boolean" }, shop: { type: "string" }, list: { type: "boolean" } },
  strict: true,
});
if (!values.failed || (values.shop !== undefined && !SHOP_DOMAIN.test(values.shop))) {
  console.error(USAGE);
  process.exit(2);
}

const env = configOrExit();
const db = openSqlDatabase(env.DATABASE_URL);
try {
  const failed = values.list ? await failedEvents(db, values.shop) : undefined;
  const report = failed ? { requeued: 0, failed } : await replayFailedDeliveries(db, values.shop);
  for (const event of report.failed) {
    console.log(`  ${event.id} ${event.shopDomain} ${event.topic} order=${event.lane || "-"} attempts=${event.attempts}: ${event.reason ?? ""}`);
  }
  if (values.list) console.log(`inbox:replay: ${report.failed.length} failed deliveries (listed, not replayed)`);
  else {
    // The running processors wake now on PostgreSQL; on SQLite they find them on their next poll.
    if (report.requeued > 0) await notifyInboxProcessors(db);
    console.log(`inbox:replay: ${report.requeued} failed deliveries put back in the inbox`);
  }
} finally {
  await db.close();
}
