/**
 * The admin preview hands out session tokens, so it must be impossible to turn on where
 * anyone else could reach it: the production server refuses to start with it under
 * NODE_ENV=production or on a non-loopback SHOPIFY_APP_URL, `npm run preview` refuses the
 * same way, and without ADMIN_PREVIEW_SHOP none of its routes exist.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./helpers/database";
import { freePort, startProcess, waitFor, type RunningProcess } from "./helpers/process";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.drop());

function serverEnv(port: number, extra: Record<string, string>): Record<string, string> {
  return {
    SHOPIFY_API_KEY: "key",
    SHOPIFY_API_SECRET: "secret",
    SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: database.url,
    ENCRYPTION_KEY: Buffer.alloc(32, 4).toString("base64"),
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    ...extra,
  };
}

async function started(server: RunningProcess, port: number): Promise<void> {
  await waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok ? true : undefined), 30_000, "healthz 200");
}

describe("admin preview guard", () => {
  it("GIVEN ADMIN_PREVIEW_SHOP WHEN the server starts with NODE_ENV=production THEN it exits 1 saying the preview is development only", async () => {
    const port = await freePort();
    const server = startProcess("node", ["build/server.js"], serverEnv(port, { NODE_ENV: "production", ADMIN_PREVIEW_SHOP: "demo-shop.myshopify.com" }));
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/ADMIN_PREVIEW_SHOP is for development only/);
  });

  it("GIVEN ADMIN_PREVIEW_SHOP WHEN SHOPIFY_APP_URL is public THEN the server exits 1 asking for a loopback URL", async () => {
    const port = await freePort();
    const server = startProcess(
      "node",
      ["build/server.js"],
      serverEnv(port, { NODE_ENV: "development", SHOPIFY_APP_URL: "https://app.example.com", ADMIN_PREVIEW_SHOP: "demo-shop.myshopify.com" }),
    );
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/ADMIN_PREVIEW_SHOP needs SHOPIFY_APP_URL on a loopback address/);
  });

  it("GIVEN NODE_ENV=production WHEN `npm run preview` (the demo with --open) starts THEN it refuses and exits 1", async () => {
    const demo = spawn(path.resolve("node_modules/.bin/tsx"), ["scripts/demo.ts", "--open"], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    demo.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise((resolve) => demo.on("exit", resolve));
    expect(code).toBe(1);
    expect(output).toMatch(/ADMIN_PREVIEW_SHOP is for development only/);
    expect(output).not.toMatch(/Admin preview \(development only\): http/);
  });

  it("GIVEN no ADMIN_PREVIEW_SHOP WHEN the preview's routes are asked THEN none of them exists", async () => {
    const port = await freePort();
    const server = startProcess("node", ["build/server.js"], serverEnv(port, { NODE_ENV: "development" }));
    try {
      await started(server, port);
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/__preview/session-token?shop=demo-shop.myshopify.com`, { method: "POST" })).status).toBe(404);
      expect((await fetch(`${base}/__preview/app-bridge.js`)).status).toBe(404);
      expect((await fetch(`${base}/__preview/open?shop=demo-shop.myshopify.com`, { redirect: "manual" })).status).toBe(404);
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  });

  it("GIVEN the preview in development on 127.0.0.1 WHEN a page or another site asks for a token THEN only the same origin gets one", async () => {
    const port = await freePort();
    const server = startProcess("node", ["build/server.js"], serverEnv(port, { NODE_ENV: "development", ADMIN_PREVIEW_SHOP: "demo-shop.myshopify.com" }));
    try {
      await started(server, port);
      const url = `http://127.0.0.1:${port}/__preview/session-token?shop=demo-shop.myshopify.com`;
      const own = await fetch(url, { method: "POST", headers: { "sec-fetch-site": "same-origin" } });
      expect(own.status).toBe(200);
      const { token } = (await own.json()) as { token: string };
      const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;
      expect(claims).toMatchObject({ aud: "key", dest: "https://demo-shop.myshopify.com" });
      expect((await fetch(url, { method: "POST", headers: { "sec-fetch-site": "cross-site" } })).status).toBe(403);
      const badShop = await fetch(`http://127.0.0.1:${port}/__preview/session-token?shop=evil.example.com`, { method: "POST" });
      expect(badShop.status).toBe(400);
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  });
});
