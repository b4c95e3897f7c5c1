/**
 * The inbox: a webhook's 200 means its delivery is stored; the processor decides it later.
 * A decision that throws leaves its delivery failed and visible while other orders go on,
 * and a replay after the fix sends the right message once.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqlExecutor } from "../app/db/sql.server";
import { handleTopic } from "../app/webhooks/handle.server";
import type { TopicResult, WebhookDelivery } from "../app/webhooks/types";
import { ALL_LINES, orderSequence, startPipeline, type Pipeline } from "./helpers/pipeline";
import { waitFor } from "./helpers/process";

const run = promisify(execFile);
const order = orderSequence(640_000);

describe("a decision that throws", () => {
  let pipeline: Pipeline;
  let broken = true;
  const bad = order();
  const good = order();
  const later = order();

  /** Today's decision, behind a bug that hits every delivery of one order until it is fixed. */
  async function buggyDecision(tx: SqlExecutor, delivery: WebhookDelivery, now: Date): Promise<TopicResult> {
    if (broken && delivery.lane === bad.id) throw new TypeError("Cannot read properties of undefined (reading 'line_items')");
    return handleTopic(tx, delivery, now);
  }

  beforeAll(async () => {
    pipeline = await startPipeline({ inbox: { handle: buggyDecision, retry: { maxAttempts: 3, delayMs: () => 50 } } });
  }, 60_000);

  afterAll(async () => {
    await pipeline?.stop();
  });

  async function inboxRow(orderId: string, topic = "orders/create") {
    const rows = await pipeline.db.query<{ outcome: string; attempts: number; reason: string | null; body: string | null }>(
      // The library names the topic ORDERS_CREATE; the header, orders/create.
      `SELECT "outcome", "attempts", "reason", "body" FROM "WebhookEvent" WHERE "lane" = ? AND "topic" IN (?, ?)`,
      [orderId, topic, topic.toUpperCase().replace("/", "_")],
    );
    return rows[0];
  }

  it("GIVEN one order's delivery that throws WHEN it and other orders arrive THEN it is failed with its error and counted on /healthz, and the other orders are told", async () => {
    await pipeline.accept("orders/create", bad.created());
    await pipeline.accept("orders/create", good.created());
    await pipeline.accept("fulfillments/create", good.fulfillment({ id: "64101", status: "success", lines: ALL_LINES, created: 5 }));

    const failed = await waitFor(async () => {
      const row = await inboxRow(bad.id);
      return row?.outcome === "failed" ? row : undefined;
    }, 30_000, "the broken delivery to be failed");
    expect(failed).toMatchObject({ attempts: 3, reason: "TypeError: Cannot read properties of undefined (reading 'line_items')" });
    // Kept whole for the replay.
    expect(JSON.parse(failed.body ?? "null")).toMatchObject({ id: bad.id });

    await pipeline.settle();
    expect(pipeline.statusesFor(good.id)).toEqual(["processing", "shipped"]);
    expect(pipeline.statusesFor(bad.id)).toEqual([]);
    const health = (await (await fetch(`${pipeline.app.url}/healthz`)).json()) as { ok: boolean; inbox: { failed: number } };
    expect(health).toMatchObject({ ok: true, inbox: { failed: 1 } });
  });

  it("GIVEN the failed delivery WHEN a later delivery of the same order comes THEN the lane moved on: it is decided", async () => {
    // The order is still broken, so its later delivery throws too: it is tried, not stuck behind.
    await pipeline.accept("orders/cancelled", bad.cancelled(30));
    const row = await waitFor(async () => {
      const found = await inboxRow(bad.id, "orders/cancelled");
      return found?.outcome === "failed" ? found : undefined;
    }, 30_000, "the later delivery to be tried");
    expect(row.attempts).toBe(3);
    await pipeline.accept("orders/create", later.created());
    await pipeline.settle();
    expect(pipeline.statusesFor(later.id)).toEqual(["processing"]);
  });

  it("GIVEN the fix WHEN `npm run inbox:replay -- --failed` runs THEN both are decided in arrival order and the shopper hears once", async () => {
    broken = false;
    const { stdout } = await run("npm", ["run", "--silent", "inbox:replay", "--", "--failed"], {
      env: { ...process.env, DATABASE_URL: pipeline.app.database.url, LOG_LEVEL: "silent" },
    });
    expect(stdout).toContain("inbox:replay: 2 failed deliveries put back in the inbox");
    expect(stdout).toContain("TypeError: Cannot read properties of undefined");

    await waitFor(async () => ((await inboxRow(bad.id, "orders/cancelled"))?.outcome === "processed" ? true : undefined), 30_000, "the replay");
    await pipeline.settle();
    expect(await inboxRow(bad.id)).toMatchObject({ outcome: "processed" });
    // Created, then cancelled: the shopper hears "processing" then "cancelled", each once.
    expect(pipeline.statusesFor(bad.id)).toEqual(["processing", "cancelled"]);
    const health = (await (await fetch(`${pipeline.app.url}/healthz`)).json()) as { inbox: { failed: number } };
    expect(health.inbox.failed).toBe(0);

    const again = await run("npm", ["run", "--silent", "inbox:replay", "--", "--failed"], {
      env: { ...process.env, DATABASE_URL: pipeline.app.database.url, LOG_LEVEL: "silent" },
    });
    expect(again.stdout).toContain("inbox:replay: 0 failed deliveries put back in the inbox");
    await pipeline.settle();
    expect(pipeline.statusesFor(bad.id)).toEqual(["processing", "cancelled"]);
    // Two starts of the command (npm, then tsx) and a 30 s wait: on a loaded machine over 20 s.
  }, 120_000);

  it("GIVEN no --failed WHEN the command runs THEN it explains itself and changes nothing", async () => {
    await expect(
      run("npm", ["run", "--silent", "inbox:replay"], { env: { ...process.env, DATABASE_URL: pipeline.app.database.url } }),
    ).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("usage: npm run inbox:replay -- --failed") });
  });
});
