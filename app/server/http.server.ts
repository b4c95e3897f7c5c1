import { createRequestHandler } from "@remix-run/express";
import { createReadableStreamFromReadable, writeReadableStreamToWritable, type ServerBuild } from "@remix-run/node";
import express, { type Express, type Request as ExpressRequest, type Response as ExpressResponse } from "express";
import type { AppConfig } from "../config.server";
import { checkHealth } from "../health.server";
import type { Logger } from "../logger.server";
import { mountAdminPreview, type AdminPreviewOptions } from "../preview/routes.server";
import { MAX_WEBHOOK_BYTES } from "./limits";

/** The admin preview's options from the configuration, or undefined when it is off. */
export function previewOptions(env: AppConfig): HttpAppOptions["preview"] {
  if (!env.ADMIN_PREVIEW_SHOP) return undefined;
  return { shop: env.ADMIN_PREVIEW_SHOP, apiKey: env.SHOPIFY_API_KEY, apiSecret: env.SHOPIFY_API_SECRET, scopes: env.SCOPES };
}

export interface HttpAppOptions {
  build: ServerBuild;
  clientDir: string;
  logger: Logger;
  /** Development only: the admin preview (app/preview/), when ADMIN_PREVIEW_SHOP is set. */
  preview?: Omit<AdminPreviewOptions, "logger">;
}

export function createHttpApp({ build, clientDir, logger, preview }: HttpAppOptions): Express {
  const app = express();
  app.disable("x-powered-by");
  // Shopify's admin embeds the app in an iframe behind its proxy; trust its forwarding headers.
  app.set("trust proxy", true);
  app.use((_req, res, next) => {
    // Browsers must not guess a type other than the one sent (a JSON answer read as HTML).
    res.setHeader("X-Content-Type-Options", "nosniff");
    next();
  });

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

  // Shopify's deliveries go straight to their route's action, the module Remix would call,
  // with the request built and the answer sent the way Remix's express adapter does: routing
  // through Remix cost about a fifth of a webhook's CPU time (bench/README.md).
  const actions = webhookActions(build);
  app.post("/webhooks/*", (req, res, next) => {
    const action = actions.get(req.path);
    if (!action) {
      next();
      return;
    }
    const answer = async (): Promise<Response> => {
      try {
        return await action({ request: fetchRequest(req, res), params: {}, context: {} });
      } catch (error) {
        if (error instanceof Response) return error;
        logger.error({ err: error, path: req.path }, "webhook route failed");
        return new Response("Unexpected Server Error", { status: 500 });
      }
    };
    answer()
      .then((response) => sendResponse(res, response))
      .catch(next);
  });

  if (preview) mountAdminPreview(app, { ...preview, logger });

  app.use("/assets", express.static(`${clientDir}/assets`, { immutable: true, maxAge: "1y" }));
  app.use(express.static(clientDir, { maxAge: "1h" }));
  app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV }));
  return app;
}

type RouteAction = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<Response>;

/** The webhook routes' actions by URL path: resource routes under /webhooks/ without parameters. */
export function webhookActions(build: ServerBuild): Map<string, RouteAction> {
  const actions = new Map<string, RouteAction>();
  for (const route of Object.values(build.routes)) {
    if (!route?.path || route.parentId !== "root") continue;
    if (!route.path.startsWith("webhooks/") || /[:*]/.test(route.path)) continue;
    const module = route.module as { action?: unknown; default?: unknown };
    if (typeof module.action !== "function" || module.default !== undefined) continue;
    actions.set(`/${route.path}`, module.action as RouteAction);
  }
  return actions;
}

/** The request as a Fetch Request, as @remix-run/express builds it (headers, body stream, abort). */
function fetchRequest(req: ExpressRequest, res: ExpressResponse): Request {
  const headers = new Headers();
  for (const [key, values] of Object.entries(req.headers)) {
    if (!values) continue;
    if (Array.isArray(values)) for (const value of values) headers.append(key, value);
    else headers.set(key, values);
  }
  const controller = new AbortController();
  // Abort once no answer can be written any more (closed before it finished).
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  const url = new URL(req.originalUrl, `${req.protocol}://${req.get("host") ?? "localhost"}`);
  return new Request(url.href, {
    method: req.method,
    headers,
    body: createReadableStreamFromReadable(req),
    signal: controller.signal,
    duplex: "half",
  } as RequestInit);
}

async function sendResponse(res: ExpressResponse, response: Response): Promise<void> {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [key, value] of response.headers.entries()) res.append(key, value);
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}
