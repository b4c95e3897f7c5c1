/**
 * The HTTP side of Shopify Flow's action: authenticate, read the request, run it, answer.
 * Flow signs the body with the app's secret (X-Shopify-Hmac-Sha256); a wrong signature is
 * answered 401 before anything is read or written. Flow waits only a few seconds, so nothing
 * is sent here: the message is queued and the delivery worker sends it.
 */
import { config } from "../config.server";
import { sql } from "../db/sql-instance.server";
import { logger } from "../logger.server";
import { readOrderWith, type AdminGraphql } from "../pipeline/order-lookup.server";
import { hasValidHmac } from "../webhooks/hmac.server";
import { answerOf, parseFlowRequest, type FlowAnswer } from "./send-action";
import { runFlowAction, type FlowActionDeps } from "./send-action.server";

const log = logger.child({ module: "flow" });

/** The Shopify library's `authenticate.flow`, as this module uses it. */
export type AuthenticateFlow = (request: Request) => Promise<{ payload: unknown; admin: AdminGraphql }>;

/** How long a run waits for Shopify's answer when it must read the order: Flow's own wait is short. */
export const ORDER_READ_DEADLINE_MS = 3_000;

function answer(httpStatus: number, outcome: string, message: string): Response {
  const body: FlowAnswer["body"] = { outcome, message };
  return Response.json(body, { status: httpStatus });
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Shopify did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** A run's dependencies for a shop whose Admin API client the caller authenticated (Flow's, or the order block's). */
export function requestedUpdateDeps(admin: AdminGraphql): FlowActionDeps {
  return {
    sql: sql(),
    now: () => new Date(),
    log,
    readOrder: (orderId) => withDeadline(readOrderWith(admin, orderId), ORDER_READ_DEADLINE_MS),
  };
}

/** Answers one request from Flow to the action's runtime URL. */
export async function receiveFlowAction(request: Request, authenticateFlow: AuthenticateFlow): Promise<Response> {
  if (request.method !== "POST") return answer(405, "refused", "POST only");
  const rawBody = await request.text();
  if (!hasValidHmac(rawBody, request.headers.get("x-shopify-hmac-sha256"), config().SHOPIFY_API_SECRET)) {
    log.warn({ path: new URL(request.url).pathname }, "Flow action request with a wrong signature refused");
    return answer(401, "refused", "the request's signature is not the app's");
  }
  let flow: Awaited<ReturnType<AuthenticateFlow>>;
  try {
    // The library checks the signature again and finds the shop's offline session.
    flow = await authenticateFlow(new Request(request.url, { method: "POST", headers: request.headers, body: rawBody }));
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    return answer(422, "refused", "not sent: the app has no access to this shop: open the app in your Shopify admin to install it again");
  }
  const parsed = parseFlowRequest(flow.payload);
  if (!parsed.ok) return answer(400, "refused", parsed.reason);
  try {
    const run = answerOf(await runFlowAction(requestedUpdateDeps(flow.admin), parsed.value));
    return Response.json(run.body, { status: run.httpStatus });
  } catch (error) {
    // Nothing was recorded for the run: Flow retries it with the same action_run_id.
    log.error({ err: error, shop: parsed.value.shop, actionRunId: parsed.value.actionRunId }, "Flow action run failed; Flow will retry it");
    return answer(503, "retry", "the app could not take the update just now; Flow retries it");
  }
}
