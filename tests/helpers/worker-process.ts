/**
 * A delivery worker in a process of its own, whose whole clock may be set off the machine's
 * (./shifted-clock.ts, preloaded): what a second worker on another host with a wrong clock is.
 * The child prints one JSON line when it is ready (with how far its clock reads from the
 * database's) and one per send, stamped with its own clock just before the request leaves.
 *
 * Started by `startWorkerProcess`; runs as the child when WORKER_PROCESS is set (JSON options).
 */
import { readDatabaseTimeMs, offsetFrom } from "../../app/db/clock.server";
import { openSqlDatabase } from "../../app/db/sql.server";
import { createKaleyraClient, type KaleyraClient } from "../../app/kaleyra/client.server";
import { startDeliveryWorker } from "../../app/outbox/worker.server";
import { startProcess, waitFor, type RunningProcess } from "./process";

export interface WorkerProcessOptions {
  workerId: string;
  databaseUrl: string;
  kaleyraUrl: string;
  /** How far this process's clock reads ahead of the machine's (ms; negative: behind). */
  clockShiftMs: number;
  concurrency: number;
  ratePerSecond: number;
  idlePollMs: number;
  leaseMs: number;
}

/** One send as the worker made it: its clock's reading just before the request left. */
export interface WorkerSend {
  referenceId: string;
  /** The sending process's own clock (ms); minus its shift, the machine's. */
  at: number;
}

export interface WorkerProcess {
  /** The child's clock minus the database's, as it measured once ready, and the error of that. */
  clockAheadMs: number;
  clockUncertaintyMs: number;
  sends(): WorkerSend[];
  output(): string;
  stop(): Promise<void>;
}

/** The child's complete JSON lines (its log's too), in order. */
function lines(running: RunningProcess): Array<Record<string, unknown>> {
  const complete = running.output().split("\n").slice(0, -1);
  return complete.flatMap((line) => {
    try {
      return line.startsWith("{") ? [JSON.parse(line) as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
}

/** Starts the child, waits until its worker has gone idle once, and returns a handle to it. */
export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const running = startProcess(
    "node",
    ["--import", "tsx", "--import", "./tests/helpers/shifted-clock.ts", "tests/helpers/worker-process.ts"],
    {
      WORKER_PROCESS: JSON.stringify(options),
      CLOCK_SHIFT_MS: String(options.clockShiftMs),
      SHOPIFY_API_KEY: process.env.SHOPIFY_API_KEY ?? "",
      SHOPIFY_API_SECRET: process.env.SHOPIFY_API_SECRET ?? "",
      SHOPIFY_APP_URL: process.env.SHOPIFY_APP_URL ?? "",
      SCOPES: process.env.SCOPES ?? "",
      ENCRYPTION_KEY: process.env.ENCRYPTION_KEY ?? "",
      DATABASE_URL: options.databaseUrl,
      LOG_LEVEL: "warn",
    },
  );
  const stop = async () => {
    if (running.child.exitCode !== null || running.child.signalCode !== null) return;
    running.child.kill("SIGTERM");
    const timer = setTimeout(() => running.child.kill("SIGKILL"), 20_000);
    await running.exited;
    clearTimeout(timer);
  };
  try {
    const ready = await waitFor(
      async () => {
        if (running.child.exitCode !== null) throw new Error(running.output());
        return lines(running).find((line) => line.ready === true);
      },
      90_000,
      `worker process ${options.workerId} to be ready`,
    );
    return {
      clockAheadMs: Number(ready.clockAheadMs),
      clockUncertaintyMs: Number(ready.clockUncertaintyMs),
      sends: () =>
        lines(running)
          .filter((line) => typeof line.sent === "string")
          .map((line) => ({ referenceId: String(line.sent), at: Number(line.at) })),
      output: running.output,
      stop,
    };
  } catch (error) {
    await stop();
    throw new Error(`${String(error)}\n${running.output().slice(-2000)}`);
  }
}

/** The child: one worker, its sends reported on stdout. */
async function runChild(options: WorkerProcessOptions): Promise<void> {
  const db = openSqlDatabase(options.databaseUrl, { poolSize: 4 });
  const client = createKaleyraClient({ baseUrlOverride: options.kaleyraUrl });
  const kaleyra: KaleyraClient = {
    timeoutMs: client.timeoutMs,
    close: () => client.close(),
    send(creds, message) {
      process.stdout.write(`${JSON.stringify({ sent: "referenceId" in message ? message.referenceId : message.to, at: Date.now() })}\n`);
      return client.send(creds, message);
    },
  };
  const worker = startDeliveryWorker({
    db,
    workerId: options.workerId,
    kaleyra,
    concurrency: options.concurrency,
    ratePerSecond: options.ratePerSecond,
    idlePollMs: options.idlePollMs,
    leaseMs: options.leaseMs,
    fetchOrder: async () => Promise.reject(new Error("no Admin API in this test")),
  });
  await worker.idle();
  const before = Date.now();
  const databaseMs = await readDatabaseTimeMs(db);
  const reading = offsetFrom(before, databaseMs, Date.now());
  process.stdout.write(`${JSON.stringify({ ready: true, clockAheadMs: -reading.offset, clockUncertaintyMs: reading.uncertainty })}\n`);
  process.once("SIGTERM", () => {
    void worker
      .stop()
      .then(() => db.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  });
}

if (process.env.WORKER_PROCESS) {
  await runChild(JSON.parse(process.env.WORKER_PROCESS) as WorkerProcessOptions);
}
