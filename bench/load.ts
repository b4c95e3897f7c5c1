/**
 * HTTP load: autocannon for throughput at a fixed concurrency, and an evenly paced open-loop
 * generator for latency at a given rate.
 *
 * Why not autocannon's own rate limit (-R) for the latter: it lets each connection send its
 * share of the second back to back at the start of every second, so "50 % of the maximum
 * rate" is really a burst at 100 % for half a second, and its coordinated-omission correction
 * assumes a 1 ms interval. The paced generator sends request i at t0 + i/rate and measures
 * each latency from that scheduled instant, so queueing in the client counts too.
 */
import autocannon from "autocannon";
import { Pool } from "undici";
import type { SignedDelivery } from "./webhooks";

export interface ThroughputResult {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  requests: number;
  failures: number;
}

export async function measureThroughput(
  url: string,
  next: () => SignedDelivery,
  options: { connections: number; durationS: number },
): Promise<ThroughputResult> {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.durationS,
    timeout: 10,
    requests: [
      {
        setupRequest: (request) => {
          const delivery = next();
          return { ...request, method: "POST", path: delivery.path, headers: delivery.headers, body: delivery.body };
        },
      },
    ],
  });
  const ok = result["2xx"];
  return {
    rps: Math.round(ok / result.duration),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    requests: ok + result.non2xx,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export interface PacedResult {
  rate: number;
  sent: number;
  ok: number;
  failures: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
}

/** Sends `rate` requests a second, evenly spaced, for `durationS` seconds, over `connections` sockets. */
export async function measurePaced(
  url: string,
  next: () => SignedDelivery,
  options: { rate: number; durationS: number; connections: number },
): Promise<PacedResult> {
  const pool = new Pool(url, { connections: options.connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const total = Math.round(options.rate * options.durationS);
  const intervalMs = 1000 / options.rate;
  const latencies: number[] = [];
  let failures = 0;
  let sent = 0;
  const pending: Array<Promise<void>> = [];
  const start = performance.now() + 50;

  const fire = (scheduled: number) => {
    const delivery = next();
    sent += 1;
    const done = pool
      .request({ method: "POST", path: delivery.path, headers: delivery.headers, body: delivery.body })
      .then(async (response) => {
        await response.body.dump();
        if (response.statusCode === 200) latencies.push(performance.now() - scheduled);
        else failures += 1;
      })
      .catch(() => {
        failures += 1;
      });
    pending.push(done);
  };

  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * intervalMs <= now) fire(start + sent * intervalMs);
      if (sent >= total) return resolve();
      const wait = start + sent * intervalMs - performance.now();
      setTimeout(tick, Math.max(0, Math.floor(wait)));
    };
    setTimeout(tick, 50);
  });
  await Promise.all(pending);
  await pool.close();
  latencies.sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 10) / 10;
  return {
    rate: options.rate,
    sent,
    ok: latencies.length,
    failures,
    p50_ms: round(percentile(latencies, 50)),
    p99_ms: round(percentile(latencies, 99)),
    max_ms: round(latencies[latencies.length - 1] ?? Number.NaN),
  };
}
