import { describe, expect, it } from "vitest";
import seed from "./__fixtures__/seed-responses.json";
import {
  DETAIL_MAX,
  OUTCOME_HELP,
  OUTCOME_KEYS,
  classifyNetworkError,
  classifyResponse,
  explainOutcome,
  outcomeKey,
  parseRetryAfter,
  type KaleyraOutcome,
} from "./outcome";

// Kaleyra's documented bodies as the raw text a server would send.
const SEED = {
  WA202: JSON.stringify(seed.WA202.body),
  RBC001: JSON.stringify(seed.RBC001.body),
  WA401: JSON.stringify(seed.WA401.body),
  WA400: JSON.stringify(seed.WA400.body),
  WA500: JSON.stringify(seed.WA500.body),
  E110: JSON.stringify(seed.E110.body),
  WA401_ACCOUNT: JSON.stringify(seed["WA-401-account"].body),
  WA401_VERSION: JSON.stringify(seed["WA-401-version"].body),
};

describe("Given each answer documented by Kaleyra", () => {
  it.each<[string, number, string, Partial<KaleyraOutcome>]>([
    ["WA202", 202, SEED.WA202, { kind: "accepted", code: "WA202", messageId: "AXXXXXXXXXXXXXXXXXXX" }],
    ["RBC001", 401, SEED.RBC001, { kind: "config_error", code: "RBC001", reason: "credentials" }],
    ["WA401", 401, SEED.WA401, { kind: "config_error", code: "WA401", reason: "number_not_in_account" }],
    ["WA-401 account", 401, SEED.WA401_ACCOUNT, { kind: "config_error", code: "WA-401", reason: "account_not_enabled" }],
    ["WA-401 version", 401, SEED.WA401_VERSION, { kind: "config_error", code: "WA-401", reason: "number_api_version" }],
    ["WA400", 400, SEED.WA400, { kind: "rejected", code: "WA400", reason: "payload" }],
    ["WA500", 500, SEED.WA500, { kind: "retry", code: "WA500", reason: "server_error" }],
    ["E110", 400, SEED.E110, { kind: "pause", code: "E110", reason: "low_balance" }],
    ["WAV2101", 400, `{"code":"WAV2101","message":"Account daily limit reached","data":{},"error":{}}`, { kind: "pause", reason: "daily_limit" }],
  ])("When the answer is %s, Then the outcome is typed accordingly", (_name, status, text, expected) => {
    const outcome = classifyResponse(status, {}, text);
    expect(outcome).toMatchObject({ ...expected, httpStatus: status });
  });

  it("When WA-401 has neither error key, Then the message text decides", () => {
    const text = `{"code":"WA-401","message":"associated with different Version of our WA API","data":{},"error":{}}`;
    expect(classifyResponse(401, {}, text)).toMatchObject({ reason: "number_api_version" });
  });

  it("When the answer is WA400, Then the detail carries Kaleyra's message and error text", () => {
    const outcome = classifyResponse(400, {}, SEED.WA400);
    expect(outcome.kind === "rejected" && outcome.detail).toBe("Refer to correct payload format (payload: Incorrect payload format)");
  });
});

describe("Given answers Kaleyra does not document", () => {
  it("When 429 comes with Retry-After seconds, Then retry/rate_limited with retryAfterMs", () => {
    expect(classifyResponse(429, { "Retry-After": "7" }, "")).toMatchObject({ kind: "retry", reason: "rate_limited", retryAfterMs: 7000 });
  });

  it("When 429 comes with an HTTP-date Retry-After (Headers object), Then the delay is counted from now", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    const headers = new Headers({ "retry-after": "Thu, 01 Jan 2026 00:00:30 GMT" });
    expect(classifyResponse(429, headers, "", now)).toMatchObject({ retryAfterMs: 30_000 });
  });

  it("When Retry-After is garbage or in the past, Then it is ignored or zero", () => {
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter("Thu, 01 Jan 2015 00:00:00 GMT")).toBe(0);
  });

  it("When a 502 has an HTML body, Then retry/server_error keeps the raw text", () => {
    const outcome = classifyResponse(502, { "content-type": "text/html" }, "<html>Bad Gateway</html>");
    expect(outcome).toEqual({ kind: "retry", code: null, httpStatus: 502, reason: "server_error", detail: "<html>Bad Gateway</html>" });
  });

  it("When a 503 has Retry-After, Then it is kept on the retry outcome", () => {
    expect(classifyResponse(503, { "retry-after": "120" }, "")).toMatchObject({ kind: "retry", retryAfterMs: 120_000 });
  });

  it("When an unknown 4xx code arrives, Then rejected/unknown with the code", () => {
    expect(classifyResponse(403, {}, `{"code":"XX403","message":"Forbidden"}`)).toMatchObject({
      kind: "rejected",
      reason: "unknown",
      code: "XX403",
      detail: "Forbidden",
    });
  });

  it("When 200 carries no message id, Then retry/unexpected_response (see outcome.ts for why)", () => {
    expect(classifyResponse(200, {}, "OK")).toMatchObject({ kind: "retry", reason: "unexpected_response", detail: "OK" });
  });

  it("When 2xx carries a message id under another success code (WA200), Then accepted", () => {
    const text = `{"code":"WA200","message":"ok","data":{"message_id":"M1"},"error":{}}`;
    expect(classifyResponse(200, {}, text)).toMatchObject({ kind: "accepted", code: "WA200", messageId: "M1" });
  });

  it("When the raw body is huge, Then the detail is cut to about 500 characters", () => {
    const outcome = classifyResponse(500, {}, "x".repeat(10_000));
    expect(outcome.kind === "retry" && outcome.detail.length).toBeLessThanOrEqual(DETAIL_MAX + 1);
  });
});

describe("Given network failures", () => {
  it("When the error (or its cause) is refused or reset, Then retry/network", () => {
    const refused = Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) });
    expect(classifyNetworkError(refused)).toMatchObject({ kind: "retry", reason: "network", code: null });
    expect(classifyNetworkError(refused).detail).toContain("ECONNREFUSED");
    expect(classifyNetworkError(Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }))).toMatchObject({ reason: "network" });
  });

  it("When the error is a timeout, Then retry/timeout", () => {
    expect(classifyNetworkError(Object.assign(new Error("Headers Timeout Error"), { code: "UND_ERR_HEADERS_TIMEOUT" }))).toMatchObject({ reason: "timeout" });
    expect(classifyNetworkError(new DOMException("The operation timed out.", "TimeoutError"))).toMatchObject({ reason: "timeout" });
  });

  it("When the thrown value is not an Error, Then it still yields retry/network", () => {
    expect(classifyNetworkError("boom")).toEqual({ kind: "retry", code: null, reason: "network", detail: "boom" });
  });
});

describe("Given the merchant help table", () => {
  it("When listing every outcome class, Then each has a title, explanation and action, and there are no strays", () => {
    expect(Object.keys(OUTCOME_HELP).sort()).toEqual([...OUTCOME_KEYS].sort());
    for (const key of OUTCOME_KEYS) {
      const help = OUTCOME_HELP[key];
      expect(help.title.length, key).toBeGreaterThan(5);
      expect(help.explanation.length, key).toBeGreaterThan(10);
      expect(help.action.length, key).toBeGreaterThan(10);
    }
  });

  it("When explaining RBC001, Then it tells the merchant to fix the SID/API key in Settings", () => {
    const help = explainOutcome(classifyResponse(401, {}, SEED.RBC001));
    expect(help.title).toBe("Kaleyra rejected the SID or API key");
    expect(help.action).toMatch(/SID.*API key.*Settings/);
  });

  it("When every outcome the classifiers can produce is keyed, Then the key is a known class", () => {
    const produced = [
      ...Object.values(SEED).map((t) => classifyResponse(t.includes("WA500") ? 500 : 400, {}, t)),
      classifyResponse(429, {}, ""),
      classifyResponse(200, {}, ""),
      classifyResponse(404, {}, ""),
      classifyNetworkError(new Error("x")),
      classifyNetworkError(new DOMException("t", "TimeoutError")),
      { kind: "invalid", issues: [], detail: "" } as KaleyraOutcome,
    ];
    for (const outcome of produced) expect(OUTCOME_KEYS).toContain(outcomeKey(outcome));
  });
});
