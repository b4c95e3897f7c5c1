import { describe, expect, it } from "vitest";
import { startProcess } from "./helpers/process";

const base = {
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "http://127.0.0.1",
  DATABASE_URL: "file:./data/never-created.sqlite",
  ENCRYPTION_KEY: Buffer.alloc(32, 9).toString("base64"),
  PORT: "1",
};

describe("server start-up configuration", () => {
  it("GIVEN no SHOPIFY_API_SECRET WHEN the server starts THEN it exits non-zero naming the variable", async () => {
    const { SHOPIFY_API_SECRET: _omitted, ...env } = base;
    const server = startProcess("node", ["build/server.js"], env);
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/SHOPIFY_API_SECRET is required/);
  });

  it("GIVEN a malformed ENCRYPTION_KEY WHEN the server starts THEN it exits non-zero naming the variable", async () => {
    const server = startProcess("node", ["build/server.js"], { ...base, ENCRYPTION_KEY: "short" });
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/ENCRYPTION_KEY must be 32 random bytes/);
    expect(server.output()).not.toContain("short");
  });

  it("GIVEN no configuration WHEN the stand-alone worker starts THEN it exits non-zero naming what is missing", async () => {
    const worker = startProcess("node", ["build/worker.js"], {});
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toMatch(/DATABASE_URL/);
  });
});
