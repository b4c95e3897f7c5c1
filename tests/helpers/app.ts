import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { createTestDatabase, type TestDatabase } from "./database";

export interface TestApp {
  url: string;
  database: TestDatabase;
  stop(): Promise<void>;
}

/**
 * The production build served in this process over real HTTP, on a fresh database of the
 * engine under test. Env values are set before the build is loaded (it reads them once).
 * Run `npm run build` first; `npm test` does.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  Object.assign(process.env, env);
  const buildDir = path.resolve("build");
  const build = (await import(
    /* @vite-ignore */ pathToFileURL(path.join(buildDir, "server", "index.js")).href
  )) as ServerBuild;
  const { createHttpApp, previewOptions } = await import("../../app/server/http.server");
  const { logger } = await import("../../app/logger.server");
  const { config } = await import("../../app/config.server");
  const app = createHttpApp({ build, clientDir: path.join(buildDir, "client"), logger, preview: previewOptions(config()) });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    database,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await globalThis.__prisma?.$disconnect();
      await globalThis.__sql?.close();
      globalThis.__prisma = undefined;
      globalThis.__sql = undefined;
      await database.drop();
    },
  };
}
