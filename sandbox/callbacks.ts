/**
 * The sandbox's status callbacks, posted like Kaleyra posts them to the URL of a number's
 * callback profile: `sent`, then `delivered` and `read` (or `failed` with Meta's error, or
 * Kaleyra's own `not-sent`) after configurable delays. Faults on demand: failures with Meta
 * codes, statuses posted newest first, every callback posted twice.
 *
 * `planCallbacks` is pure (what to post, when); `startCallbackPoster` posts the plan.
 */
import { z } from "zod";
import { kaleyraNotSentCallback, kaleyraStatusCallback } from "../app/receipts/__fixtures__/callbacks";

const ms = z.number().int().min(0).max(600_000);

/** A callback profile, as configured in Kaleyra's console for a number. */
export const callbackProfileSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  /** Custom headers Kaleyra adds, e.g. the app's X-Callback-Secret. */
  headers: z.record(z.string(), z.string()).optional(),
  basicAuth: z.strictObject({ username: z.string(), password: z.string() }).optional(),
  /** After acceptance. `read: null`: the shopper never reads. */
  delaysMs: z.strictObject({ sent: ms.optional(), delivered: ms.optional(), read: ms.nullable().optional() }).optional(),
});
export type CallbackProfile = z.infer<typeof callbackProfileSchema>;

/** A number's "Incoming URL": where the shoppers' own messages are posted, with the same authentication. */
export const incomingProfileSchema = callbackProfileSchema.omit({ delaysMs: true });
export type IncomingProfile = z.infer<typeof incomingProfileSchema>;

const failureSchema = z.strictObject({
  /** Meta's code (131047, 131026, …) or Kaleyra's not-sent code (WAV2101). */
  code: z.union([z.number().int(), z.string().min(1)]),
  title: z.string().optional(),
  message: z.string().optional(),
});
export type CallbackFailure = z.infer<typeof failureSchema>;

export const callbackFaultsSchema = z.strictObject({
  /** The next `count` accepted messages fail with this code. */
  failNext: failureSchema.extend({ count: z.number().int().min(1) }).optional(),
  /** Every message to these numbers (E.164) fails with the code, e.g. 131026 for a number not on WhatsApp. */
  failTo: z.record(z.string(), failureSchema).optional(),
  /** Statuses posted newest first: read, then delivered, then sent. */
  reversed: z.boolean().optional(),
  /** Every callback posted twice. */
  duplicate: z.boolean().optional(),
});
export type CallbackFaults = z.infer<typeof callbackFaultsSchema>;

export const DEFAULT_DELAYS = { sent: 100, delivered: 300, read: 800 } as const;
const DUPLICATE_AFTER_MS = 50;

/** Meta's own titles and messages, as its error objects carry them. */
const META_ERRORS: Record<string, { title: string; message: string }> = {
  "131047": { title: "Re-engagement message", message: "More than 24 hours have passed since the recipient last replied to the sender number." },
  "131026": { title: "Message undeliverable", message: "Unable to deliver message." },
  "131056": { title: "(Business Account, Consumer Account) pair rate limit hit", message: "Too many messages sent from the sender phone number to the same recipient phone number in a short period of time." },
  "130429": { title: "Rate limit hit", message: "Cloud API message throughput has been reached." },
  "131051": { title: "Unsupported message type", message: "Message type is not currently supported." },
  "132000": { title: "Number of parameters does not match the expected number of params", message: "The number of parameters provided does not match the expected number of parameters." },
  "132001": { title: "Template name does not exist in the translation", message: "The template does not exist in the specified language or the template has not been approved." },
  "132015": { title: "Template is paused", message: "Template is paused due to low quality so it cannot be sent in a template message." },
  "132016": { title: "Template is disabled", message: "Template has been paused too many times due to low quality and is now permanently disabled." },
};

export interface AcceptedMessage {
  messageId: string;
  /** E.164 as sent in messaging_object.to. */
  to: string;
  extraInfo: Record<string, unknown>;
  acceptedAtMs: number;
}

export interface PlannedCallback {
  /** After acceptance. */
  afterMs: number;
  status: string;
  body: Record<string, unknown>;
}

const refOf = (extra: Record<string, unknown>, key: string) => (typeof extra[key] === "string" ? (extra[key] as string) : undefined);

function metaError(failure: CallbackFailure): Record<string, unknown> {
  const code = String(failure.code);
  const known = META_ERRORS[code];
  const title = failure.title ?? known?.title ?? `Error ${code}`;
  const message = failure.message ?? known?.message ?? title;
  return { code: Number(code), title, message, error_data: { details: message } };
}

/** What to post for one accepted message, and when. Timestamps are the events' own, whatever the posting order. */
export function planCallbacks(
  message: AcceptedMessage,
  delays: CallbackProfile["delaysMs"],
  failure: CallbackFailure | undefined,
  faults: Pick<CallbackFaults, "reversed" | "duplicate"> = {},
): PlannedCallback[] {
  const d = {
    sent: delays?.sent ?? DEFAULT_DELAYS.sent,
    delivered: delays?.delivered ?? DEFAULT_DELAYS.delivered,
    read: delays?.read === null ? null : (delays?.read ?? DEFAULT_DELAYS.read),
  };
  const refs = { ref: refOf(message.extraInfo, "ref"), ref1: refOf(message.extraInfo, "ref1"), ref2: refOf(message.extraInfo, "ref2") };
  const at = (after: number) => String(Math.floor((message.acceptedAtMs + after) / 1000));
  const status = (name: string, after: number, errors?: unknown[]): PlannedCallback => ({
    afterMs: after,
    status: name,
    body: kaleyraStatusCallback({
      status: name,
      timestamp: at(after),
      ...refs,
      kaleyraId: message.messageId,
      whatsappId: `wamid.${Buffer.from(message.messageId).toString("base64")}`,
      recipient: message.to.replace(/^\+/, ""),
      ...(errors ? { errors } : {}),
    }),
  });

  let plan: PlannedCallback[];
  if (failure && /^[A-Za-z]/.test(String(failure.code))) {
    const body = kaleyraNotSentCallback({ ref: refs.ref, code: String(failure.code), message: failure.message });
    plan = [{ afterMs: d.sent, status: "not-sent", body: { ...body, message_id: message.messageId } }];
  } else if (failure) {
    plan = [status("sent", d.sent), status("failed", d.delivered, [metaError(failure)])];
  } else {
    plan = [status("sent", d.sent), status("delivered", d.delivered)];
    if (d.read !== null) plan.push(status("read", d.read));
  }
  if (faults.reversed) {
    const times = plan.map((p) => p.afterMs);
    plan = plan.reverse().map((p, i) => ({ ...p, afterMs: times[i]! }));
  }
  if (faults.duplicate) plan = plan.flatMap((p) => [p, { ...p, afterMs: p.afterMs + DUPLICATE_AFTER_MS }]);
  return plan;
}

export interface PostedCallback {
  messageId: string;
  status: string;
  /** The app's answer, or the network error. */
  httpStatus?: number;
  error?: string;
  attempts: number;
  postedAt: string;
}

export interface CallbackPoster {
  /** Schedules the plan's posts to the profile's URL. */
  schedule(profile: CallbackProfile, messageId: string, plan: PlannedCallback[]): void;
  /** Posts one callback now (the control API's on-demand callback). */
  post(profile: CallbackProfile, messageId: string, status: string, body: Record<string, unknown>): Promise<PostedCallback>;
  readonly log: PostedCallback[];
  /** Callbacks scheduled and not yet answered. */
  pending(): number;
  /** Cancels what is scheduled and clears the log. */
  clear(): void;
}

const ATTEMPTS = 3;
const RETRY_AFTER_MS = 500;
const MAX_LOG = 10_000;

function headersFor(profile: IncomingProfile): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json", ...profile.headers };
  if (profile.basicAuth) {
    const { username, password } = profile.basicAuth;
    headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
  }
  return headers;
}

export interface PostOutcome {
  /** The app's last answer, or the last network error. */
  httpStatus?: number;
  error?: string;
  attempts: number;
}

/** One webhook post; an answer other than 2xx, or no answer, is tried again twice, as a webhook sender would. */
export async function postWithRetries(profile: IncomingProfile, body: Record<string, unknown>): Promise<PostOutcome> {
  const outcome: PostOutcome = { attempts: 0 };
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    outcome.attempts = attempt;
    try {
      const response = await fetch(profile.url, { method: "POST", headers: headersFor(profile), body: JSON.stringify(body) });
      await response.arrayBuffer();
      outcome.httpStatus = response.status;
      delete outcome.error;
      if (response.ok) break;
    } catch (error) {
      outcome.error = error instanceof Error ? error.message : String(error);
    }
    if (attempt < ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_MS * attempt));
  }
  return outcome;
}

/** Posts status callbacks with `postWithRetries`, and logs each. */
export function startCallbackPoster(): CallbackPoster {
  const timers = new Set<NodeJS.Timeout>();
  const log: PostedCallback[] = [];
  let inFlight = 0;

  async function post(profile: CallbackProfile, messageId: string, status: string, body: Record<string, unknown>): Promise<PostedCallback> {
    const postedAt = new Date().toISOString();
    inFlight += 1;
    let entry: PostedCallback;
    try {
      entry = { messageId, status, ...(await postWithRetries(profile, body)), postedAt };
    } finally {
      inFlight -= 1;
    }
    log.push(entry);
    if (log.length > MAX_LOG) log.splice(0, log.length - MAX_LOG / 2);
    return entry;
  }

  return {
    log,
    post,
    schedule(profile, messageId, plan) {
      for (const planned of plan) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          void post(profile, messageId, planned.status, planned.body);
        }, planned.afterMs);
        timers.add(timer);
      }
    },
    pending: () => timers.size + inFlight,
    clear() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      log.length = 0;
    },
  };
}
