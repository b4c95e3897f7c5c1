import { chmodSync, renameSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sqliteFilePath } from "../app/db/provider";
import { openSqlDatabase } from "../app/db/sql.server";
import { createTestDatabase, type TestDatabase } from "./helpers/database";
import { freePort, startProcess, startTcpProxy, waitFor, type RunningProcess } from "./helpers/process";

async function health(url: string): Promise<number> {
  const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
  return response.status;
}

describe("production server process", () => {
  let database: TestDatabase;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>> | undefined;
  let server: RunningProcess;
  let url: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    let databaseUrl = database.url;
    if (database.provider === "postgresql") {
      // The server reaches PostgreSQL through a proxy this test can cut, as if the server stopped.
      const target = new URL(database.url);
      proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
      target.port = String(proxy.port);
      databaseUrl = target.toString();
    }
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    server = startProcess("node", ["build/server.js"], {
      SHOPIFY_API_KEY: "key",
      SHOPIFY_API_SECRET: "secret",
      SHOPIFY_APP_URL: url,
      DATABASE_URL: databaseUrl,
      ENCRYPTION_KEY: Buffer.alloc(32, 9).toString("base64"),
      PORT: String(port),
      LOG_LEVEL: "info",
      KALEYRA_BASE_URL: "http://127.0.0.1:9",
    });
    await waitFor(async () => ((await health(url)) === 200 ? true : undefined), 20_000, "healthz 200");
  });

  afterAll(async () => {
    server.child.kill("SIGKILL");
    await proxy?.close();
    await database.drop();
  });

  it("GIVEN a running server WHEN /healthz is asked THEN 200 with the database ok", async () => {
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, status: "ok", database: "ok", inbox: { failed: 0 } });
  });

  it("GIVEN the database becomes unreachable WHEN /healthz is asked THEN 503, the process keeps running, and 200 again once it is back", async () => {
    let restore: () => Promise<void>;
    if (database.provider === "postgresql" && proxy) {
      await proxy.cut();
      restore = proxy.restore;
    } else {
      const file = sqliteFilePath(database.url);
      chmodSync(file, 0o000);
      renameSync(file, `${file}.away`);
      restore = async () => {
        renameSync(`${file}.away`, file);
        chmodSync(file, 0o644);
      };
    }
    expect(await health(url)).toBe(503);
    expect(server.child.exitCode).toBeNull();
    await restore();
    await waitFor(async () => ((await health(url)) === 200 ? true : undefined), 15_000, "healthz back to 200");
  });

  it("GIVEN a database that answers reads but refuses writes (a full disk, simulated by a trigger) WHEN /healthz is asked THEN 503 degraded with the reason, and 200 once writes work again", async () => {
    const admin = openSqlDatabase(database.url);
    try {
      if (database.provider === "postgresql") {
        await admin.execute(`CREATE FUNCTION "refuse_writes"() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'; END $$ LANGUAGE plpgsql`);
        await admin.execute(`CREATE TRIGGER "refuse_writes" BEFORE INSERT OR UPDATE ON "HealthProbe" FOR EACH ROW EXECUTE FUNCTION "refuse_writes"()`);
      } else {
        for (const event of ["INSERT", "UPDATE"]) {
          await admin.execute(
            `CREATE TRIGGER "refuse_${event.toLowerCase()}" BEFORE ${event} ON "HealthProbe" BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`,
          );
        }
      }
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({
        ok: false,
        status: "degraded",
        database: "read-only",
        detail: expect.stringMatching(/^database could not be written: .*(No space left on device|database or disk is full)/),
        inbox: { failed: 0 },
      });
      expect(server.child.exitCode).toBeNull();
    } finally {
      if (database.provider === "postgresql") await admin.execute(`DROP FUNCTION "refuse_writes"() CASCADE`);
      else for (const event of ["insert", "update"]) await admin.execute(`DROP TRIGGER "refuse_${event}"`);
      await admin.close();
    }
    await waitFor(async () => ((await health(url)) === 200 ? true : undefined), 15_000, "healthz back to 200");
  });

  it("GIVEN SIGTERM WHEN the server is idle THEN it stops gracefully with exit code 0", async () => {
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('"msg":"stopped"');
    expect(server.output()).toContain('"msg":"delivery worker stopped"');
  });
});
