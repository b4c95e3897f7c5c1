/**
 * The cross-process wake-up on PostgreSQL (app/outbox/notify.server.ts): an announcement
 * reaches a listener, a burst of announcements is coalesced into a couple of notifications,
 * a failed notification is logged and does not stop the next, and the listener comes back by
 * itself after its connection is cut.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlDatabase, type SqlDatabase } from "../../app/db/sql.server";
import { createLogger } from "../../app/logger.server";
import { announceQueuedMessages, startOutboxListener, type OutboxListener } from "../../app/outbox/notify.server";
import { createTestDatabase, testProvider, type TestDatabase } from "../helpers/database";
import { startTcpProxy, waitFor } from "../helpers/process";

describe("outbox wake-up across processes (PostgreSQL LISTEN/NOTIFY)", () => {
  let database: TestDatabase;
  let db: SqlDatabase;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let listener: OutboxListener;
  let wakes = 0;

  beforeAll(async () => {
    if (testProvider() !== "postgresql") throw new Error("this test runs on PostgreSQL: use `npm run test:scale`");
    database = await createTestDatabase();
    db = openSqlDatabase(database.url, { poolSize: 2 });
    const target = new URL(database.url);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    target.port = String(proxy.port);
    listener = startOutboxListener(target.toString(), {
      logger: createLogger({ level: "silent" }),
      onNotify: () => {
        wakes += 1;
      },
      retryMs: 100,
      maxRetryMs: 200,
    });
    await waitFor(async () => (listener.listening ? true : undefined), 10_000, "the listener");
  });

  afterAll(async () => {
    await listener?.stop();
    await proxy?.close();
    await db?.close();
    await database?.drop();
  });

  const quiet = { warn: () => {} };

  it("GIVEN one announcement THEN the listener is woken", async () => {
    const before = wakes;
    announceQueuedMessages(db, quiet);
    await waitFor(async () => (wakes > before ? true : undefined), 5000, "the wake-up");
  });

  it("GIVEN 200 announcements at once WHEN they are sent THEN they become at most two notifications", async () => {
    const before = wakes;
    for (let i = 0; i < 200; i += 1) announceQueuedMessages(db, quiet);
    await waitFor(async () => (wakes > before ? true : undefined), 5000, "the wake-up");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(wakes - before).toBeGreaterThanOrEqual(1);
    expect(wakes - before).toBeLessThanOrEqual(2);
  });

  it("GIVEN the database refuses the notification WHEN announced THEN it is logged, and the next announcement is sent again", async () => {
    const refusing = openSqlDatabase("postgresql://postgres@127.0.0.1:1/none", { poolSize: 1 });
    const warnings: string[] = [];
    const log = { warn: (_details: unknown, message: string) => warnings.push(message) };
    try {
      announceQueuedMessages(refusing, log);
      await waitFor(async () => (warnings.length === 1 ? true : undefined), 10_000, "the warning");
      announceQueuedMessages(refusing, log);
      await waitFor(async () => (warnings.length === 2 ? true : undefined), 10_000, "the second attempt");
      expect(warnings).toEqual(["could not notify the worker processes; they poll", "could not notify the worker processes; they poll"]);
    } finally {
      await refusing.close();
    }
  });

  it("GIVEN the listener's connection is cut WHEN the database is reachable again THEN it listens again and wakes the workers once", async () => {
    await proxy.cut();
    await waitFor(async () => (listener.listening ? undefined : true), 10_000, "the listener to notice");
    await proxy.restore();
    const beforeReconnect = wakes;
    await waitFor(async () => (listener.listening ? true : undefined), 10_000, "the listener to reconnect");
    // Notifications sent while it was away are lost: reconnecting wakes the workers itself.
    expect(wakes).toBeGreaterThan(beforeReconnect);

    const before = wakes;
    announceQueuedMessages(db, quiet);
    await waitFor(async () => (wakes > before ? true : undefined), 5000, "a wake-up after reconnecting");
  });
});
