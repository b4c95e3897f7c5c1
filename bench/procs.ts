/**
 * The processes a benchmark run starts: the production build (`node build/server.js`,
 * `node build/worker.js`) and the baseline server. All listen on 127.0.0.1 only.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { freePort, startProcess, waitFor, type RunningProcess } from "../tests/helpers/process";
import { BENCH_CALLBACK_SECRET } from "./webhooks";

/** The production build to run: build/ unless BENCH_BUILD_DIR names a copy (to keep measuring while build/ is rebuilt). */
export const BUILD_DIR = process.env.BENCH_BUILD_DIR ?? "build";

export const SECRET = "bench-shopify-api-secret";
export const ENCRYPTION_KEY = Buffer.alloc(32, 11).toString("base64");

export interface AppProcess {
  url: string;
  process: RunningProcess;
  /** Peak resident memory so far (VmHWM), in MB. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

/** Peak resident set (VmHWM) of a live process, in MB; 0 when it cannot be read. */
export function peakRssMb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Math.round(Number(match[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

async function stopProcess(running: RunningProcess, what: string): Promise<void> {
  if (running.child.exitCode !== null) return;
  running.child.kill("SIGTERM");
  const timer = setTimeout(() => running.child.kill("SIGKILL"), 15_000);
  const code = await running.exited;
  clearTimeout(timer);
  if (code !== 0 && code !== null) {
    process.stderr.write(`${what} exited with ${code}:\n${running.output().slice(-2000)}\n`);
  }
}

async function untilHealthy(running: RunningProcess, url: string, what: string): Promise<void> {
  const state = await waitFor(
    async () => {
      if (running.child.exitCode !== null) return "exited";
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      return response.status === 200 ? "up" : undefined;
    },
    30_000,
    `${what} to answer /healthz`,
  ).catch((error: unknown) => {
    running.child.kill("SIGKILL");
    throw new Error(`${String(error)}\n${running.output().slice(-3000)}`);
  });
  if (state === "exited") throw new Error(`${what} exited:\n${running.output().slice(-3000)}`);
}

export interface AppOptions {
  databaseUrl: string;
  kaleyraUrl: string;
  runWorker: boolean;
  ratePerSecond?: number;
}

function appEnv(options: AppOptions, port: number): Record<string, string> {
  return {
    SHOPIFY_API_KEY: "bench-api-key",
    SHOPIFY_API_SECRET: SECRET,
    SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: options.databaseUrl,
    ENCRYPTION_KEY,
    PORT: String(port),
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "warn",
    KALEYRA_BASE_URL: options.kaleyraUrl,
    RUN_WORKER: options.runWorker ? "true" : "false",
    REMIX_BUILD_DIR: BUILD_DIR,
    SEND_RATE_PER_SECOND: String(options.ratePerSecond ?? 80),
  };
}

/** BENCH_APP_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=prof" to profile the app under load. */
function appNodeArgs(): string[] {
  return (process.env.BENCH_APP_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
}

/** `node build/server.js`, ready once /healthz answers 200. */
export async function startApp(options: AppOptions): Promise<AppProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const running = startProcess("node", [...appNodeArgs(), path.join(BUILD_DIR, "server.js")], appEnv(options, port));
  await untilHealthy(running, url, "the app server");
  return {
    url,
    process: running,
    peakRssMb: () => peakRssMb(running.child.pid),
    stop: () => stopProcess(running, "app server"),
  };
}

/** `node build/worker.js` (PostgreSQL deployments run any number of them). */
export function startWorkerProcess(options: Omit<AppOptions, "runWorker">): RunningProcess {
  return startProcess("node", [path.join(BUILD_DIR, "worker.js")], appEnv({ ...options, runWorker: true }, 1));
}

export { stopProcess };

/** The baseline: node:http, HMAC check of the body, one INSERT into the same engine. */
export async function startBaseline(databaseUrl: string): Promise<AppProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const running = startProcess("node", ["--import", "tsx", "bench/baseline.ts"], {
    DATABASE_URL: databaseUrl,
    SHOPIFY_API_SECRET: SECRET,
    CALLBACK_SECRET: BENCH_CALLBACK_SECRET,
    PORT: String(port),
  });
  await untilHealthy(running, url, "the baseline server");
  return {
    url,
    process: running,
    peakRssMb: () => peakRssMb(running.child.pid),
    stop: () => stopProcess(running, "baseline"),
  };
}
