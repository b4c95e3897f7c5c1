/**
 * A local stand-in for Kaleyra's WhatsApp messages endpoint (the seed's order_status message,
 * templates and text), answering with the bodies of Kaleyra's document, plus fault injection
 * for tests and benchmarks. Opt-in per account, it also judges templates and the 24-hour
 * window as Meta does, and posts shoppers' messages to the number's Incoming URL.
 *
 * The payload check (payload.ts) is written by hand, so a bug in the app's request builders
 * is caught instead of mirrored.
 *
 * Built for throughput: no sync I/O and no logging per request.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { z } from "zod";
import { LIMITS } from "../app/kaleyra/limits";
import {
  callbackFaultsSchema,
  callbackProfileSchema,
  incomingProfileSchema,
  planCallbacks,
  postWithRetries,
  startCallbackPoster,
  type AcceptedMessage,
  type CallbackFailure,
  type CallbackProfile,
  type IncomingProfile,
  type PostedCallback,
} from "./callbacks";
import { inboundBody, inboundRequestSchema, type InboundPost, type InboundRequest } from "./inbound";
import { isObject, payloadProblem, strictCount, summarize, WA_SOURCES, type Json, type MessageSummary } from "./payload";
import { OUTSIDE_WINDOW, sandboxTemplateSchema, templateVerdict, windowOpen } from "./verdicts";

export { payloadProblem, strictCount } from "./payload";
export type { InboundPost, InboundRequest } from "./inbound";
export type { MessageSummary } from "./payload";
export type { SandboxTemplate } from "./verdicts";

// ---------------------------------------------------------------------------------------
// Kaleyra's answers

const seedBody = (code: string, message: string, data: unknown, error: Record<string, string>) =>
  JSON.stringify({ code, message, data, error });

/**
 * Failure answers exactly as in Kaleyra's document. WAV2101's body and status are not in
 * the document: Kaleyra's error-code page names the code ("Account daily limit reached")
 * only, so the shape follows the documented ones and the status follows E110 (400).
 */
export const SEED_ANSWERS = {
  RBC001: { status: 401, body: seedBody("RBC001", "Incorrect SID or API key.", [], { error: "Incorrect SID or API key." }) },
  WA401: {
    status: 401,
    body: seedBody("WA401", "Phone number is not present or does not belong to the account.", {}, {
      phone_number: "Phone number is not present or does not belong to the account.",
    }),
  },
  WA400: {
    status: 400,
    body: seedBody("WA400", "Refer to correct payload format", {}, { payload: "Incorrect payload format" }),
  },
  WA500: { status: 500, body: seedBody("WA500", "Please try again later", {}, { error: "Internal server error" }) },
  E110: {
    status: 400,
    body: seedBody("E110", "Please check your balance, You have a low balance!", {}, {
      balance: "Please check your balance, You have a low balance!",
    }),
  },
  "WA-401-account": {
    status: 401,
    body: seedBody("WA-401", "API is not available for given customer.Please contact support for more info", {}, {
      account: "API is not available for given customer.Please contact support for more info",
    }),
  },
  "WA-401-version": {
    status: 401,
    body: seedBody(
      "WA-401",
      "The phone number you're using is associated with different Version of our WA API. Please use the appropriate endpoint.",
      {},
      {
        phone_number:
          "The phone number you're using is associated with different Version of our WA API. Please use the appropriate endpoint.",
      },
    ),
  },
  WAV2101: {
    status: 400,
    body: seedBody("WAV2101", "Account daily limit reached", {}, { limit: "Account daily limit reached" }),
  },
} as const;

export type SandboxAnswer = keyof typeof SEED_ANSWERS;

/** The document's success sample is missing commas; this is the same keys and values as valid JSON. */
export function acceptedBody(messageId: string): string {
  return JSON.stringify({ code: "WA202", message: "Request Accepted", data: { message_id: messageId }, error: {} });
}

// ---------------------------------------------------------------------------------------
// Configuration (zod: the control API takes the same shapes over HTTP)

export const sandboxAccountSchema = z.strictObject({
  sid: z.string().min(1),
  apiKey: z.string().min(1),
  numbers: z.array(z.string()),
  /** Credits; each accepted message costs 1; at 0 the answer is E110. Absent = unlimited. */
  balance: z.number().int().min(0).optional(),
  /** Accepted messages per UTC day before WAV2101. Absent = unlimited. */
  dailyLimit: z.number().int().min(0).optional(),
  /** false -> WA-401 (account type). */
  apiEnabled: z.boolean().optional(),
  /** Numbers of this account on the older API version -> WA-401 (phone number version). */
  v1Numbers: z.array(z.string()).optional(),
  /** The callback profile of the account's numbers: status callbacks for accepted messages go there. */
  callback: callbackProfileSchema.optional(),
  /** Approved templates: when set, template sends are judged against it (132001/132000/132015/132016). Absent = any template goes. */
  templates: z.array(sandboxTemplateSchema).optional(),
  /** Interactive and text messages need the shopper to have written in the last 24 hours (else 131047). */
  enforceWindow: z.boolean().optional(),
  /** The numbers' Incoming URL: shoppers' messages (the control API's inbound) are posted there. */
  incoming: incomingProfileSchema.optional(),
});
export type SandboxAccount = z.infer<typeof sandboxAccountSchema>;

export const sandboxFaultsSchema = z.strictObject({
  /** Added before answering every message request. */
  latencyMs: z.number().int().min(0).optional(),
  /** Random extra latency, uniform in [min, max]. */
  latencyRangeMs: z.tuple([z.number().int().min(0), z.number().int().min(0)]).optional(),
  /** Share of requests answered 500 WA500. */
  errorRate: z.number().min(0).max(1).optional(),
  /** Seed for errorRate and latencyRangeMs, for repeatable runs. */
  seed: z.number().int().optional(),
  /** The next n requests answer 500 WA500. */
  failNext: z.number().int().min(0).optional(),
  /** The next n requests get their socket destroyed (connection reset). */
  resetNext: z.number().int().min(0).optional(),
  /** Never answer (timeout tests). */
  hang: z.boolean().optional(),
  /** Answer 429 with Retry-After; `next` limits it to n requests, otherwise all. */
  status429: z.strictObject({ retryAfter: z.string().optional(), next: z.number().int().min(0).optional() }).optional(),
  /** Answer every request with this documented Kaleyra answer. */
  forceCode: z.enum(Object.keys(SEED_ANSWERS) as [SandboxAnswer, ...SandboxAnswer[]]).optional(),
  /** Answer every request with this raw response (e.g. an HTML 502 from a proxy). */
  rawResponse: z
    .strictObject({ status: z.number().int().min(100).max(599), body: z.string(), contentType: z.string().optional() })
    .optional(),
  /** Status callbacks that fail, come newest first, or come twice. */
  callbacks: callbackFaultsSchema.optional(),
});
export type SandboxFaults = z.infer<typeof sandboxFaultsSchema>;

export interface ReceivedMessage {
  sid: string;
  businessNumber: string;
  /** The JSON body exactly as received. */
  body: unknown;
  receivedAt: string;
  messageId: string;
  /** A ref was over 255 characters (Kaleyra truncates; the app must never send one). */
  refTruncated: boolean;
  /** wa_source as Kaleyra would record it (unknown values become "api"). */
  waSource: string;
  /** The form and what it carried: template name, language and parameters, or the text. */
  summary: MessageSummary;
  /** Meta's code when the sandbox judged the message undeliverable (template or window); sent in a failed callback. */
  refusedWith?: number;
}

export interface SandboxStats {
  /** Requests to the message route (control API not counted). */
  requests: number;
  accepted: number;
  /** TCP connections accepted since start or reset: tells whether clients keep alive. */
  connections: number;
}

export const onDemandCallbackSchema = z.strictObject({
  messageId: z.string().min(1),
  status: z.enum(["sent", "delivered", "read", "failed", "not-sent"]),
  /** For failed (Meta's code) and not-sent (Kaleyra's code). */
  code: z.union([z.number().int(), z.string().min(1)]).optional(),
  title: z.string().optional(),
  message: z.string().optional(),
});
export type OnDemandCallback = z.infer<typeof onDemandCallbackSchema>;

export interface SandboxOptions {
  port?: number;
  host?: string;
  accounts?: SandboxAccount[];
  /** Oldest received messages are dropped beyond this, so long benchmarks stay bounded. */
  maxReceived?: number;
}

export interface KaleyraSandbox {
  url: string;
  port: number;
  received: ReceivedMessage[];
  readonly requests: number;
  stats(): SandboxStats;
  setFaults(faults: SandboxFaults): void;
  faults(): SandboxFaults;
  /** Clears messages, counters and faults and restores the starting accounts. */
  reset(): void;
  addAccount(account: SandboxAccount): void;
  setBalance(sid: string, balance: number | undefined): void;
  /** Sets or removes (undefined) the callback profile of an account. */
  setCallbackProfile(sid: string, profile: CallbackProfile | undefined): void;
  /** Status callbacks posted so far, and how many are still to be posted or answered. */
  callbacks(): { pending: number; posted: PostedCallback[] };
  /** Posts one status callback for an accepted message now. */
  postCallback(request: OnDemandCallback): Promise<PostedCallback>;
  /** Sets or removes (undefined) the Incoming URL profile of an account. */
  setIncomingProfile(sid: string, profile: IncomingProfile | undefined): void;
  /** A shopper writes: opens the window and posts to the Incoming URL (if any), retrying like callbacks. */
  postInbound(request: InboundRequest): Promise<InboundPost>;
  /** Inbound messages posted so far. */
  inbound(): InboundPost[];
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------
// Server

interface AccountState extends SandboxAccount {
  numberSet: Set<string>;
  v1Set: Set<string>;
  day: number;
  sentToday: number;
  /** Last inbound time (ms) per "business number shopper" pair. */
  lastInbound: Map<string, number>;
}

const windowKey = (businessNumber: string, shopper: string) => `${businessNumber} ${shopper}`;

function toState(account: SandboxAccount): AccountState {
  return {
    ...structuredClone(account),
    numberSet: new Set(account.numbers),
    v1Set: new Set(account.v1Numbers ?? []),
    day: 0,
    sentToday: 0,
    lastInbound: new Map(),
  };
}

/** Small seeded PRNG (mulberry32) so fault runs can be repeated. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROUTE = /^\/v2\/([^/]+)\/whatsapp\/([^/]+)\/messages$/;
const MAX_BODY_BYTES = 1024 * 1024;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function reply(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

function answer(res: ServerResponse, name: SandboxAnswer, reason?: string): void {
  const a = SEED_ANSWERS[name];
  // x-sandbox-reason is not Kaleyra's: it names the failing rule to help debugging.
  reply(res, a.status, a.body, reason ? { "x-sandbox-reason": reason } : {});
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function maskedProfile(profile: IncomingProfile): Record<string, unknown> {
  return {
    ...profile,
    headers: Object.fromEntries(Object.keys(profile.headers ?? {}).map((name) => [name, "***"])),
    ...(profile.basicAuth ? { basicAuth: { username: profile.basicAuth.username, password: "***" } } : {}),
  };
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

export async function startKaleyraSandbox(options: SandboxOptions = {}): Promise<KaleyraSandbox> {
  const { port = 0, host = "127.0.0.1", maxReceived = 10_000 } = options;
  const initialAccounts = (options.accounts ?? []).map((a) => sandboxAccountSchema.parse(a));
  const accounts = new Map<string, AccountState>();
  const received: ReceivedMessage[] = [];
  const inboundLog: InboundPost[] = [];
  const stats: SandboxStats = { requests: 0, accepted: 0, connections: 0 };
  let faults: SandboxFaults = {};
  let random: () => number = Math.random;
  const poster = startCallbackPoster();

  const setFaults = (next: SandboxFaults) => {
    faults = sandboxFaultsSchema.parse(next);
    random = faults.seed === undefined ? Math.random : prng(faults.seed);
  };
  const addAccount = (account: SandboxAccount) => {
    const parsed = sandboxAccountSchema.parse(account);
    accounts.set(parsed.sid, toState(parsed));
  };
  const reset = () => {
    accounts.clear();
    for (const a of initialAccounts) accounts.set(a.sid, toState(a));
    received.length = 0;
    inboundLog.length = 0;
    stats.requests = 0;
    stats.accepted = 0;
    stats.connections = 0;
    poster.clear();
    setFaults({});
  };
  const accountOf = (sid: string) => {
    const account = accounts.get(sid);
    if (!account) throw new Error(`unknown sandbox account ${sid}`);
    return account;
  };
  const setBalance = (sid: string, balance: number | undefined) => {
    accountOf(sid).balance = balance;
  };
  const setCallbackProfile = (sid: string, profile: CallbackProfile | undefined) => {
    accountOf(sid).callback = profile === undefined ? undefined : callbackProfileSchema.parse(profile);
  };
  const setIncomingProfile = (sid: string, profile: IncomingProfile | undefined) => {
    accountOf(sid).incoming = profile === undefined ? undefined : incomingProfileSchema.parse(profile);
  };
  reset();

  /** The failure the callback faults give this message, if any (failNext is used up one by one). */
  function failureFor(to: string): CallbackFailure | undefined {
    const cf = faults.callbacks;
    const forNumber = cf?.failTo?.[to];
    if (forNumber) return forNumber;
    if (cf?.failNext && cf.failNext.count > 0) {
      cf.failNext.count -= 1;
      const { count: _count, ...failure } = cf.failNext;
      return failure;
    }
    return undefined;
  }

  function acceptedOf(message: ReceivedMessage): AcceptedMessage {
    const mo = (message.body as Json).messaging_object as Json;
    const extra = (message.body as Json).extra_info;
    return { messageId: message.messageId, to: String(mo.to), extraInfo: isObject(extra) ? extra : {}, acceptedAtMs: Date.now() };
  }

  /** Meta's refusal of an accepted message: a template it does not know, or free-form outside the window. */
  function verdictFor(account: AccountState, businessNumber: string, payload: Json, summary: MessageSummary): CallbackFailure | undefined {
    if (summary.form === "template") {
      return account.templates ? templateVerdict(account.templates, (payload.messaging_object as Json).template) : undefined;
    }
    if (!account.enforceWindow) return undefined;
    const open = windowOpen(account.lastInbound.get(windowKey(businessNumber, summary.to)), Date.now());
    return open ? undefined : OUTSIDE_WINDOW;
  }

  function scheduleCallbacks(account: AccountState, message: ReceivedMessage, verdict: CallbackFailure | undefined): void {
    if (!account.callback) return;
    const accepted = acceptedOf(message);
    const cf = faults.callbacks ?? {};
    const failure = verdict ?? failureFor(accepted.to);
    poster.schedule(account.callback, message.messageId, planCallbacks(accepted, account.callback.delaysMs, failure, cf));
  }

  /** The account and business number an inbound message is written to. */
  function inboundTarget(sid: string | undefined, number: string | undefined): { account: AccountState; businessNumber: string } {
    const account = sid !== undefined ? accountOf(sid) : [...accounts.values()].find((a) => a.numberSet.has(number!));
    if (!account) throw new Error(`no sandbox account has the number ${number}`);
    const businessNumber = number ?? account.numbers[0];
    if (businessNumber === undefined || !account.numberSet.has(businessNumber)) {
      throw new Error(`account ${account.sid} has no number ${businessNumber ?? "at all"}`);
    }
    return { account, businessNumber };
  }

  async function postInbound(request: InboundRequest): Promise<InboundPost> {
    const { sid, number, from, text, at, name } = inboundRequestSchema.parse(request);
    const { account, businessNumber } = inboundTarget(sid, number);
    const atMs = at === undefined ? Date.now() : Date.parse(at);
    const key = windowKey(businessNumber, from);
    account.lastInbound.set(key, Math.max(atMs, account.lastInbound.get(key) ?? -Infinity));
    const body = inboundBody({ sid: account.sid, businessNumber, from, text, atMs, ...(name ? { name } : {}) });
    const postedAt = new Date().toISOString();
    const outcome = account.incoming ? await postWithRetries(account.incoming, body) : { attempts: 0 };
    const entry: InboundPost = { sid: account.sid, businessNumber, from, at: new Date(atMs).toISOString(), body, ...outcome, postedAt };
    inboundLog.push(entry);
    if (inboundLog.length > maxReceived) inboundLog.splice(0, inboundLog.length - Math.floor(maxReceived / 2));
    return entry;
  }

  async function postCallback(request: OnDemandCallback): Promise<PostedCallback> {
    const { messageId, status, code, title, message: text } = onDemandCallbackSchema.parse(request);
    const message = received.find((m) => m.messageId === messageId);
    const profile = message && accounts.get(message.sid)?.callback;
    if (!message || !profile) throw new Error(message ? `account ${message.sid} has no callback profile` : `no accepted message ${messageId}`);
    const failing = status === "failed" || status === "not-sent";
    if (failing && code === undefined) throw new Error(`${status} needs a code`);
    const failure = failing ? { code: status === "not-sent" ? String(code) : Number(code), title, message: text } : undefined;
    const plan = planCallbacks(acceptedOf(message), { sent: 0, delivered: 0, read: 0 }, failure);
    const planned = plan.find((p) => p.status === status);
    if (!planned) throw new Error(`a ${status} callback needs ${status === "not-sent" ? "a code that is not a number" : "a numeric code"}`);
    return poster.post(profile, messageId, status, planned.body);
  }

  /** Applies faults; true when the request has been dealt with. */
  async function applyFaults(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    let delay = faults.latencyMs ?? 0;
    if (faults.latencyRangeMs) {
      const [min, max] = faults.latencyRangeMs;
      delay += min + Math.floor(random() * (Math.max(max, min) - min + 1));
    }
    if (delay > 0) await sleep(delay);
    if (faults.resetNext) {
      faults.resetNext -= 1;
      req.socket.destroy();
      return true;
    }
    if (faults.hang) return true;
    const r429 = faults.status429;
    if (r429 && (r429.next === undefined || r429.next > 0)) {
      if (r429.next !== undefined) r429.next -= 1;
      // Kaleyra documents no 429 body; this one is the sandbox's own.
      const body = seedBody("SANDBOX429", "Too many requests", {}, { rate: "Too many requests" });
      reply(res, 429, body, r429.retryAfter === undefined ? {} : { "retry-after": r429.retryAfter });
      return true;
    }
    if (faults.failNext) {
      faults.failNext -= 1;
      answer(res, "WA500", "fault: failNext");
      return true;
    }
    if (faults.errorRate && random() < faults.errorRate) {
      answer(res, "WA500", "fault: errorRate");
      return true;
    }
    if (faults.forceCode) {
      answer(res, faults.forceCode, "fault: forceCode");
      return true;
    }
    if (faults.rawResponse) {
      const { status, body, contentType = "text/plain" } = faults.rawResponse;
      reply(res, status, body, { "content-type": contentType });
      return true;
    }
    return false;
  }

  async function handleMessage(req: IncomingMessage, res: ServerResponse, match: RegExpExecArray): Promise<void> {
    stats.requests += 1;
    const raw = await readBody(req);
    if (await applyFaults(req, res)) return;

    if (req.method !== "POST") {
      reply(res, 405, seedBody("SANDBOX405", "Method not allowed", {}, { method: "Use POST" }), { allow: "POST" });
      return;
    }
    const sid = decodeSegment(match[1]!);
    const phone = decodeSegment(match[2]!);
    const account = sid === null ? undefined : accounts.get(sid);
    const apiKey = req.headers["api-key"];
    if (!account || typeof apiKey !== "string" || apiKey !== account.apiKey) {
      answer(res, "RBC001", account ? "api-key header missing or wrong" : "unknown sid");
      return;
    }
    if (account.apiEnabled === false) return answer(res, "WA-401-account", "account apiEnabled=false");
    if (phone !== null && account.v1Set.has(phone)) return answer(res, "WA-401-version", "number on v1");
    if (phone === null || !account.numberSet.has(phone)) return answer(res, "WA401", "number not in account");

    const contentType = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (contentType !== "application/json") return answer(res, "WA400", "Content-Type must be application/json");
    if (raw === null) return answer(res, "WA400", "body too large");
    let payload: unknown;
    try {
      payload = JSON.parse(raw);
    } catch {
      return answer(res, "WA400", "body is not JSON");
    }
    const problem = payloadProblem(payload);
    if (problem) return answer(res, "WA400", problem);

    if (account.balance !== undefined && account.balance <= 0) return answer(res, "E110", "balance 0");
    const day = Math.floor(Date.now() / 86_400_000);
    if (account.day !== day) {
      account.day = day;
      account.sentToday = 0;
    }
    if (account.dailyLimit !== undefined && account.sentToday >= account.dailyLimit) {
      return answer(res, "WAV2101", "daily limit");
    }

    if (account.balance !== undefined) account.balance -= 1;
    account.sentToday += 1;
    stats.accepted += 1;
    const messageId = `A${randomUUID().replace(/-/g, "").slice(0, 19).toUpperCase()}`;
    const extra = isObject((payload as Json).extra_info) ? ((payload as Json).extra_info as Json) : {};
    const refs = [extra.ref, extra.ref1, extra.ref2].filter((v): v is string => typeof v === "string");
    const source = typeof extra.wa_source === "string" ? extra.wa_source : "api";
    const summary = summarize(payload as Json);
    const verdict = verdictFor(account, phone, payload as Json, summary);
    const message: ReceivedMessage = {
      sid: account.sid,
      businessNumber: phone,
      body: payload,
      receivedAt: new Date().toISOString(),
      messageId,
      refTruncated: refs.some((r) => strictCount(r).count > LIMITS.ref),
      waSource: WA_SOURCES.has(source) ? source : "api",
      summary,
      ...(verdict ? { refusedWith: Number(verdict.code) } : {}),
    };
    received.push(message);
    if (received.length > maxReceived) received.splice(0, received.length - Math.floor(maxReceived / 2));
    reply(res, 202, acceptedBody(messageId));
    scheduleCallbacks(account, message, verdict);
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const raw = (await readBody(req)) ?? "";
    const json = (status: number, value: unknown) => reply(res, status, JSON.stringify(value));
    const input = () => (raw ? (JSON.parse(raw) as unknown) : {});
    const route = `${req.method} ${path}`;
    try {
      switch (route) {
        case "GET /__sandbox/messages":
          return json(200, { total: stats.accepted, messages: received });
        case "GET /__sandbox/stats":
          return json(200, stats);
        case "GET /__sandbox/faults":
          return json(200, faults);
        case "POST /__sandbox/faults":
          setFaults(input() as SandboxFaults);
          return json(200, faults);
        case "POST /__sandbox/reset":
          reset();
          return json(200, { ok: true });
        case "GET /__sandbox/accounts":
          // The lookup sets stay internal; the key and the callback's secrets are never echoed.
          return json(
            200,
            [...accounts.values()].map(({ numberSet: _numbers, v1Set: _v1, lastInbound: _in, apiKey: _key, callback, incoming, ...a }) => ({
              ...a,
              apiKey: "***",
              ...(callback ? { callback: maskedProfile(callback) } : {}),
              ...(incoming ? { incoming: maskedProfile(incoming) } : {}),
            })),
          );
        case "POST /__sandbox/accounts":
          addAccount(input() as SandboxAccount);
          return json(200, { ok: true });
        case "POST /__sandbox/callback-profile": {
          const { sid, callback } = z.strictObject({ sid: z.string(), callback: callbackProfileSchema.nullable() }).parse(input());
          setCallbackProfile(sid, callback ?? undefined);
          return json(200, { ok: true });
        }
        case "POST /__sandbox/incoming-profile": {
          const { sid, incoming } = z.strictObject({ sid: z.string(), incoming: incomingProfileSchema.nullable() }).parse(input());
          setIncomingProfile(sid, incoming ?? undefined);
          return json(200, { ok: true });
        }
        case "POST /__sandbox/inbound":
          return json(200, await postInbound(input() as InboundRequest));
        case "GET /__sandbox/inbound":
          return json(200, { posted: inboundLog });
        case "GET /__sandbox/callbacks":
          return json(200, { pending: poster.pending(), posted: poster.log });
        case "POST /__sandbox/callbacks":
          return json(200, await postCallback(input() as OnDemandCallback));
        case "POST /__sandbox/balance": {
          const { sid, balance } = z
            .object({ sid: z.string(), balance: z.number().int().min(0).nullable() })
            .parse(input());
          setBalance(sid, balance ?? undefined);
          return json(200, { ok: true });
        }
        default:
          return json(404, { error: `no control route ${route}` });
      }
    } catch (err) {
      const message = err instanceof z.ZodError ? z.prettifyError(err) : (err as Error).message;
      return json(400, { error: message });
    }
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    const match = ROUTE.exec(path);
    const work = path.startsWith("/__sandbox/")
      ? handleControl(req, res, path)
      : match
        ? handleMessage(req, res, match)
        : Promise.resolve(reply(res, 404, seedBody("SANDBOX404", "Not found", {}, { path: "No such route" })));
    work.catch(() => {
      if (!res.headersSent) reply(res, 500, seedBody("SANDBOX500", "Sandbox error", {}, {}));
      else res.destroy();
    });
  });
  // Longer than undici's keep-alive so a pooled socket is not closed under a client.
  server.keepAliveTimeout = 65_000;
  server.on("connection", (_socket: Socket) => {
    stats.connections += 1;
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${actualPort}`,
    port: actualPort,
    received,
    get requests() {
      return stats.requests;
    },
    stats: () => ({ ...stats }),
    setFaults,
    faults: () => structuredClone(faults),
    reset,
    addAccount,
    setBalance,
    setCallbackProfile,
    callbacks: () => ({ pending: poster.pending(), posted: [...poster.log] }),
    postCallback,
    setIncomingProfile,
    postInbound,
    inbound: () => [...inboundLog],
    close: () =>
      new Promise<void>((resolve, reject) => {
        poster.clear();
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
