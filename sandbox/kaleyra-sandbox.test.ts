import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import seed from "../app/kaleyra/__fixtures__/seed-responses.json";
import { atLimit, SCRIPT_SAMPLES, type ScriptName } from "../app/kaleyra/__fixtures__/scripts";
import { controlClient } from "./control-client";
import { startKaleyraSandbox, type KaleyraSandbox } from "./kaleyra-sandbox";

const ACCOUNT = { sid: "HXSBX0001IN", apiKey: "SandboxKey0000000000000000000001", numbers: ["+919876543210"] };

function validBody() {
  return {
    messaging_object: {
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "+919812345678",
      type: "interactive",
      interactive: {
        type: "order_status",
        body: { text: "This is an update about your order" },
        action: {
          name: "review_order",
          parameters: { reference_id: "123ABC", order: { status: "shipped", description: "On its way" } },
        },
      },
    },
    extra_info: { ref: "customer1", ref1: "marketing", ref2: "dictionary", wa_source: "shopify" },
  };
}
type Body = ReturnType<typeof validBody>;

let sandbox: KaleyraSandbox;
beforeAll(async () => {
  sandbox = await startKaleyraSandbox({ accounts: [ACCOUNT] });
});
beforeEach(() => sandbox.reset());
afterAll(() => sandbox.close());

async function post(
  body: unknown,
  { sid = ACCOUNT.sid, phone = "+919876543210", apiKey = ACCOUNT.apiKey as string | null, contentType = "application/json" } = {},
) {
  const headers: Record<string, string> = { "content-type": contentType, "cache-control": "no-cache" };
  if (apiKey !== null) headers["api-key"] = apiKey;
  const res = await fetch(`${sandbox.url}/v2/${sid}/whatsapp/${phone}/messages`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

const control = controlClient(() => sandbox.url);

describe("Given a valid order_status request", () => {
  it("When posted, Then 202 with the seed's WA202 body and a fresh message id each time", async () => {
    const a = await post(validBody());
    const b = await post(validBody());
    expect(a.status).toBe(202);
    const parsed = JSON.parse(a.text);
    expect(Object.keys(parsed)).toEqual(Object.keys(seed.WA202.body));
    expect({ ...parsed, data: {} }).toEqual({ ...seed.WA202.body, data: {} });
    expect(parsed.data.message_id).toMatch(/^A[0-9A-F]{19}$/);
    expect(JSON.parse(b.text).data.message_id).not.toBe(parsed.data.message_id);
    expect(sandbox.received.map((m) => m.messageId)).toEqual([parsed.data.message_id, JSON.parse(b.text).data.message_id]);
    expect(sandbox.received[0]).toMatchObject({ sid: ACCOUNT.sid, businessNumber: "+919876543210", body: validBody() });
  });

  it("When the business number is percent-encoded in the path, Then it is still recognised", async () => {
    expect((await post(validBody(), { phone: "%2B919876543210" })).status).toBe(202);
  });

  it("When a ref is over 255 characters, Then it is accepted (Kaleyra truncates) but flagged refTruncated", async () => {
    const body = validBody();
    body.extra_info.ref = "r".repeat(256);
    expect((await post(body)).status).toBe(202);
    expect(sandbox.received[0]!.refTruncated).toBe(true);
  });

  it("When wa_source is not a supported value, Then it is recorded as api", async () => {
    const body = validBody();
    body.extra_info.wa_source = "mystore";
    await post(body);
    expect(sandbox.received[0]!.waSource).toBe("api");
  });

  it("When optional recipient_type, description and extra_info are left out, Then it is accepted", async () => {
    const body = {
      messaging_object: {
        messaging_product: "whatsapp",
        to: "+919812345678",
        type: "interactive",
        interactive: {
          type: "order_status",
          body: { text: "Shipped" },
          action: { name: "review_order", parameters: { reference_id: "1001", order: { status: "shipped" } } },
        },
      },
    };
    expect((await post(body)).status).toBe(202);
    expect(sandbox.received[0]!.waSource).toBe("api");
  });
});

describe("Given authentication and account problems", () => {
  it.each<[string, Parameters<typeof post>[1], keyof typeof seed]>([
    ["a wrong api-key", { apiKey: "nope" }, "RBC001"],
    ["no api-key header", { apiKey: null }, "RBC001"],
    ["an unknown SID", { sid: "HXNOPE" }, "RBC001"],
    ["a number outside the account", { phone: "+14155552671" }, "WA401"],
  ])("When the request has %s, Then the seed's exact %s answer", async (_what, options, code) => {
    const res = await post(validBody(), options);
    const expected = seed[code] as { status: number; body: unknown };
    expect(res.status).toBe(expected.status);
    expect(res.text).toBe(JSON.stringify(expected.body));
  });

  it("When the account has no API access or the number is on v1, Then the two WA-401 answers", async () => {
    sandbox.addAccount({ ...ACCOUNT, apiEnabled: false });
    expect((await post(validBody())).text).toBe(JSON.stringify(seed["WA-401-account"].body));
    sandbox.addAccount({ ...ACCOUNT, v1Numbers: ["+919876543210"] });
    const res = await post(validBody());
    expect(res.status).toBe(401);
    expect(res.text).toBe(JSON.stringify(seed["WA-401-version"].body));
  });

  it("When the balance runs out, Then E110 after the last credit", async () => {
    sandbox.setBalance(ACCOUNT.sid, 1);
    expect((await post(validBody())).status).toBe(202);
    const res = await post(validBody());
    expect(res.status).toBe(400);
    expect(res.text).toBe(JSON.stringify(seed.E110.body));
  });

  it("When the daily limit is reached, Then WAV2101", async () => {
    sandbox.addAccount({ ...ACCOUNT, dailyLimit: 2 });
    await post(validBody());
    await post(validBody());
    expect(JSON.parse((await post(validBody())).text).code).toBe("WAV2101");
    expect(sandbox.received).toHaveLength(2);
  });
});

describe("Given payloads that break Kaleyra's rules", () => {
  const cases: [string, (b: Body) => unknown][] = [
    ["messaging_object.messaging_product", (b) => void (b.messaging_object.messaging_product = "sms")],
    ["messaging_object.recipient_type", (b) => void (b.messaging_object.recipient_type = "group")],
    ["messaging_object.to", (b) => void (b.messaging_object.to = "919812345678")],
    ["messaging_object.type", (b) => void (b.messaging_object.type = "text")],
    ["messaging_object.interactive.type", (b) => void (b.messaging_object.interactive.type = "order_details")],
    ["messaging_object.interactive.body.text", (b) => void (b.messaging_object.interactive.body.text = "a".repeat(1025))],
    ["messaging_object.interactive.body.text", (b) => void (b.messaging_object.interactive.body.text = "")],
    ["messaging_object.interactive.action.name", (b) => void (b.messaging_object.interactive.action.name = "review")],
    ["messaging_object.interactive.action.parameters.reference_id", (b) => void (b.messaging_object.interactive.action.parameters.reference_id = "#1001")],
    ["messaging_object.interactive.action.parameters.order.status", (b) => void (b.messaging_object.interactive.action.parameters.order.status = "canceled")],
    ["messaging_object.interactive.action.parameters.order.description", (b) => void (b.messaging_object.interactive.action.parameters.order.description = "d".repeat(121))],
    ["messaging_object.interactive.action.parameters.order.extra", (b) => void Object.assign(b.messaging_object.interactive.action.parameters.order, { extra: 1 })],
    ["messaging_object.interactive.header", (b) => void Object.assign(b.messaging_object.interactive, { header: {} })],
    ["messaging_object.interactive.action.parameters.order", (b) => void Object.assign(b.messaging_object.interactive.action.parameters, { order: undefined })],
    ["extra_info.ref", (b) => void Object.assign(b.extra_info, { ref: 5 })],
    ["extra_info.ref3", (b) => void Object.assign(b.extra_info, { ref3: "x" })],
    ["campaign", (b) => void Object.assign(b, { campaign: "x" })],
  ];

  it.each(cases)("When %s is wrong, Then 400 with the seed's WA400 body and x-sandbox-reason naming it", async (path, mutate) => {
    const body = validBody();
    mutate(body);
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.text).toBe(JSON.stringify(seed.WA400.body));
    expect(res.headers.get("x-sandbox-reason")).toContain(path);
    expect(sandbox.received).toHaveLength(0);
  });

  it.each([
    ["1,024 emoji with skin tone (1,024 graphemes, 4,096 UTF-16 units)", "👍🏽".repeat(1_024), "4096 UTF-16 units"],
    ["1,000 Hindi syllables of two code points (2,000 code points)", "की".repeat(1_000), "2000 code points"],
    ["1,025 Latin letters", "a".repeat(1_025), "1025 graphemes"],
  ])("When the body is %s, Then WA400: the strict count is over 1,024", async (_name, text, count) => {
    const body = validBody();
    body.messaging_object.interactive.body.text = text;
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.text).toBe(JSON.stringify(seed.WA400.body));
    expect(res.headers.get("x-sandbox-reason")).toBe(`messaging_object.interactive.body.text: over 1024 characters (${count})`);
    expect(sandbox.received).toHaveLength(0);
  });

  it.each(Object.keys(SCRIPT_SAMPLES) as ScriptName[])("When a %s body and description are exactly at the strict limits, Then 202; one letter more is WA400", async (script) => {
    const body = validBody();
    body.messaging_object.interactive.body.text = atLimit(script, 1_024);
    body.messaging_object.interactive.action.parameters.order.description = atLimit(script, 120);
    expect((await post(body)).status).toBe(202);
    body.messaging_object.interactive.action.parameters.order.description += "a";
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.headers.get("x-sandbox-reason")).toMatch(/^messaging_object\.interactive\.action\.parameters\.order\.description: over 120 characters/);
  });

  it("When the body is not JSON or the Content-Type is wrong, Then WA400", async () => {
    expect((await post("{not json")).text).toBe(JSON.stringify(seed.WA400.body));
    const res = await post(validBody(), { contentType: "text/plain" });
    expect(res.status).toBe(400);
    expect(res.headers.get("x-sandbox-reason")).toMatch(/Content-Type/);
  });

  it("When the method or path is wrong, Then 405 / 404", async () => {
    const get = await fetch(`${sandbox.url}/v2/${ACCOUNT.sid}/whatsapp/+919876543210/messages`);
    expect(get.status).toBe(405);
    expect((await fetch(`${sandbox.url}/v1/whatever`)).status).toBe(404);
  });
});

describe("Given injected faults", () => {
  it("When failNext is 2, Then two WA500 answers, then normal service", async () => {
    sandbox.setFaults({ failNext: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await post(validBody())).status);
    expect(statuses).toEqual([500, 500, 202]);
  });

  it("When errorRate is 0.5 with a seed, Then about half fail, the same ones on every run", async () => {
    const run = async () => {
      sandbox.setFaults({ errorRate: 0.5, seed: 42 });
      const out: number[] = [];
      for (let i = 0; i < 60; i += 1) out.push((await post(validBody())).status);
      return out;
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    const failures = first.filter((s) => s === 500).length;
    expect(failures).toBeGreaterThan(15);
    expect(failures).toBeLessThan(45);
  });

  it("When latency is set, Then answers are delayed at least that long", async () => {
    sandbox.setFaults({ latencyMs: 80, latencyRangeMs: [0, 20] });
    const started = performance.now();
    await post(validBody());
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
  });

  it("When status429 is set for one request, Then 429 with Retry-After, then 202", async () => {
    sandbox.setFaults({ status429: { retryAfter: "5", next: 1 } });
    const first = await post(validBody());
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("5");
    expect((await post(validBody())).status).toBe(202);
  });

  it("When resetNext is 1, Then the connection is destroyed without an answer", async () => {
    sandbox.setFaults({ resetNext: 1 });
    await expect(post(validBody())).rejects.toThrow();
    expect((await post(validBody())).status).toBe(202);
  });

  it("When hang is set, Then no answer arrives (the client gives up)", async () => {
    sandbox.setFaults({ hang: true });
    const pending = fetch(`${sandbox.url}/v2/${ACCOUNT.sid}/whatsapp/+919876543210/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "api-key": ACCOUNT.apiKey },
      body: JSON.stringify(validBody()),
      signal: AbortSignal.timeout(150),
    });
    await expect(pending).rejects.toMatchObject({ name: "TimeoutError" });
    expect(sandbox.requests).toBe(1);
  });

  it("When forceCode names a documented answer, Then that exact body is sent", async () => {
    sandbox.setFaults({ forceCode: "WA-401-version" });
    expect((await post(validBody())).text).toBe(JSON.stringify(seed["WA-401-version"].body));
  });

  it("When invalid faults are set, Then setFaults throws", () => {
    expect(() => sandbox.setFaults({ errorRate: 2 })).toThrow();
    expect(() => sandbox.setFaults({ nonsense: true } as never)).toThrow();
  });
});

describe("Given the control API over HTTP", () => {
  it("When faults, accounts, balance, messages and reset are driven over HTTP, Then the sandbox follows", async () => {
    expect((await control("POST", "faults", { failNext: 1 })).json).toEqual({ failNext: 1 });
    expect((await post(validBody())).status).toBe(500);
    expect((await control("GET", "faults")).json).toEqual({ failNext: 0 });

    const other = { sid: "HXOTHER01", apiKey: "OtherKey000000000000000000000001", numbers: ["+14155552671"] };
    expect((await control("POST", "accounts", other)).status).toBe(200);
    expect((await post(validBody(), { sid: other.sid, apiKey: other.apiKey, phone: "+14155552671" })).status).toBe(202);
    const accounts = (await control("GET", "accounts")).json as unknown as { sid: string; apiKey: string }[];
    expect(accounts.map((a) => [a.sid, a.apiKey])).toEqual([[ACCOUNT.sid, "***"], [other.sid, "***"]]);

    await control("POST", "balance", { sid: ACCOUNT.sid, balance: 0 });
    expect(JSON.parse((await post(validBody())).text).code).toBe("E110");

    const messages = (await control("GET", "messages")).json as { total: number; messages: { sid: string }[] };
    expect(messages.total).toBe(1);
    expect(messages.messages.map((m) => m.sid)).toEqual([other.sid]);
    expect((await control("GET", "stats")).json).toMatchObject({ requests: 3, accepted: 1 });

    expect((await control("POST", "reset")).json).toEqual({ ok: true });
    expect((await control("GET", "messages")).json).toMatchObject({ total: 0, messages: [] });
    expect((await post(validBody(), { sid: other.sid, apiKey: other.apiKey, phone: "+14155552671" })).status).toBe(401);
    expect((await post(validBody())).status).toBe(202);
  });

  it("When the control API gets bad input or an unknown route, Then 400 / 404 with a reason", async () => {
    const bad = await control("POST", "faults", { errorRate: "lots" });
    expect(bad.status).toBe(400);
    expect(String(bad.json.error)).toContain("errorRate");
    expect((await control("GET", "nothing")).status).toBe(404);
  });
});

describe("Given a long benchmark run", () => {
  it("When more messages arrive than maxReceived, Then the oldest are dropped and the total still counts", async () => {
    const small = await startKaleyraSandbox({ accounts: [ACCOUNT], maxReceived: 10 });
    try {
      for (let i = 0; i < 25; i += 1) {
        await fetch(`${small.url}/v2/${ACCOUNT.sid}/whatsapp/+919876543210/messages`, {
          method: "POST",
          headers: { "content-type": "application/json", "api-key": ACCOUNT.apiKey },
          body: JSON.stringify(validBody()),
        });
      }
      expect(small.received.length).toBeLessThanOrEqual(10);
      expect(small.stats().accepted).toBe(25);
    } finally {
      await small.close();
    }
  });
});
