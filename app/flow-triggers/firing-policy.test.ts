import { describe, expect, it } from "vitest";
import {
  classifyAnswer,
  classifyNetworkError,
  decideAfterCall,
  firingRetryDelayMs,
  MAX_FIRING_ATTEMPTS,
  type CallOutcome,
  type FiringState,
} from "./firing-policy";

const ok = (userErrors: unknown[] = []) => ({ data: { flowTriggerReceive: { userErrors } } });
const graphqlError = (code: string, message = "oops") => ({ errors: [{ message, extensions: { code } }] });
const socketError = (code: string) => new TypeError("fetch failed", { cause: Object.assign(new Error(code), { code }) });
const named = (name: string) => Object.assign(new Error("aborted"), { name });

/** One row per answer: what Shopify said, whether it took the trigger, and whether to call again. */
const ANSWERS: Array<[string, number, unknown, CallOutcome["kind"], boolean | undefined]> = [
  ["200, no userErrors", 200, ok(), "taken", undefined],
  ["429", 429, {}, "not_taken", true],
  ["500", 500, {}, "not_taken", true],
  ["503", 503, {}, "not_taken", true],
  ["200 with a THROTTLED GraphQL error", 200, graphqlError("THROTTLED", "Throttled"), "not_taken", true],
  ["200 with another GraphQL error", 200, graphqlError("ACCESS_DENIED"), "not_taken", false],
  ["200 with a userError saying to try again", 200, ok([{ field: null, message: "Too many requests, try again later" }]), "not_taken", true],
  ["200 with a userError about the handle", 200, ok([{ field: ["handle"], message: "Invalid handle" }]), "not_taken", false],
  ["401 (token revoked)", 401, {}, "not_taken", false],
  ["402 (shop frozen)", 402, {}, "not_taken", false],
  ["404 (shop gone)", 404, {}, "not_taken", false],
  ["200 that cannot be read", 200, undefined, "ambiguous", undefined],
];

const NETWORK: Array<[string, unknown, CallOutcome["kind"]]> = [
  ["connection refused", socketError("ECONNREFUSED"), "not_taken"],
  ["unknown host", socketError("ENOTFOUND"), "not_taken"],
  ["connect timeout", socketError("UND_ERR_CONNECT_TIMEOUT"), "not_taken"],
  ["connection reset during the call", socketError("ECONNRESET"), "ambiguous"],
  ["socket closed during the call", socketError("UND_ERR_SOCKET"), "ambiguous"],
  ["our deadline passed", named("TimeoutError"), "ambiguous"],
  ["aborted", named("AbortError"), "ambiguous"],
  ["an error without a code", new Error("strange"), "ambiguous"],
];

describe("what Shopify's answer means", () => {
  it.each(ANSWERS)("GIVEN %s THEN %s, retryable %s", (_name, status, body, kind, retryable) => {
    const outcome = classifyAnswer(status, body);
    expect(outcome.kind).toBe(kind);
    if (outcome.kind === "not_taken") expect(outcome.retryable).toBe(retryable);
  });

  it("GIVEN 429 with Retry-After THEN the wait is kept, in ms", () => {
    expect(classifyAnswer(429, {}, "7")).toMatchObject({ retryAfterMs: 7000 });
  });

  it.each(NETWORK)("GIVEN %s THEN %s", (_name, error, kind) => {
    const outcome = classifyNetworkError(error);
    expect(outcome.kind).toBe(kind);
    if (outcome.kind === "not_taken") expect(outcome.retryable).toBe(true);
  });
});

describe("the firing after a call", () => {
  const notTaken = (retryable: boolean): CallOutcome => ({ kind: "not_taken", retryable, reason: "why" });
  /** The policy's table: outcome, attempts so far, the state it leaves. */
  const TABLE: Array<[string, CallOutcome, number, FiringState]> = [
    ["taken", { kind: "taken" }, 1, "fired"],
    ["taken on the last attempt", { kind: "taken" }, MAX_FIRING_ATTEMPTS, "fired"],
    ["not taken, retryable", notTaken(true), 1, "pending"],
    ["not taken, retryable, attempts left", notTaken(true), MAX_FIRING_ATTEMPTS - 1, "pending"],
    ["not taken, retryable, no attempts left", notTaken(true), MAX_FIRING_ATTEMPTS, "not_fired"],
    ["not taken, not retryable", notTaken(false), 1, "not_fired"],
    ["ambiguous", { kind: "ambiguous", reason: "cut" }, 1, "unknown"],
  ];

  it.each(TABLE)("GIVEN %s THEN %s after %i attempt(s) leaves it %s", (_name, outcome, attempts, state) => {
    expect(decideAfterCall(outcome, attempts).state).toBe(state);
  });

  it("GIVEN an ambiguous call THEN the reason says it is not fired again", () => {
    expect(decideAfterCall({ kind: "ambiguous", reason: "Shopify did not answer in time" }, 1)).toEqual({
      state: "unknown",
      error: "Shopify did not answer in time; Shopify may have run the workflows, so it is not fired again",
    });
  });

  it("GIVEN retries THEN they back off by the app's doubling from 30 s to 1 h, and Retry-After wins when longer", () => {
    expect([1, 2, 3, 8, 9].map((attempts) => firingRetryDelayMs(attempts))).toEqual([30_000, 60_000, 120_000, 3_600_000, 3_600_000]);
    expect(firingRetryDelayMs(1, 90_000)).toBe(90_000);
    expect(decideAfterCall({ kind: "not_taken", retryable: true, reason: "503", retryAfterMs: 5000 }, 2)).toEqual({ state: "pending", delayMs: 60_000, error: "503" });
  });
});
