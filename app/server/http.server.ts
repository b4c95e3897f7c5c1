import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express, { type Express } from "express";
import { checkHealth } from "../health.server";
import type { Logger } from "../logger.server";
import { MAX_WEBHOOK_BYTES } from "./limits";


export interface HttpAppOptions {
  build: ServerBuild;
  clientDir: string;
  logger: Logger;
}

export function createHttpApp({ build, clientDir, logger }: HttpAppOptions): Express {
  const app = express();
  app.disable("x-powered-by");
  // Shopify's admin embeds the app in an iframe behind its proxy; trust its forwarding headers.
  app.set("trust proxy", true);

  app.get("/healthz", async (_req, res) => {
    const health = await checkHealth().catch(() => ({ ok: false, database: "unreachable" as const }));
    res.status(health.ok ? 200 : 503).set("cache-control", "no-store").json(health);
  });

  app.use("/webhooks", (req, res, next) => {
    if (req.method !== "POST") {
      res.status(405).set("allow", "POST").end();
      return;
    }
    const length = Number(req.headers["content-length"] ?? 0);
    if (length > MAX_WEBHOOK_BYTES) {
      logger.warn({ path: req.path, length }, "webhook body over the size limit");
      res.status(413).json({ error: "payload too large" });
      return;
    }
    next();
  });

  app.use("/assets", express.static(`${clientDir}/assets`, { immutable: true, maxAge: "1y" }));
  app.use(express.static(clientDir, { maxAge: "1h" }));
  app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV }));
  return app;
}
