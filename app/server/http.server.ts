import http, { type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http";
import { createRequestHandler, writeReadableStreamToWritable, type ServerBuild } from "@remix-run/node";
import express, { type Express, type Request as ExpressRequest, type Response as ExpressResponse } from "express";
import type { AppConfig } from "../config.server";
import { checkHealth } from "../health.server";
import { acknowledge } from "../outbox/wake.server";
import { answerDelivery } from "../webhooks/receive.server";
import { CALLBACK_PATH_PREFIX } from "../receipts/kaleyra-callback";
import { answerKaleyraPost } from "../receipts/receive.server";
import { INBOUND_PATH_PREFIX } from "../consent/kaleyra-inbound";
import type { Logger } from "../logger.server";
import { mountAdminPreview, type AdminPreviewOptions } from "../preview/routes.server";
import { readBodyWithin, type BodyRead } from "./bounded-body.server";
import { bodyLimitFor, SERVER_LIMITS } from "./limits";
import { extensionApiMatcher, isAllowedExitIframeTarget, originCheck } from "./request-guards";

/** The admin preview's options from the configuration, or undefined when it is off. */
export function previewOptions(env: AppConfig): HttpAppOptions["preview"] {
  if (!env.ADMIN_PREVIEW_SHOP) return undefined;
  return { shop: env.ADMIN_PREVIEW_SHOP, apiKey: env.SHOPIFY_API_KEY, apiSecret: env.SHOPIFY_API_SECRET, scopes: env.SCOPES };
}

export interface HttpAppOptions {
  build: ServerBuild;
  clientDir: string;
  logger: Logger;
  /** SHOPIFY_APP_URL: the app's own origin, a destination the exit-iframe page may open. */
  appUrl: string;
  /** Development only: the admin preview (app/preview/), when ADMIN_PREVIEW_SHOP is set. */
  preview?: Omit<AdminPreviewOptions, "logger">;
}

/**
 * The app's request listener: Shopify's webhooks and Kaleyra's posts take a short path (see
 * shortPath); everything else goes through express to the static files and Remix.
 */
export function createHttpApp(options: HttpAppOptions): RequestListener {
  const app = expressApp(options);
  const short = shortPath(options.build, options.logger);
  return (req, res) => {
    if (!short(req, res)) app(req, res);
  };
}

/**
 * Deliveries are answered here, before express, by the function every webhook route's action
 * calls, and without a Fetch Request or Response: routing through Remix and building those
 * objects were a large share of a webhook's CPU time, express's router and its request
 * objects a further one (bench/README.md, "Why the code is shaped this way"). The routes
 * (app/routes/webhooks.*, app/routes/kaleyra.*.$token.tsx) say which paths exist and answer
 * the same. Returns whether it took the request.
 */
function shortPath(build: ServerBuild, logger: Logger): (req: IncomingMessage, res: ServerResponse) => boolean {
  const webhooks = webhookPaths(build);
  const kaleyra = [[CALLBACK_PATH_PREFIX, "status"], [INBOUND_PATH_PREFIX, "inbound"]] as const;
  const header = (req: IncomingMessage) => (name: string) => headerValue(req.headers[name.toLowerCase()]);
  return (req, res) => {
    if (req.method !== "POST" || req.url === undefined) return false;
    const path = req.url.split("?", 1)[0]!;
    let answer: ((body: Buffer) => Promise<number>) | undefined;
    if (webhooks.has(path)) answer = (body) => answerDelivery(header(req), body);
    for (const [prefix, kind] of kaleyra) {
      const token = path.startsWith(prefix) ? pathToken(path.slice(prefix.length)) : undefined;
      if (token !== undefined) answer = (body) => answerKaleyraPost(kind, token, header(req), body);
    }
    if (answer === undefined) return false;
    res.setHeader("X-Content-Type-Options", "nosniff");
    acknowledge(async () => {
      const body = await boundedBody(req, res, path, logger);
      if (body) endWith(res, await answer(body));
    }).catch((error: unknown) => {
      logger.error({ err: error, path }, "request failed");
      if (!res.headersSent) endWith(res, 500, "Internal Server Error");
      else res.destroy();
    });
    return true;
  };
}

/** One path segment as express's `:token` takes it (decoded), or undefined when it is not one. */
function pathToken(segment: string): string | undefined {
  if (segment === "" || segment.includes("/")) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** A header as express's `req.get` gives it: repeated ones joined by node, set-cookie's first. */
function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function endWith(res: ServerResponse, status: number, text?: string): void {
  res.statusCode = status;
  if (text === undefined) {
    res.end();
    return;
  }
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.end(text);
}

function expressApp({ build, clientDir, logger, appUrl, preview }: HttpAppOptions): Express {
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
    const health = await checkHealth().catch(() => ({ ok: false, status: "down" as const, database: "unreachable" as const }));
    res.status(health.ok ? 200 : 503).set("cache-control", "no-store").json(health);
  });

  app.use("/webhooks", (req, res, next) => {
    if (req.method !== "POST") {
      res.status(405).set("allow", "POST").end();
      return;
    }
    next();
  });

  // The library's exit-iframe page opens whatever https URL it is given (shopify-app-js
  // issue 2180); only the app, Shopify's admin and a shop's admin may be opened from it.
  app.get("/auth/exit-iframe", (req, res, next) => {
    const target = new URL(req.originalUrl, "http://localhost").searchParams.get("exitIframe");
    if (isAllowedExitIframeTarget(target, appUrl)) {
      next();
      return;
    }
    logger.info({ path: req.path }, "exit-iframe destination refused");
    res.status(400).type("text/plain").send("Refusing to redirect there.");
  });

  if (preview) mountAdminPreview(app, { ...preview, logger });

  app.use("/assets", express.static(`${clientDir}/assets`, { immutable: true, maxAge: "1y" }));
  app.use(express.static(clientDir, { maxAge: "1h" }));
  // Everything else goes to Remix with its body already read, up to its route's limit.
  const handleRequest = createRequestHandler(build, process.env.NODE_ENV);
  const isExtensionApi = extensionApiMatcher(extensionApiPaths(build));
  app.all("*", (req, res, next) => {
    const answer = async (): Promise<Response | undefined> => {
      const origin = isExtensionApi(req.originalUrl)
        ? "ok"
        : originCheck(req.method, { origin: req.get("origin"), host: req.get("host"), forwardedHost: req.get("x-forwarded-host") });
      if (origin !== "ok") {
        logger.info({ path: req.path, method: req.method }, "request refused: its Origin is not this app");
        return new Response(origin === "malformed" ? "Bad Request" : "Forbidden", { status: origin === "malformed" ? 400 : 403 });
      }
      const body = await boundedBody(req, res, req.path, logger);
      if (!body) return undefined;
      return handleRequest(fetchRequest(req, res, body), {});
    };
    answer()
      .then((response) => (response ? sendResponse(res, response) : undefined))
      .catch(next);
  });
  return app;
}

/**
 * An HTTP server for the app, with its timeouts and connection cap (SECURITY.md, "Request
 * limits"). `limits` replaces any of them (tests use shorter ones).
 */
export function createHttpServer(app: RequestListener, limits: Partial<Record<keyof typeof SERVER_LIMITS, number>> = {}): Server {
  const chosen = { ...SERVER_LIMITS, ...limits };
  const server = http.createServer(
    {
      headersTimeout: chosen.headersTimeoutMs,
      requestTimeout: chosen.requestTimeoutMs,
      keepAliveTimeout: chosen.keepAliveTimeoutMs,
      connectionsCheckingInterval: chosen.connectionsCheckingIntervalMs,
    },
    app,
  );
  server.maxConnections = chosen.maxConnections;
  return server;
}

/**
 * The request's body, read up to its route's limit before anything parses it; or undefined
 * once the answer is given: 413 past the limit (the rest is not kept), nothing at all when the client went away (one info line, no stack).
 */
async function boundedBody(req: IncomingMessage, res: ServerResponse, path: string, logger: Logger): Promise<Buffer | undefined> {
  const limit = bodyLimitFor(path);
  const read: BodyRead = await readBodyWithin(req, limit);
  if (read.kind === "body") return read.body;
  if (read.kind === "aborted") {
    logger.info({ path, method: req.method, bytesRead: read.bytesRead }, "request aborted by the client before its body ended");
    return undefined;
  }
  logger.warn({ path, method: req.method, limit, length: req.headers["content-length"] }, "request body over the size limit");
  // Closing at once while the client still sends would reset the connection, and most
  // clients then lose the answer: what follows the answer is discarded (never kept), up to
  // LINGER_BYTES; then reading stops (the client's writes wait) and the connection is cut
  // LINGER_MS later. Cutting it at once lost the answer for a client slow to read it: a reset
  // drops what its side had received and not yet read. A body that never ends meets requestTimeout.
  res.once("finish", () => {
    let discarded = 0;
    const discard = (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded <= LINGER_BYTES) return;
      req.off("data", discard);
      req.pause();
      setTimeout(() => req.socket.destroy(), LINGER_MS).unref();
    };
    req.on("data", discard);
    req.resume();
  });
  endWith(res, 413, "Payload Too Large");
  return undefined;
}

/** What the server discards after a 413 before it cuts the connection. */
const LINGER_BYTES = 8 * 1024 * 1024;
/** How long the client then has to read the answer before the connection is cut. */
const LINGER_MS = 2_000;

/** The webhook routes' URL paths: resource routes under /webhooks/ with an action and no parameters. */
export function webhookPaths(build: ServerBuild): Set<string> {
  const paths = new Set<string>();
  for (const route of Object.values(build.routes)) {
    if (!route?.path || route.parentId !== "root") continue;
    if (!route.path.startsWith("webhooks/") || /[:*]/.test(route.path)) continue;
    const module = route.module as { action?: unknown; default?: unknown };
    if (typeof module.action !== "function" || module.default !== undefined) continue;
    paths.add(`/${route.path}`);
  }
  return paths;
}

/** The UI extensions' endpoints (app/routes/api.*): resource routes only, so Remix makes no origin check on them. */
export function extensionApiPaths(build: ServerBuild): string[] {
  return Object.values(build.routes).flatMap((route) => {
    if (!route?.path || route.parentId !== "root" || !route.path.startsWith("api/")) return [];
    const module = route.module as { default?: unknown };
    return module.default === undefined ? [route.path] : [];
  });
}

/** The request as a Fetch Request, as @remix-run/express builds it (URL, headers, abort), with its body already read. */
function fetchRequest(req: ExpressRequest, res: ExpressResponse, body: Buffer): Request {
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
  // req.hostname follows "trust proxy" (X-Forwarded-Host); the port comes from either header.
  const port = [req.get("x-forwarded-host"), req.get("host")]
    .map((value) => Number.parseInt(value?.split(":")[1] ?? "", 10))
    .find((value) => Number.isSafeInteger(value));
  const url = new URL(`${req.protocol}://${req.hostname}${port ? `:${port}` : ""}${req.originalUrl}`);
  const withBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(url.href, {
    method: req.method,
    headers,
    body: withBody ? new Uint8Array(body) : undefined,
    signal: controller.signal,
  });
}

async function sendResponse(res: ExpressResponse, response: Response): Promise<void> {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [key, value] of response.headers.entries()) res.append(key, value);
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}
