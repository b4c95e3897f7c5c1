/**
 * The cross-process wake-up on PostgreSQL (app/outbox/notify.server.ts): a notification
 * sent inside a transaction reaches a listener when the transaction commits and never when
 * it rolls back, and the listener comes back by itself after its connection is cut.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlDatabase, type SqlDatabase } from "../../app/db/sql.server";
import { createLogger } from "../../app/logger.server";
import { notifyOutbox, startOutboxListener, type OutboxListener } from "../../app/outbox/notify.server";
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

  it("GIVEN a transaction that queues messages THEN the listener is woken at commit, not on rollback", async () => {
    const before = wakes;
    await db.transaction(async (tx) => notifyOutbox(tx));
    await waitFor(async () => (wakes > before ? true : undefined), 5000, "the wake-up");

    const afterCommit = wakes;
    await db
      .transaction(async (tx) => {
        await notifyOutbox(tx);
        throw new Error("rolled back");
      })
      .catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(wakes).toBe(afterCommit);
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
    await db.transaction(async (tx) => notifyOutbox(tx));
    await waitFor(async () => (wakes > before ? true : undefined), 5000, "a wake-up after reconnecting");
  });
});
