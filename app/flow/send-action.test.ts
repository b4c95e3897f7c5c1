import { describe, expect, it } from "vitest";
import { emptyKnowledge } from "../orders/knowledge";
import { answerOf, chooseFlowStatus, flowMessages, parseFlowRequest, requestedStatusOf } from "./send-action";

const body = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  shop_id: 1,
  shopify_domain: "sunrise.myshopify.com",
  action_run_id: "run-1",
  action_definition_id: "send-whatsapp-update",
  handle: "send-whatsapp-update",
  properties,
  ...extra,
});

describe("Flow's request", () => {
  it("GIVEN the order as a number, a string or a global id WHEN read THEN each is the order's id", () => {
    for (const order of [4242, "4242", "gid://shopify/Order/4242"]) {
      const parsed = parseFlowRequest(body({ order_id: order }));
      expect(parsed).toEqual({ ok: true, value: { shop: "sunrise.myshopify.com", actionRunId: "run-1", orderId: "4242", status: "", templateName: undefined } });
    }
  });

  it("GIVEN a status and a template with spaces around WHEN read THEN the template is trimmed and an empty one is none", () => {
    expect(parseFlowRequest(body({ order_id: "1", status: "shipped", template_name: "  delay_notice " }))).toMatchObject({ ok: true, value: { status: "shipped", templateName: "delay_notice" } });
    expect(parseFlowRequest(body({ order_id: "1", template_name: "  " }))).toMatchObject({ ok: true, value: { templateName: undefined } });
  });

  it("GIVEN no order, another resource's id or a foreign domain WHEN read THEN it is refused with what is wrong", () => {
    expect(parseFlowRequest(body({}))).toEqual({ ok: false, reason: expect.stringContaining("properties.order_id") });
    expect(parseFlowRequest(body({ order_id: "gid://shopify/Customer/7" }))).toEqual({ ok: false, reason: expect.stringContaining("not an order id") });
    expect(parseFlowRequest(body({ order_id: "1" }, { shopify_domain: "evil.example.com" }))).toEqual({ ok: false, reason: expect.stringContaining("shopify_domain") });
    expect(parseFlowRequest(body({ order_id: "1" }, { action_run_id: "" }))).toMatchObject({ ok: false });
  });
});

describe("the status field", () => {
  it("GIVEN empty or current WHEN read THEN it is the current status", () => {
    expect(requestedStatusOf("")).toEqual({ ok: true, value: "current" });
    expect(requestedStatusOf(" Current ")).toEqual({ ok: true, value: "current" });
  });

  it("GIVEN a status by its name or its label WHEN read THEN it is that status", () => {
    expect(requestedStatusOf("partially_shipped")).toEqual({ ok: true, value: "partially_shipped" });
    expect(requestedStatusOf("Partially shipped")).toEqual({ ok: true, value: "partially_shipped" });
    expect(requestedStatusOf("Delivered")).toEqual({ ok: true, value: "completed" });
  });

  it("GIVEN anything else WHEN read THEN it is refused, naming what may be written", () => {
    expect(requestedStatusOf("lost")).toEqual({ ok: false, reason: 'unknown status "lost": leave it empty or write current, processing, partially_shipped, shipped, completed, cancelled' });
  });
});

describe("which status a run sends", () => {
  it("GIVEN current WHEN the order stands shipped THEN shipped, with its shipment", () => {
    expect(chooseFlowStatus("current", { status: "shipped", shipmentId: "71" }, "partially_shipped")).toEqual({ ok: true, status: "shipped", shipmentId: "71" });
  });

  it("GIVEN current WHEN a higher status was already queued THEN that one (never back)", () => {
    expect(chooseFlowStatus("current", { status: "shipped", shipmentId: "71" }, "completed")).toEqual({ ok: true, status: "completed", shipmentId: "71" });
  });

  it("GIVEN the status already sent WHEN asked again THEN it is sent again (Flow asked for it)", () => {
    expect(chooseFlowStatus("processing", { status: "processing" }, "processing")).toEqual({ ok: true, status: "processing" });
  });

  it("GIVEN a status ahead of what the app knows WHEN asked THEN it is sent (the merchant may know more)", () => {
    expect(chooseFlowStatus("completed", { status: "processing" }, null)).toEqual({ ok: true, status: "completed" });
  });

  it("GIVEN a status below where the order stands WHEN asked THEN it is refused: never back", () => {
    expect(chooseFlowStatus("processing", { status: "shipped", shipmentId: "71" }, null)).toEqual({ ok: false, reason: 'the order is already "Shipped": an update never moves an order back to "Processing"' });
  });

  it("GIVEN a cancelled order THEN only cancelled goes; and cancelled goes only for a cancelled order", () => {
    expect(chooseFlowStatus("shipped", { status: "cancelled" }, null)).toMatchObject({ ok: false, reason: expect.stringContaining("the order is cancelled") });
    expect(chooseFlowStatus("current", { status: "processing" }, "cancelled")).toEqual({ ok: true, status: "cancelled" });
    expect(chooseFlowStatus("cancelled", { status: "shipped" }, null)).toMatchObject({ ok: false, reason: expect.stringContaining("not cancelled") });
  });

  it("GIVEN an order whose standing is unknown and nothing queued WHEN current is asked THEN it is refused, saying to name the status", () => {
    expect(chooseFlowStatus("current", undefined, null)).toMatchObject({ ok: false, reason: expect.stringContaining("name the status") });
    expect(chooseFlowStatus("shipped", undefined, null)).toEqual({ ok: true, status: "shipped" });
  });
});

describe("the run's messages", () => {
  it("GIVEN a run WHEN planned THEN one message under a key of its own, for the buyer", () => {
    expect(flowMessages(emptyKnowledge("4242"), { status: "shipped", shipmentId: "71" }, "run-1", "buyer")).toEqual([
      { status: "shipped", key: "4242:shipped:flow:run-1", fulfillmentId: "71" },
    ]);
  });
});

describe("the answer Flow gets", () => {
  it("GIVEN a queued message THEN 200; GIVEN a skipped or refused one THEN 422 with the reason", () => {
    expect(answerOf({ orderStatus: "shipped", outcome: "queued", reason: null, messageId: "m1" })).toEqual({
      httpStatus: 200,
      body: { outcome: "queued", message: 'the WhatsApp update "Shipped" is queued', status: "shipped", messageId: "m1" },
    });
    expect(answerOf({ orderStatus: "shipped", outcome: "skipped", reason: "the shopper opted out of WhatsApp updates", messageId: "m2" })).toMatchObject({
      httpStatus: 422,
      body: { outcome: "skipped", message: 'the WhatsApp update "Shipped" is not sent: the shopper opted out of WhatsApp updates' },
    });
    expect(answerOf({ orderStatus: null, outcome: "refused", reason: "unknown status", messageId: null })).toEqual({ httpStatus: 422, body: { outcome: "refused", message: "not sent: unknown status" } });
  });

  it("GIVEN a message waiting for the shop's pause THEN 200: it goes when sending resumes", () => {
    expect(answerOf({ orderStatus: "processing", outcome: "paused", reason: "sending is paused for this shop (low_balance)", messageId: "m3" })).toMatchObject({ httpStatus: 200, body: { outcome: "paused" } });
  });
});
