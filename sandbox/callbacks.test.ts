import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readStatusCallback } from "../app/receipts/kaleyra-callback";
import { planCallbacks, type AcceptedMessage } from "./callbacks";
import { controlClient } from "./control-client";
import { startKaleyraSandbox, type KaleyraSandbox } from "./kaleyra-sandbox";

const ACCOUNT = { sid: "HXSBX0002IN", apiKey: "SandboxKey0000000000000000000002", numbers: ["+919876543210"] };
const ACCEPTED: AcceptedMessage = {
  messageId: "A7F3C9E2B1D4A6F8C0E2",
  to: "+919812345678",
  extraInfo: { ref: "msg:0194f3", ref1: "5512", ref2: "demo-shop.myshopify.com", wa_source: "shopify" },
  acceptedAtMs: Date.UTC(2026, 11, 2, 10, 0, 0),
};

describe("planCallbacks (pure)", () => {
  it("GIVEN an accepted message WHEN nothing fails THEN sent, delivered and read follow, each with its own time and the app's refs", () => {
    const plan = planCallbacks(ACCEPTED, { sent: 1_000, delivered: 2_000, read: 5_000 }, undefined);
    expect(plan.map((p) => [p.status, p.afterMs])).toEqual([["sent", 1_000], ["delivered", 2_000], ["read", 5_000]]);
    const read = readStatusCallback(plan[2]!.body, new Date());
    expect(read).toMatchObject({ ok: true });
    const [update] = read.ok ? read.receipts : [];
    expect(update).toMatchObject({ status: "read", appMessageId: "0194f3", kaleyraMessageId: ACCEPTED.messageId });
    expect(update?.at.toISOString()).toBe("2026-12-02T10:00:05.000Z");
  });

  it("GIVEN a shopper who never reads WHEN planned THEN it stops at delivered", () => {
    expect(planCallbacks(ACCEPTED, { read: null }, undefined).map((p) => p.status)).toEqual(["sent", "delivered"]);
  });

  it("GIVEN Meta's 131047 WHEN planned THEN sent, then failed with Meta's title and message", () => {
    const plan = planCallbacks(ACCEPTED, {}, { code: 131047 });
    expect(plan.map((p) => p.status)).toEqual(["sent", "failed"]);
    const read = readStatusCallback(plan[1]!.body, new Date());
    const [update] = read.ok ? read.receipts : [];
    expect(update?.error).toMatchObject({ code: "131047", title: "Re-engagement message" });
  });

  it("GIVEN Kaleyra's WAV2101 WHEN planned THEN one not-sent callback naming the message", () => {
    const plan = planCallbacks(ACCEPTED, {}, { code: "WAV2101" });
    expect(plan.map((p) => p.status)).toEqual(["not-sent"]);
    expect(plan[0]!.body).toMatchObject({ status: "not-sent", code: "WAV2101", message_id: ACCEPTED.messageId });
  });

  it("GIVEN reversed and duplicate faults WHEN planned THEN read is posted first, and every status twice, the events' times unchanged", () => {
    const plan = planCallbacks(ACCEPTED, { sent: 1_000, delivered: 2_000, read: 3_000 }, undefined, { reversed: true, duplicate: true });
    expect(plan.map((p) => [p.status, p.afterMs])).toEqual([
      ["read", 1_000], ["read", 1_050], ["delivered", 2_000], ["delivered", 2_050], ["sent", 3_000], ["sent", 3_050],
    ]);
    const times = plan.map((p) => {
      const read = readStatusCallback(p.body, new Date());
      return read.ok ? read.receipts[0]?.at.getTime() : undefined;
    });
    // Meta's timestamps are whole seconds.
    expect(times[0]).toBe(ACCEPTED.acceptedAtMs + 3_000);
    expect(times[4]).toBe(ACCEPTED.acceptedAtMs + 1_000);
  });
});

interface Arrived {
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

describe("the sandbox posts status callbacks like Kaleyra", () => {
  let sandbox: KaleyraSandbox;
  let receiver: Server;
  let receiverUrl: string;
  let arrived: Arrived[] = [];
  let answerWith = 200;

  beforeAll(async () => {
    sandbox = await startKaleyraSandbox({ accounts: [ACCOUNT] });
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        arrived.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown> });
        res.writeHead(answerWith).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/kaleyra/callbacks/tok`;
  });
  beforeEach(() => {
    sandbox.reset();
    arrived = [];
    answerWith = 200;
  });
  afterAll(async () => {
    await sandbox.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  const control = controlClient(() => sandbox.url);

  async function send(to = "+919812345678", ref = "msg:1"): Promise<string> {
    const res = await fetch(`${sandbox.url}/v2/${ACCOUNT.sid}/whatsapp/${encodeURIComponent(ACCOUNT.numbers[0]!)}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "api-key": ACCOUNT.apiKey },
      body: JSON.stringify({
        messaging_object: {
          messaging_product: "whatsapp",
          recipient_type: "individual",
          to,
          type: "interactive",
          interactive: {
            type: "order_status",
            body: { text: "Your order is on its way" },
            action: { name: "review_order", parameters: { reference_id: "5512", order: { status: "shipped", description: "On its way" } } },
          },
        },
        extra_info: { ref, ref1: "5512", ref2: "demo-shop.myshopify.com", wa_source: "shopify" },
      }),
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { data: { message_id: string } }).data.message_id;
  }

  async function settled(count: number): Promise<void> {
    const deadline = Date.now() + 15_000;
    while ((arrived.length < count || sandbox.callbacks().pending > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  const statuses = () => arrived.map((a) => a.body.status);
  // Callbacks milliseconds apart are posted at once and may arrive in either order.
  const sorted = (list: unknown[]) => [...list].sort();

  it("GIVEN a callback profile set over the control API WHEN a message is accepted THEN sent, delivered and read arrive with the profile's header, and the secret is never echoed", async () => {
    const set = await control("POST", "callback-profile", {
      sid: ACCOUNT.sid,
      callback: { url: receiverUrl, headers: { "X-Callback-Secret": "s3cret-value" }, delaysMs: { sent: 10, delivered: 30, read: 60 } },
    });
    expect(set.status).toBe(200);
    const id = await send();
    await settled(3);
    expect(sorted(statuses())).toEqual(["delivered", "read", "sent"]);
    expect(arrived.every((a) => a.headers["x-callback-secret"] === "s3cret-value")).toBe(true);
    expect(arrived[0]!.body).toMatchObject({ message_id: id, extra_info: { ref: "msg:1", ref2: "demo-shop.myshopify.com" } });
    const listed = await control("GET", "accounts");
    expect(JSON.stringify(listed.json)).not.toContain("s3cret-value");
    expect(sandbox.callbacks().posted.map((p) => p.httpStatus)).toEqual([200, 200, 200]);
  });

  it("GIVEN Basic auth in the profile WHEN callbacks are posted THEN they carry it", async () => {
    sandbox.setCallbackProfile(ACCOUNT.sid, { url: receiverUrl, basicAuth: { username: "kaleyra", password: "pw" }, delaysMs: { sent: 0, delivered: 0, read: null } });
    await send();
    await settled(2);
    expect(arrived[0]!.headers.authorization).toBe(`Basic ${Buffer.from("kaleyra:pw").toString("base64")}`);
  });

  it("GIVEN failNext 131047 and a number not on WhatsApp (failTo 131026) WHEN three messages go THEN the first and the one to that number fail, the third is read", async () => {
    sandbox.setCallbackProfile(ACCOUNT.sid, { url: receiverUrl, delaysMs: { sent: 0, delivered: 10, read: 20 } });
    await control("POST", "faults", { callbacks: { failNext: { count: 1, code: 131047 }, failTo: { "+447400123456": { code: 131026 } } } });
    const first = await send("+919812345678", "msg:a");
    const unreachable = await send("+447400123456", "msg:b");
    const fine = await send("+919812345678", "msg:c");
    await settled(7);
    const byMessage = (id: string) => sorted(arrived.filter((a) => a.body.message_id === id).map((a) => a.body.status));
    expect(byMessage(first)).toEqual(["failed", "sent"]);
    expect(byMessage(unreachable)).toEqual(["failed", "sent"]);
    expect(byMessage(fine)).toEqual(["delivered", "read", "sent"]);
    expect(JSON.stringify(arrived.find((a) => a.body.message_id === unreachable && a.body.status === "failed")!.body)).toContain("131026");
  });

  it("GIVEN the reversed and duplicate faults WHEN a message goes THEN read arrives first and each status twice", async () => {
    // Statuses 400 ms apart, so that their order survives a busy machine.
    sandbox.setCallbackProfile(ACCOUNT.sid, { url: receiverUrl, delaysMs: { sent: 0, delivered: 400, read: 800 } });
    sandbox.setFaults({ callbacks: { reversed: true, duplicate: true } });
    await send();
    await settled(6);
    expect(statuses()).toEqual(["read", "read", "delivered", "delivered", "sent", "sent"]);
  });

  it("GIVEN the app answering 503 WHEN a callback is posted THEN it is tried three times and logged with the answer", async () => {
    sandbox.setCallbackProfile(ACCOUNT.sid, { url: receiverUrl, delaysMs: { sent: 0, delivered: 0, read: null } });
    answerWith = 503;
    const id = await send();
    const posted = await sandbox.postCallback({ messageId: id, status: "delivered" });
    expect(posted).toMatchObject({ status: "delivered", httpStatus: 503, attempts: 3 });
    // Its scheduled callbacks are retried too: none may land in the next test.
    await settled(0);
  });

  it("GIVEN an accepted message WHEN a failure is asked for on demand THEN the app gets it, and a bad request is a 400 that says why", async () => {
    sandbox.setCallbackProfile(ACCOUNT.sid, { url: receiverUrl, delaysMs: { sent: 60_000, delivered: 60_000, read: null } });
    const id = await send();
    const posted = await control("POST", "callbacks", { messageId: id, status: "failed", code: 131056 });
    expect(posted).toMatchObject({ status: 200, json: { status: "failed", httpStatus: 200 } });
    expect(JSON.stringify(arrived.filter((a) => a.body.message_id === id && a.body.status === "failed"))).toContain("131056");
    const noCode = await control("POST", "callbacks", { messageId: id, status: "failed" });
    expect(noCode).toMatchObject({ status: 400, json: { error: "failed needs a code" } });
    const unknown = await control("POST", "callbacks", { messageId: "nope", status: "read" });
    expect(unknown).toMatchObject({ status: 400, json: { error: "no accepted message nope" } });
  });
});
