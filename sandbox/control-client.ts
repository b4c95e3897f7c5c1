import type { IncomingProfile } from "./callbacks";
import type { InboundPost, InboundRequest } from "./inbound";

type Answer = { status: number; json: Record<string, unknown> };

/**
 * The sandbox's control API (`/__sandbox/...`) as the tests call it: method, path, JSON body; the answer's status and JSON.
 * Named helpers for the shopper's side: what a shopper writes, and where the number posts it.
 */
export function controlClient(baseUrl: () => string) {
  const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(`${baseUrl()}/__sandbox/${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  /** Throws with the sandbox's reason, so a test fails where the call was wrong. */
  const ok = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const answer = await call(method, path, body);
    if (answer.status !== 200) throw new Error(`sandbox ${method} ${path}: ${answer.status} ${String(answer.json.error)}`);
    return answer.json;
  };
  return Object.assign(call, {
    /** A shopper writes to the business number; resolves with what was posted and the app's answer. */
    postInbound: async (request: InboundRequest) => (await ok("POST", "inbound", request)) as unknown as InboundPost,
    /** Inbound messages posted so far. */
    inbound: async () => ((await ok("GET", "inbound")) as { posted: InboundPost[] }).posted,
    /** Sets, or removes with null, an account's Incoming URL profile. */
    setIncomingProfile: async (sid: string, incoming: IncomingProfile | null) => {
      await ok("POST", "incoming-profile", { sid, incoming });
    },
  });
}
