import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import type { Logger } from "../../app/logger.server";
import type { SERVER_LIMITS } from "../../app/server/limits";
import { createTestDatabase, type TestDatabase } from "./database";

export interface TestApp {
  url: string;
  database: TestDatabase;
  server: Server;
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
  return {
    url: `http://127.0.0.1:${port}`,
    database,
    server,
    async stop() {
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
