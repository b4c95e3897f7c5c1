import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderPayload, fulfillmentPayload, LINE_A, LINE_B } from "../app/orders/__fixtures__/lifecycle";
import { RECIPIENT_SPACING_MS } from "../app/outbox/pacing";
import { startDeliveryWorker, type DeliveryWorker } from "../app/outbox/worker.server";
import { startPipeline, type Pipeline } from "./helpers/pipeline";

/**
 * The inbox processor and the worker with an idle poll far longer than any deadline here (so
 * a delivery decided and a message that arrives were woken for, not polled) and WhatsApp's
 * 6 s per shopper. Deadlines are generous: a busy
 * machine may be slow, but a message that waited for the poll would never arrive in time.
 */
const IDLE_POLL_MS = 60 * 60_000;
let pipeline: Pipeline;
let worker: DeliveryWorker;

beforeAll(async () => {
  pipeline = await startPipeline({ inbox: { idlePollMs: IDLE_POLL_MS } });
  await pipeline.worker.stop();
  worker = startDeliveryWorker({
    db: pipeline.db,
    idlePollMs: IDLE_POLL_MS,
    fetchOrder: async () => Promise.reject(new Error("no Admin API in this test")),
  });
  // Let the new worker reach its idle sleep.
  await new Promise((resolve) => setTimeout(resolve, 300));
});

afterAll(async () => {
  await worker?.stop();
  await pipeline?.stop();
});

describe("delivery worker timing", () => {
  it("GIVEN an idle inbox processor and worker with hour-long polls WHEN a webhook queues a message THEN it is decided and sent long before the poll (woken)", async () => {
    const posted = Date.now();
    expect((await pipeline.post("orders/create", orderPayload({ id: "6101" }))).status).toBe(200);
    await pipeline.settle(60_000);
    const received = pipeline.sandbox.received.at(-1);
    expect(pipeline.received().at(-1)?.[0]).toBe("processing");
    process.stdout.write(`[timing] webhook to Kaleyra ${Date.parse(received?.receivedAt ?? "") - posted} ms\n`);
  }, 90_000);

  it("GIVEN two messages for the same shopper THEN they leave at least 6 s apart, in lifecycle order", async () => {
    const before = pipeline.sandbox.received.length;
    const order = "6102";
    expect((await pipeline.post("orders/create", orderPayload({ id: order }))).status).toBe(200);
    const shipment = { ...fulfillmentPayload({ id: "610201", status: "success", lines: [[LINE_A, 2], [LINE_B, 1]], created: 5 }), order_id: order };
    expect((await pipeline.post("fulfillments/create", shipment)).status).toBe(200);
    await pipeline.settle(60_000);
    const mine = pipeline.sandbox.received.slice(before);
    expect(pipeline.received().slice(before).map(([status]) => status)).toEqual(["processing", "shipped"]);
    const gap = Date.parse(mine[1]?.receivedAt ?? "") - Date.parse(mine[0]?.receivedAt ?? "");
    expect(gap).toBeGreaterThanOrEqual(RECIPIENT_SPACING_MS - 50);
  }, 90_000);
});
