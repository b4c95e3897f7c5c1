import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/**
 * Checkpoints a SQLite database's write-ahead log from a thread of its own.
 *
 * SQLite copies the WAL back into the database file (a checkpoint, with an fsync) on the
 * commit that takes the WAL past 1,000 pages. better-sqlite3 is synchronous, so that commit
 * blocked the event loop under load, and every webhook arriving meanwhile waited (bench/README.md). The app's connection raises its automatic
 * checkpoint to a backstop (sql.server.ts) and this thread runs a PASSIVE checkpoint (which never blocks writers or
 * readers) on its own connection: every `intervalMs` while the log is quiet, every 2 ms
 * while it grows.
 */
export interface SqliteCheckpointer {
  /** Resolves once the thread has opened the database (starting a thread takes a moment). */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

// Plain CommonJS for an eval'd worker: the build bundles modules, so a worker file of ours
// would not exist beside it. better-sqlite3 is loaded by its resolved path.
const THREAD = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 5000 });
db.pragma("wal_autocheckpoint = 0");
let timer;
let lastFrames = 0;
function pass() {
  let next = workerData.intervalMs;
  try {
    const [result] = db.pragma("wal_checkpoint(PASSIVE)");
    // While the log is still growing, keep up with it: the WAL starts over (and stops
    // growing) only when a commit finds every frame already copied back.
    if (result.log !== lastFrames || result.checkpointed < result.log) next = workerData.busyIntervalMs;
    lastFrames = result.log;
  } catch (error) {
    parentPort.postMessage({ failed: String(error && error.message) });
  }
  timer = setTimeout(pass, next);
}
timer = setTimeout(pass, 0);
parentPort.on("message", (message) => {
  if (message !== "stop") return;
  clearTimeout(timer);
  db.close();
  parentPort.postMessage({ stopped: true });
});
parentPort.postMessage({ ready: true });
`;

export interface CheckpointerOptions {
  intervalMs?: number;
  /** Called once if the thread cannot run; the caller turns automatic checkpoints back on. */
  onFailure: (error: Error) => void;
}

export function startSqliteCheckpointer(file: string, options: CheckpointerOptions): SqliteCheckpointer {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(THREAD, { eval: true, workerData: { file, driver, intervalMs: options.intervalMs ?? 100, busyIntervalMs: 2 } });
  // The thread must never keep a finished process alive.
  worker.unref();
  let failed = false;
  const fail = (error: Error) => {
    if (failed) return;
    failed = true;
    options.onFailure(error);
  };
  let stopped: (() => void) | undefined;
  let stopping = false;
  let isReady = () => {};
  const ready = new Promise<void>((resolve) => (isReady = resolve));
  worker.on("message", (message: { ready?: boolean; failed?: string; stopped?: boolean }) => {
    if (message.ready) isReady();
    if (message.failed) fail(new Error(`SQLite checkpoint failed: ${message.failed}`));
    if (message.stopped) stopped?.();
  });
  worker.on("error", fail);
  worker.on("exit", (code) => {
    stopped?.();
    if (code !== 0 && !stopping) fail(new Error(`the SQLite checkpoint thread exited with code ${code}`));
  });
  return {
    ready,
    stop() {
      stopping = true;
      return new Promise<void>((resolve) => {
        stopped = resolve;
        worker.postMessage("stop");
        // A thread that does not answer in time is ended.
        setTimeout(() => void worker.terminate().then(() => resolve()), 2000).unref();
      });
    },
  };
}
