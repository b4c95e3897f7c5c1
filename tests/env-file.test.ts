/**
 * `.env` as the README promises it: `npm start`, `npm run worker` and `npm run db:migrate`
 * read it, and a variable set in the environment wins over the file. The package scripts
 * run for real, in a copy of the project's top level (package.json copied; build, prisma,
 * app, scripts and node_modules linked), so a developer's own .env is never touched.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, waitFor } from "./helpers/process";

let project: string;

function runScript(script: string, env: Record<string, string> = {}) {
  const child: ChildProcess = spawn("npm", ["run", "--silent", script], {
    cwd: project,
    // Only PATH and HOME from this process (and NODE_ENV as deployed): the rest comes from .env or `env`.
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? project, NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code: number | null) => resolve(code)));
  return {
    output: () => output,
    exited,
    async stop() {
      // npm, its shell and node form one process group.
      if (child.exitCode === null) process.kill(-child.pid!, "SIGTERM");
      await exited;
    },
  };
}

function writeDotEnv(values: Record<string, string>): void {
  writeFileSync(path.join(project, ".env"), Object.entries(values).map(([k, v]) => `${k}=${v}`).join("\n") + "\n");
}

const inProject = (name: string) => path.join(project, name);

beforeAll(() => {
  project = mkdtempSync(path.join(tmpdir(), "order-status-dotenv-"));
  copyFileSync("package.json", inProject("package.json"));
  for (const linked of ["build", "node_modules", "prisma", "app", "scripts", "tsconfig.json"]) symlinkSync(path.resolve(linked), inProject(linked));
});

afterAll(() => rmSync(project, { recursive: true, force: true }));

describe("configuration from .env", () => {
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    writeDotEnv({
      SHOPIFY_API_KEY: "dotenv-key",
      SHOPIFY_API_SECRET: "dotenv-secret",
      SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: `file:${inProject("from-dotenv.sqlite")}`,
      ENCRYPTION_KEY: Buffer.alloc(32, 3).toString("base64"),
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      KALEYRA_BASE_URL: "http://127.0.0.1:9",
    });
  });

  it("GIVEN a filled .env and nothing in the environment WHEN `npm start` THEN the server starts with the file's values", async () => {
    const server = runScript("start");
    try {
      await waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok ? true : undefined), 30_000, "healthz 200");
      expect(existsSync(inProject("from-dotenv.sqlite"))).toBe(true);
      expect(server.output()).toContain('"host":"127.0.0.1"');
    } finally {
      await server.stop();
    }
  });

  it("GIVEN the same .env WHEN PORT and DATABASE_URL are set in the environment THEN `npm start` uses those instead", async () => {
    const other = await freePort();
    const server = runScript("start", { PORT: String(other), DATABASE_URL: `file:${inProject("from-env.sqlite")}` });
    try {
      await waitFor(async () => ((await fetch(`http://127.0.0.1:${other}/healthz`)).ok ? true : undefined), 30_000, "healthz 200");
      expect(existsSync(inProject("from-env.sqlite"))).toBe(true);
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    } finally {
      await server.stop();
    }
  });

  it("GIVEN a filled .env WHEN `npm run worker` THEN it starts on the file's database", async () => {
    const worker = runScript("worker", { DATABASE_URL: `file:${inProject("worker.sqlite")}` });
    try {
      await waitFor(async () => (existsSync(inProject("worker.sqlite")) ? true : undefined), 30_000, "the worker's database");
      // Still running: its configuration (the rest from .env) was complete.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(worker.output()).not.toMatch(/Invalid configuration/);
    } finally {
      await worker.stop();
    }
  });

  it("GIVEN DATABASE_URL only in .env WHEN `npm run db:migrate` THEN that database is migrated; the environment's wins when set", async () => {
    writeDotEnv({ DATABASE_URL: `file:${inProject("migrate-dotenv.sqlite")}` });
    const fromFile = runScript("db:migrate");
    expect(await fromFile.exited).toBe(0);
    expect(fromFile.output()).toMatch(/sqlite: applied/);
    expect(existsSync(inProject("migrate-dotenv.sqlite"))).toBe(true);

    const fromEnv = runScript("db:migrate", { DATABASE_URL: `file:${inProject("migrate-env.sqlite")}` });
    expect(await fromEnv.exited).toBe(0);
    expect(existsSync(inProject("migrate-env.sqlite"))).toBe(true);
  });

  it("GIVEN no .env WHEN `npm start` THEN it names the missing variables (nothing read from elsewhere)", async () => {
    rmSync(inProject(".env"));
    const server = runScript("start");
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/SHOPIFY_API_KEY is required/);
  });
});
