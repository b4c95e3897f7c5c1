/**
 * The production processes (build/server.js, build/worker.js) as the fault runs start them:
 * test configuration, the shortest safe lease, logs at debug level (kept for the secrets scan).
 */
import { MIN_LEASE_MS } from "../../../app/config.server";
import { startProcess, type RunningProcess } from "../../helpers/process";

export const PROCESS_SECRET = "reliability-webhook-secret-0042";

export interface ProcessEnv {
  databaseUrl: string;
  kaleyraUrl: string;
  port?: number;
  leaseMs?: number;
  runWorker?: boolean;
  logLevel?: string;
}

export function processEnvironment(options: ProcessEnv): Record<string, string> {
  const port = options.port ?? 9;
  return {
    SHOPIFY_API_KEY: "reliability-client-id",
    SHOPIFY_API_SECRET: PROCESS_SECRET,
    SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: options.databaseUrl,
    // The same key the test used to encrypt the shop's Kaleyra API key.
    ENCRYPTION_KEY: process.env.ENCRYPTION_KEY ?? "",
    PORT: String(port),
    LOG_LEVEL: options.logLevel ?? "debug",
    KALEYRA_BASE_URL: options.kaleyraUrl,
    WORKER_LEASE_MS: String(options.leaseMs ?? MIN_LEASE_MS),
    RUN_WORKER: options.runWorker === false ? "false" : "true",
    SEND_RATE_PER_SECOND: "200",
  };
}

export function startWorkerProcess(options: ProcessEnv): RunningProcess {
  return startProcess("node", ["build/worker.js"], processEnvironment(options));
}

export function startServerProcess(options: ProcessEnv & { port: number }): RunningProcess {
  return startProcess("node", ["build/server.js"], processEnvironment(options));
}

/** Kills with SIGKILL (no shutdown code runs) and waits for the exit. */
export async function killHard(running: RunningProcess): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return;
  running.child.kill("SIGKILL");
  await running.exited;
}

/**
 * Waits for /healthz to answer 200. Fails at once, with the process's output, if the process
 * exits (a broken build, a failed migration), and with its output on timeout too.
 */
export async function waitForHealthy(url: string, running: RunningProcess, timeoutMs = 50_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (running.child.exitCode !== null || running.child.signalCode !== null) {
      throw new Error(`the server exited (${running.child.exitCode ?? running.child.signalCode}):\n${running.output().slice(-3000)}`);
    }
    const status = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) }).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`no /healthz 200 within ${timeoutMs} ms:\n${running.output().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
