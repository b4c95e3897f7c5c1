import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startKaleyraSandbox, type KaleyraSandbox } from "../../sandbox/kaleyra-sandbox";
import { createLogger } from "../logger.server";
import { createKaleyraClient, type KaleyraClient } from "./client.server";
import { atLimit, SCRIPT_SAMPLES } from "./__fixtures__/scripts";
import { fits, LIMITS, strictLength } from "./limits";
import type { KaleyraCredentialsInput, OrderStatusMessageInput } from "./request";

const API_KEY = "Az9Secret0KeyForTests1234567890x3";
const ACCOUNT = { sid: "HXTEST0001IN", apiKey: API_KEY, numbers: ["+919876543210", "+919876500000"] };
const creds: KaleyraCredentialsInput = { sid: ACCOUNT.sid, apiKey: API_KEY, businessNumber: "+919876543210", pod: "IN" };
const message: OrderStatusMessageInput = {
  to: "+919812345678",
  bodyText: "Your order #1001 has shipped 📦",
  referenceId: "1001",
  status: "shipped",
  description: "Tracking: ABC123",
  ref: "shop-1:order-1001",
};
const silent = createLogger({ level: "silent" });

let sandbox: KaleyraSandbox;
let client: KaleyraClient;

beforeAll(async () => {
  sandbox = await startKaleyraSandbox({ accounts: [ACCOUNT] });
  client = createKaleyraClient({ baseUrlOverride: sandbox.url, logger: silent });
});
beforeEach(() => sandbox.reset());
afterAll(async () => {
  await client.close();
  await sandbox.close();
});

describe("Given a Kaleyra sandbox that accepts the account", () => {
  it("When a valid message is sent, Then the outcome is accepted with Kaleyra's message id and the sandbox got exactly our body", async () => {
    const result = await client.send(creds, message);
    expect(result.outcome).toMatchObject({ kind: "accepted", code: "WA202", httpStatus: 202 });
    expect(sandbox.received).toHaveLength(1);
    const got = sandbox.received[0]!;
    expect(result.outcome.kind === "accepted" && result.outcome.messageId).toBe(got.messageId);
    expect(got).toMatchObject({ sid: ACCOUNT.sid, businessNumber: "+919876543210", refTruncated: false, waSource: "shopify" });
    expect(got.body).toEqual(result.request!.body);
    expect(result.request!.url).toBe(`${sandbox.url}/v2/HXTEST0001IN/whatsapp/+919876543210/messages`);
    expect(result.request!.headers["api-key"]).toBe("[redacted]");
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("When the body is 256 emoji with skin tones (1,024 UTF-16 units), Then Kaleyra('s sandbox) accepts it", async () => {
    const result = await client.send(creds, { ...message, bodyText: "👍🏽".repeat(256) });
    expect(result.outcome.kind).toBe("accepted");
  });

  it("When the body is 1,024 emoji with skin tones (over the strict count), Then it is refused here and nothing reaches Kaleyra", async () => {
    const result = await client.send(creds, { ...message, bodyText: "👍🏽".repeat(1024) });
    expect(result.outcome).toMatchObject({ kind: "invalid", issues: [{ field: "bodyText" }] });
    expect(sandbox.requests).toBe(0);
  });

  it("PROPERTY: whatever body and description the app is given, it never sends one the sandbox refuses with WA400", async () => {
    const script = fc.constantFrom(...Object.values(SCRIPT_SAMPLES));
    const text = (limit: number) =>
      fc.oneof(
        fc.string({ unit: "grapheme", minLength: 1, maxLength: limit + 20 }),
        fc.tuple(script, fc.integer({ min: limit - 8, max: limit + 8 })).map(([sample, n]) => sample.repeat(limit).slice(0, n)),
        fc.constantFrom(...Object.keys(SCRIPT_SAMPLES)).map((name) => atLimit(name as keyof typeof SCRIPT_SAMPLES, limit)),
      );
    await fc.assert(
      fc.asyncProperty(text(LIMITS.bodyText), text(LIMITS.description), async (bodyText, description) => {
        sandbox.reset();
        const result = await client.send(creds, { ...message, bodyText, description });
        const withinLimits = bodyText.trim() !== "" && fits(bodyText, LIMITS.bodyText) && fits(description, LIMITS.description);
        // Sent only when it fits the strict count, and then always accepted: never a WA400.
        expect(result.outcome.kind).toBe(withinLimits ? "accepted" : "invalid");
        expect(sandbox.requests).toBe(withinLimits ? 1 : 0);
      }),
      { numRuns: 60 },
    );
  });

  it("When refs are 300 characters, Then the sandbox receives them cut to 255", async () => {
    const long = "x".repeat(300);
    const result = await client.send(creds, { ...message, ref: long, ref1: long, ref2: "é".repeat(300) });
    expect(result.outcome.kind).toBe("accepted");
    const extra = (sandbox.received[0]!.body as { extra_info: Record<string, string> }).extra_info;
    expect(extra.ref).toBe("x".repeat(255));
    expect(strictLength(extra.ref2!)).toBe(255);
    expect(sandbox.received[0]!.refTruncated).toBe(false);
  });

  it("When the message is invalid, Then an invalid outcome names the fields and nothing is sent", async () => {
    const result = await client.send(creds, { ...message, bodyText: "b".repeat(1025), description: "d".repeat(121) });
    expect(result.outcome.kind).toBe("invalid");
    expect(result.request).toBeNull();
    if (result.outcome.kind === "invalid") {
      expect(result.outcome.issues.map((i) => i.field)).toEqual(["bodyText", "description"]);
      expect(result.outcome.detail).toContain("interactive.body.text");
    }
    expect(sandbox.requests).toBe(0);
  });

  it.each(["HX/../IN", "HX?x=1", "..", "HX TEST", "HX\nTEST", "HX%2e%2e"])(
    "When the SID is %j, Then it is refused before any request (the sandbox sees zero)",
    async (sid) => {
      const result = await client.send({ ...creds, sid }, message);
      expect(result.outcome).toMatchObject({ kind: "invalid", issues: [{ path: "sid" }] });
      expect(sandbox.requests).toBe(0);
    },
  );
});

describe("Given each answer documented by Kaleyra, over HTTP", () => {
  it("When the API key is wrong, Then config_error/credentials (RBC001)", async () => {
    const result = await client.send({ ...creds, apiKey: "WrongKey0000000000000000000000000" }, message);
    expect(result.outcome).toMatchObject({ kind: "config_error", code: "RBC001", httpStatus: 401, reason: "credentials" });
  });

  it("When the SID is unknown, Then config_error/credentials (RBC001)", async () => {
    const result = await client.send({ ...creds, sid: "HXUNKNOWN99IN" }, message);
    expect(result.outcome).toMatchObject({ kind: "config_error", code: "RBC001", reason: "credentials" });
  });

  it("When the business number is not in the account, Then config_error/number_not_in_account (WA401)", async () => {
    const result = await client.send({ ...creds, businessNumber: "+14155552671" }, message);
    expect(result.outcome).toMatchObject({ kind: "config_error", code: "WA401", httpStatus: 401, reason: "number_not_in_account" });
  });

  it("When the account has no API access, Then config_error/account_not_enabled (WA-401)", async () => {
    sandbox.addAccount({ ...ACCOUNT, apiEnabled: false });
    const result = await client.send(creds, message);
    expect(result.outcome).toMatchObject({ kind: "config_error", code: "WA-401", reason: "account_not_enabled" });
  });

  it("When the number is on the other API version, Then config_error/number_api_version (WA-401)", async () => {
    sandbox.addAccount({ ...ACCOUNT, v1Numbers: ["+919876543210"] });
    const result = await client.send(creds, message);
    expect(result.outcome).toMatchObject({ kind: "config_error", code: "WA-401", reason: "number_api_version" });
  });

  it("When Kaleyra answers WA400, Then rejected/payload (not retried)", async () => {
    sandbox.setFaults({ forceCode: "WA400" });
    const result = await client.send(creds, message);
    expect(result.outcome).toMatchObject({ kind: "rejected", code: "WA400", httpStatus: 400, reason: "payload" });
  });

  it("When Kaleyra answers WA500, Then retry/server_error", async () => {
    sandbox.setFaults({ failNext: 1 });
    const result = await client.send(creds, message);
    expect(result.outcome).toMatchObject({ kind: "retry", code: "WA500", httpStatus: 500, reason: "server_error" });
    expect((await client.send(creds, message)).outcome.kind).toBe("accepted");
  });

  it("When the balance is 0, Then pause/low_balance (E110)", async () => {
    sandbox.setBalance(ACCOUNT.sid, 0);
    const result = await client.send(creds, message);
    expect(result.outcome).toMatchObject({ kind: "pause", code: "E110", httpStatus: 400, reason: "low_balance" });
    expect(sandbox.received).toHaveLength(0);
  });

  it("When the daily limit is used up, Then pause/daily_limit (WAV2101)", async () => {
    sandbox.addAccount({ ...ACCOUNT, dailyLimit: 1 });
    expect((await client.send(creds, message)).outcome.kind).toBe("accepted");
    const result = await client.send(creds, message);
    expect(result.outcome).toMatchObject({ kind: "pause", code: "WAV2101", reason: "daily_limit" });
  });
});

describe("Given faults between us and Kaleyra", () => {
  it("When 429 comes with Retry-After, Then retry/rate_limited with retryAfterMs", async () => {
    sandbox.setFaults({ status429: { retryAfter: "3", next: 1 } });
    const result = await client.send(creds, message);
    expect(result.outcome).toMatchObject({ kind: "retry", reason: "rate_limited", httpStatus: 429, retryAfterMs: 3000 });
  });

  it("When the connection is reset, Then retry/network", async () => {
    sandbox.setFaults({ resetNext: 1 });
    const result = await client.send(creds, message);
    expect(result.outcome).toMatchObject({ kind: "retry", reason: "network" });
    expect(result.request).not.toBeNull();
  });

  it("When nothing listens on the port, Then retry/network (connection refused)", async () => {
    const gone = await startKaleyraSandbox();
    await gone.close();
    const other = createKaleyraClient({ baseUrlOverride: gone.url, logger: silent });
    try {
      const result = await other.send(creds, message);
      expect(result.outcome).toMatchObject({ kind: "retry", reason: "network" });
      expect(result.outcome.kind === "retry" && result.outcome.detail).toMatch(/ECONNREFUSED/);
    } finally {
      await other.close();
    }
  });

  it("When the sandbox hangs, Then retry/timeout after timeoutMs", async () => {
    sandbox.setFaults({ hang: true });
    const quick = createKaleyraClient({ baseUrlOverride: sandbox.url, timeoutMs: 200, logger: silent });
    try {
      const result = await quick.send(creds, message);
      expect(result.outcome).toMatchObject({ kind: "retry", reason: "timeout" });
      // It waited for the deadline; how much longer a busy machine took is not the point.
      expect(result.durationMs).toBeGreaterThanOrEqual(190);
    } finally {
      await quick.close();
    }
  });

  it("When a proxy answers 502 with HTML, Then retry/server_error keeps the raw text", async () => {
    sandbox.setFaults({ rawResponse: { status: 502, body: "<html><h1>502 Bad Gateway</h1></html>", contentType: "text/html" } });
    const result = await client.send(creds, message);
    expect(result.outcome).toEqual({ kind: "retry", code: null, httpStatus: 502, reason: "server_error", detail: "<html><h1>502 Bad Gateway</h1></html>" });
  });

  it("When an unknown 4xx code comes back, Then rejected/unknown", async () => {
    sandbox.setFaults({ rawResponse: { status: 403, body: `{"code":"XX403","message":"Forbidden","data":{},"error":{}}`, contentType: "application/json" } });
    const result = await client.send(creds, message);
    expect(result.outcome).toMatchObject({ kind: "rejected", code: "XX403", httpStatus: 403, reason: "unknown" });
  });
});

describe("Given several sends in a row", () => {
  it("When sent sequentially through a one-connection client, Then every send reuses that one keep-alive socket", async () => {
    const single = createKaleyraClient({ baseUrlOverride: sandbox.url, logger: silent, connections: 1 });
    try {
      for (let i = 0; i < 5; i += 1) expect((await single.send(creds, message)).outcome.kind).toBe("accepted");
      expect(sandbox.stats()).toMatchObject({ requests: 5, accepted: 5, connections: 1 });
    } finally {
      await single.close();
    }
  });

  it("When 20 are sent sequentially with default options, Then the pool keeps at most 2 sockets open", async () => {
    // undici may hand the next request to a second socket while the first is still being
    // released; what matters is that the socket count does not grow with the sends.
    const pooled = createKaleyraClient({ baseUrlOverride: sandbox.url, logger: silent });
    try {
      for (let i = 0; i < 20; i += 1) await pooled.send(creds, message);
      expect(sandbox.stats().accepted).toBe(20);
      expect(sandbox.stats().connections).toBeLessThanOrEqual(2);
    } finally {
      await pooled.close();
    }
  });
});

describe("Given all log output is captured", () => {
  it("When sends fail (including a server echoing the key) and succeed, Then the API key appears nowhere", async () => {
    const lines: string[] = [];
    const log = createLogger({ level: "debug" }, { write: (line: string) => void lines.push(line) });
    const watched = createKaleyraClient({ baseUrlOverride: sandbox.url, logger: log, timeoutMs: 300 });
    const results: unknown[] = [];
    const thrown: string[] = [];
    try {
      sandbox.setFaults({ rawResponse: { status: 500, body: `upstream said: api-key=${API_KEY} rejected`, contentType: "text/plain" } });
      results.push(await watched.send(creds, message));
      sandbox.setFaults({ resetNext: 1 });
      results.push(await watched.send(creds, message));
      sandbox.setFaults({});
      results.push(await watched.send({ ...creds, apiKey: "WrongKey0000000000000000000000000" }, message));
      results.push(await watched.send({ ...creds, sid: "bad/sid" }, message));
      results.push(await watched.send(creds, message));
    } catch (err) {
      thrown.push(`${(err as Error).message}\n${(err as Error).stack}`);
    }
    await watched.close();
    // A send after close() must not throw either, and must not leak.
    try {
      results.push(await watched.send(creds, message));
    } catch (err) {
      thrown.push(`${(err as Error).message}\n${(err as Error).stack}`);
    }

    const kinds = results.map((r) => (r as { outcome: { kind: string } }).outcome.kind);
    expect(kinds).toEqual(["retry", "retry", "config_error", "invalid", "accepted", "retry"]);
    expect(thrown).toEqual([]);
    const first = results[0] as { outcome: { detail: string } };
    expect(first.outcome.detail).toBe("upstream said: api-key=[redacted] rejected");

    expect(lines).toHaveLength(6);
    expect(lines.filter((l) => l.includes('"level":"warn"'))).toHaveLength(5);
    expect(lines.filter((l) => l.includes('"level":"debug"'))).toHaveLength(1);
    expect(lines.join("\n")).not.toContain(API_KEY);
    expect(lines.join("\n")).not.toContain("+919812345678"); // the shopper's number is masked
    expect(JSON.stringify(results)).not.toContain(API_KEY);
  });
});

describe("Given an upstream that echoes the key back encoded", () => {
  it.each([
    ["base64", Buffer.from(`api-key:${API_KEY}`).toString("base64")],
    ["URL-encoded", `https://proxy.example/denied?api-key=${encodeURIComponent(`${API_KEY}/`)}`],
    ["JSON-escaped inside JSON", JSON.stringify({ upstream: JSON.stringify({ headers: { "api-key": API_KEY } }) })],
    ["hex", Buffer.from(API_KEY).toString("hex")],
  ])("When the error page holds it %s, Then neither the outcome nor the log holds it in any form", async (_name, echoed) => {
    const lines: string[] = [];
    const log = createLogger({ level: "debug" }, { write: (line: string) => void lines.push(line) });
    const watched = createKaleyraClient({ baseUrlOverride: sandbox.url, logger: log, timeoutMs: 2000 });
    try {
      sandbox.setFaults({ rawResponse: { status: 502, body: `proxy error: ${echoed}`, contentType: "text/plain" } });
      const result = await watched.send(creds, message);
      expect(result.outcome.kind).toBe("retry");
      expect(JSON.stringify(result)).toContain("[redacted]");
      const everything = `${JSON.stringify(result)}\n${lines.join("\n")}`;
      for (const form of [API_KEY, Buffer.from(API_KEY).toString("base64").slice(2, -2), Buffer.from(API_KEY).toString("hex")]) {
        expect(everything).not.toContain(form);
      }
      expect(everything).not.toContain(Buffer.from(`api-key:${API_KEY}`).toString("base64").slice(12, -4));
    } finally {
      sandbox.setFaults({});
      await watched.close();
    }
  });
});

describe("Given input that is not even an object", () => {
  it("When credentials and message are null, Then an invalid outcome, no throw and no request", async () => {
    const result = await client.send(null as never, null as never);
    expect(result.outcome.kind).toBe("invalid");
    if (result.outcome.kind === "invalid") expect(result.outcome.issues.map((i) => i.path)).toEqual(["(input)", "(input)"]);
    expect(sandbox.requests).toBe(0);
  });
});
