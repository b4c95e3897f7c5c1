/**
 * The Kaleyra sandbox in a process of its own for the benchmark, so that the times it
 * stamps on arrivals are not disturbed by the benchmark's own work (load generation, GC).
 * Keeps every message (up to 200,000) and prints one JSON line with its URL.
 *
 * Environment: SANDBOX_ACCOUNT (JSON: sid, apiKey, numbers).
 */
import { startKaleyraSandbox, type ReceivedMessage, type SandboxAccount, type SandboxStats } from "../sandbox/kaleyra-sandbox";
import { startProcess, waitFor, type RunningProcess } from "../tests/helpers/process";

export interface SandboxClient {
  url: string;
  stats(): Promise<SandboxStats>;
  messages(): Promise<ReceivedMessage[]>;
  reset(): Promise<void>;
  setLatency(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts this file as a child process and returns a client for its control API. */
export async function startSandboxProcess(account: SandboxAccount): Promise<SandboxClient> {
  const running: RunningProcess = startProcess("node", ["--import", "tsx", "bench/sandbox.ts"], {
    SANDBOX_ACCOUNT: JSON.stringify(account),
  });
  const url = await waitFor(
    async () => {
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(running.output());
      if (running.child.exitCode !== null) throw new Error(running.output());
      return match?.[1];
    },
    30_000,
    "the sandbox process",
  );
  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}/__sandbox/${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`sandbox ${method} ${path}: ${response.status}`);
    return response.json() as Promise<unknown>;
  };
  return {
    url,
    stats: () => control("GET", "stats") as Promise<SandboxStats>,
    messages: async () => ((await control("GET", "messages")) as { messages: ReceivedMessage[] }).messages,
    reset: async () => {
      await control("POST", "reset");
    },
    setLatency: async (ms) => {
      await control("POST", "faults", ms > 0 ? { latencyMs: ms } : {});
    },
    close: async () => {
      running.child.kill("SIGTERM");
      await running.exited;
    },
  };
}

if (process.env.SANDBOX_ACCOUNT) {
  const account = JSON.parse(process.env.SANDBOX_ACCOUNT) as SandboxAccount;
  const sandbox = await startKaleyraSandbox({ accounts: [account], maxReceived: 200_000 });
  process.stdout.write(`${JSON.stringify({ msg: "kaleyra sandbox listening", url: sandbox.url })}\n`);
  const stop = () => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
