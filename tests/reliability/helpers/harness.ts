/**
 * Shared pieces of the fault runs: the scale knob, the one-line summaries, orders that each
 * imply exactly one WhatsApp message, and counting what the Kaleyra sandbox received per
 * message key (delivered once, twice, never).
 */
import { appendFileSync } from "node:fs";
import { Writable } from "node:stream";
import { orderPayload } from "../../../app/orders/__fixtures__/lifecycle";
import { createLogger, type Logger } from "../../../app/logger.server";
import type { ReceivedMessage } from "../../../sandbox/kaleyra-sandbox";
import { testProvider } from "../../helpers/database";

/**
 * RELIABILITY_SCALE multiplies the size of every fault run (messages, faults, kills).
 * CI runs 1; `tsx scripts/reliability-full.ts` runs the long version.
 */
export const SCALE = Math.max(1, Number(process.env.RELIABILITY_SCALE ?? 1) || 1);

export function scaled(base: number): number {
  return Math.round(base * SCALE);
}

/** Time for a scaled run: the base budget grows with the scale. */
export function budgetMs(baseMs: number): number {
  return Math.round(baseMs * Math.max(1, SCALE * 0.8));
}

export interface Figures {
  [key: string]: number | string | boolean;
}

/**
 * One summary line per fault run, on the test's stdout (`[reliability] name {...}`), and as a
 * JSON line in RELIABILITY_REPORT when set (scripts/reliability-full.ts collects them).
 */
export function report(name: string, figures: Figures): void {
  const line = { run: name, engine: testProvider(), scale: SCALE, ...figures };
  process.stdout.write(`[reliability] ${JSON.stringify(line)}\n`);
  const file = process.env.RELIABILITY_REPORT;
  if (file) appendFileSync(file, `${JSON.stringify(line)}\n`);
}

/** A distinct, valid Indian mobile number per index (0..59999), so no pacing applies between orders. */
export function phoneFor(index: number): string {
  return `+9198765${String(40000 + (index % 60000)).padStart(5, "0")}`;
}

/** An orders/create body that implies exactly one message ("processing") to its own number. */
export function orderBody(orderId: string, index: number): Record<string, unknown> {
  const base = orderPayload({ id: orderId, name: `#${orderId}` });
  const shipping = (base.shipping_address ?? {}) as Record<string, unknown>;
  return { ...base, shipping_address: { ...shipping, phone: phoneFor(index), country_code: "IN" } };
}

/** The key of a message the sandbox received: shop, order and status (the outbox's dedupe key). */
export function receivedKey(message: Pick<ReceivedMessage, "body">): string {
  const body = message.body as {
    extra_info?: { ref1?: string; ref2?: string };
    messaging_object?: { interactive?: { action?: { parameters?: { order?: { status?: string } } } } };
  };
  const extra = body.extra_info ?? {};
  const status = body.messaging_object?.interactive?.action?.parameters?.order?.status;
  // ref names the message itself (app/receipts); ref1 its order, ref2 its shop.
  return `${extra.ref2 ?? "?"}|${extra.ref1 ?? "?"}|${status ?? "?"}`;
}

export function messageKey(shop: string, orderId: string, status = "processing"): string {
  return `${shop}|${orderId}|${status}`;
}

export interface DeliveryCount {
  expected: number;
  delivered: number;
  lost: number;
  /** Messages received more than once (each counted once). */
  duplicated: number;
  /** Extra copies received beyond the first. */
  extraCopies: number;
  /** Received, though not expected (must be 0). */
  unexpected: number;
  duplicateKeys: string[];
  lostKeys: string[];
}

/** Compares the keys that should have been delivered with what the sandbox received. */
export function countDeliveries(expected: Iterable<string>, received: Iterable<Pick<ReceivedMessage, "body">>): DeliveryCount {
  const wanted = new Set(expected);
  const times = new Map<string, number>();
  for (const message of received) {
    const key = receivedKey(message);
    times.set(key, (times.get(key) ?? 0) + 1);
  }
  const lostKeys = [...wanted].filter((key) => !times.has(key));
  const duplicateKeys = [...times].filter(([key, n]) => n > 1 && wanted.has(key)).map(([key]) => key);
  const extraCopies = [...times].filter(([key]) => wanted.has(key)).reduce((sum, [, n]) => sum + Math.max(0, n - 1), 0);
  return {
    expected: wanted.size,
    delivered: [...wanted].filter((key) => times.has(key)).length,
    lost: lostKeys.length,
    duplicated: duplicateKeys.length,
    extraCopies,
    unexpected: [...times.keys()].filter((key) => !wanted.has(key)).length,
    duplicateKeys,
    lostKeys,
  };
}

/** A logger at trace level whose lines are kept in memory (the secrets scan reads them too). */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { logger: createLogger({ level: "trace" }, stream), lines };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
