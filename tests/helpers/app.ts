import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import type { Logger } from "../../app/logger.server";
import type { SERVER_LIMITS } from "../../app/server/limits";
import type { InboxProcessorOptions } from "../../app/inbox/processor.server";
import { createTestDatabase, type TestDatabase } from "./database";
import { settleInboxAfterWebhooks } from "./webhooks";

export interface TestApp {
  url: string;
  database: TestDatabase;
  server: Server;
  /** Resolves once the inbox holds no delivery waiting for its first decision. */
  inboxSettled(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The production build served in this process over real HTTP, on a fresh database of the
 * engine under test. Env values are set before the build is loaded (it reads them once).
 * Run `npm run build` first; `npm test` does.
 */
export interface TestAppOptions {
  /** Replaces the app's logger for the HTTP layer (to read what it logs). */
  logger?: Logger;
  serverLimits?: Partial<Record<keyof typeof SERVER_LIMITS, number>>;
  /**
   * Runs no inbox processor (the production server with RUN_WORKER=false): deliveries stay
   * received until the test decides them.
   */
  withoutInbox?: boolean;
  /** The processor's options (a failing decision, a short retry schedule). */
  inbox?: Omit<InboxProcessorOptions, "db">;
}

export async function startTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  Object.assign(process.env, env);
  const buildDir = path.resolve("build");
  const build = (await import(
    /* @vite-ignore */ pathToFileURL(path.join(buildDir, "server", "index.js")).href
  )) as ServerBuild;
  const { createHttpApp, createHttpServer, previewOptions } = await import("../../app/server/http.server");
  const { logger } = await import("../../app/logger.server");
  const { config } = await import("../../app/config.server");
  const appUrl = process.env.SHOPIFY_APP_URL ?? "http://127.0.0.1";
  const app = createHttpApp({
    build,
    clientDir: path.join(buildDir, "client"),
    logger: options.logger ?? logger,
    appUrl,
    preview: previewOptions(config()),
  });
  // The production server's timeouts and cap unless the test chooses others.
  const server: Server = createHttpServer(app, options.serverLimits);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  // As the production server with RUN_WORKER=true: the inbox is decided in this process.
  const { startInboxProcessor } = await import("../../app/inbox/processor.server");
  const { sql } = await import("../../app/db/sql-instance.server");
  const inbox = options.withoutInbox ? undefined : startInboxProcessor({ idlePollMs: 200, ...options.inbox });
  const inboxSettled = async () => {
    for (;;) {
      const [row] = await sql().query<{ n: number }>(
        `SELECT COUNT(*) AS "n" FROM "WebhookEvent" WHERE "outcome" = 'received' AND "attempts" = 0`,
      );
      if (Number(row?.n) === 0) return;
      if (!inbox) throw new Error("deliveries wait in the inbox, and this test app runs no processor");
      await inbox.idle();
    }
  };
  const forget = settleInboxAfterWebhooks(url, inbox ? inboxSettled : undefined);
  return {
    url,
    database,
    server,
    inboxSettled,
    async stop() {
      forget();
      await inbox?.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const { closeSessionPrisma } = await import("../../app/db/session-prisma.server");
      const { closeSql } = await import("../../app/db/sql-instance.server");
      await closeSessionPrisma();
      await closeSql();
      await database.drop();
    },
  };
}
