/**
 * Sends messages (the seed's order_status, templates, texts) to Kaleyra over a pooled keep-alive connection and turns
 * every ending (answer, network failure, timeout, bad input) into a `KaleyraOutcome`.
 *
 * `send` never throws and never retries: the worker decides from the outcome.
 * Invalid input comes back as `{ kind: "invalid" }` without any request being made.
 * The API key is only ever placed in the request header: results, log lines and error
 * texts are scrubbed of it in case a server or library echoes it back.
 */
import { Agent, request as undiciRequest } from "undici";
import { logger as rootLogger, type Logger } from "../logger.server";
import { KALEYRA_DEADLINE_MS } from "./deadline";
import { classifyNetworkError, classifyResponse, explainOutcome, outcomeKey, type KaleyraOutcome } from "./outcome";
import { kaleyraBaseUrl } from "./pods";
import { prepareRequest, type KaleyraRequestBody, type MessageContent } from "./forms";
import type { KaleyraCredentialsInput } from "./request";
import { encodedForms } from "./secret-forms";

export interface KaleyraClientOptions {
  /** From the KALEYRA_BASE_URL environment variable only (sandbox, tests). */
  baseUrlOverride?: string;
  /** Whole-request deadline: connect, send, headers and body. */
  timeoutMs?: number;
  logger?: Logger;
  /** Most sockets kept open per Kaleyra host. */
  connections?: number;
}

export interface SentRequest {
  url: string;
  /** As sent, with the api-key value masked. */
  headers: Record<string, string>;
  body: KaleyraRequestBody;
}

export interface SendResult {
  outcome: KaleyraOutcome;
  /** Null when validation failed and nothing was sent. */
  request: SentRequest | null;
  durationMs: number;
}

export interface KaleyraClient {
  /** The most one send may take; the worker keeps that much of a lease in hand before sending. */
  readonly timeoutMs?: number;
  /** Any form: the seed's interactive message, a template or a text (./forms.ts). */
  send(creds: KaleyraCredentialsInput, message: MessageContent): Promise<SendResult>;
  close(): Promise<void>;
}

/** Kaleyra's answers are small; anything bigger is not Kaleyra and only the start matters. */
const MAX_RESPONSE_CHARS = 64 * 1024;
const REDACTED = "[redacted]";

/**
 * Replaces every occurrence of `secret`, in every encoding an upstream may echo it in
 * (base64, URL-encoded, JSON-escaped: ./secret-forms.ts), in the strings of a JSON-like value.
 */
function scrub<T>(value: T, secret: string): T {
  if (!secret) return value;
  const forms = encodedForms(secret);
  const inner = (v: unknown): unknown => {
    if (typeof v === "string") return forms.reduce((text, form) => (text.includes(form) ? text.split(form).join(REDACTED) : text), v);
    if (Array.isArray(v)) return v.map(inner);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, inner(x)]));
    return v;
  };
  return inner(value) as T;
}

/** Shopper numbers are protected customer data: logs keep the country prefix and last 4 digits. */
function maskPhone(phone: string): string {
  return phone.length > 7 ? `${phone.slice(0, 3)}${"*".repeat(phone.length - 7)}${phone.slice(-4)}` : "***";
}

export function createKaleyraClient(options: KaleyraClientOptions = {}): KaleyraClient {
  const { baseUrlOverride, timeoutMs = KALEYRA_DEADLINE_MS, connections = 32 } = options;
  // Fail at start-up, not per message, when KALEYRA_BASE_URL is not a usable URL.
  if (baseUrlOverride) kaleyraBaseUrl("IN", baseUrlOverride);
  const log = (options.logger ?? rootLogger).child({ module: "kaleyra" });
  const agent = new Agent({ connections, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000 });

  async function send(creds: KaleyraCredentialsInput, message: MessageContent): Promise<SendResult> {
    const started = performance.now();
    const apiKey = typeof creds?.apiKey === "string" ? creds.apiKey : "";
    const elapsed = () => Math.round(performance.now() - started);

    const finish = (outcome: KaleyraOutcome, sent: SentRequest | null): SendResult => {
      const result = scrub({ outcome, request: sent, durationMs: elapsed() }, apiKey);
      const o = result.outcome;
      const line = {
        event: "kaleyra.send",
        outcome: outcomeKey(o),
        code: "code" in o ? o.code : undefined,
        httpStatus: "httpStatus" in o ? o.httpStatus : undefined,
        messageId: o.kind === "accepted" ? o.messageId : undefined,
        detail: "detail" in o ? o.detail : undefined,
        sid: typeof creds?.sid === "string" ? scrub(creds.sid, apiKey) : undefined,
        to: typeof message?.to === "string" ? maskPhone(message.to) : undefined,
        form: message?.form ?? "interactive",
        referenceId: message && "referenceId" in message && typeof message.referenceId === "string" ? scrub(message.referenceId, apiKey) : undefined,
        durationMs: result.durationMs,
      };
      if (o.kind === "accepted") log.debug(line, "kaleyra send accepted");
      else log.warn(line, `kaleyra send ${explainOutcome(o).title}`);
      return result;
    };

    const checked = prepareRequest(creds, message, { baseUrl: baseUrlOverride });
    if (!checked.ok) {
      const detail = checked.issues.map((i) => `${i.path}: ${i.message}`).join("; ");
      return finish({ kind: "invalid", issues: checked.issues, detail }, null);
    }

    let sent: SentRequest | null = null;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const req = checked.request;
      sent = { url: req.url, headers: { ...req.headers, "api-key": REDACTED }, body: req.body };
      const res = await undiciRequest(req.url, {
        method: "POST",
        headers: { ...req.headers },
        body: JSON.stringify(req.body),
        dispatcher: agent,
        signal: controller.signal,
      });
      // Read the whole body (keeps the socket reusable) but keep only its start.
      let text = "";
      const decoder = new TextDecoder();
      for await (const chunk of res.body) {
        if (text.length < MAX_RESPONSE_CHARS) text += decoder.decode(chunk as Uint8Array, { stream: true });
      }
      text += decoder.decode();
      return finish(classifyResponse(res.statusCode, res.headers, text.slice(0, MAX_RESPONSE_CHARS)), sent);
    } catch (err) {
      const outcome: KaleyraOutcome = timedOut
        ? { kind: "retry", code: null, reason: "timeout", detail: `no answer within ${timeoutMs} ms` }
        : classifyNetworkError(err);
      return finish(outcome, sent);
    } finally {
      clearTimeout(timer);
    }
  }

  async function sendSafely(creds: KaleyraCredentialsInput, message: MessageContent): Promise<SendResult> {
    try {
      return await send(creds, message);
    } catch (err) {
      // Only a bug (or a logger failure) lands here; still hand back an outcome, scrubbed.
      const apiKey = typeof creds?.apiKey === "string" ? creds.apiKey : "";
      return scrub({ outcome: classifyNetworkError(err), request: null, durationMs: 0 }, apiKey);
    }
  }

  return {
    timeoutMs,
    send: sendSafely,
    close: () => agent.close(),
  };
}
