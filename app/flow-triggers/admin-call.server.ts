/**
 * flowTriggerReceive through the Admin GraphQL API, with the shop's offline session from the
 * Shopify library (`unauthenticated.admin`). The request is made here rather than through the
 * library's GraphQL client: that client reports every network failure as the same error, and
 * the at-most-once policy (firing-policy.ts) must tell a connection that was never made
 * (safe to call again) from one cut during the call (not safe).
 */
import { SessionNotFoundError } from "@shopify/shopify-app-remix/server";
import { ADMIN_API_VERSION } from "../api-version";
import { classifyAnswer, classifyNetworkError, type CallOutcome } from "./firing-policy";
import type { FireFlowTrigger } from "./runner.server";
import type { FlowPayload } from "./triggers";

export const FLOW_TRIGGER_MUTATION = `#graphql
mutation FireFlowTrigger($handle: String!, $payload: JSON!) {
  flowTriggerReceive(handle: $handle, payload: $payload) {
    userErrors { field message }
  }
}`;

/** The shop's offline session, as `unauthenticated.admin(shop)` returns it. */
export type OfflineAdminFor = (shop: string) => Promise<{ session: { shop: string; accessToken?: string } }>;

/** The call's deadline: after it, nobody knows whether Shopify took the trigger. */
export const FLOW_CALL_DEADLINE_MS = 15_000;

async function accessToken(adminFor: OfflineAdminFor, shop: string): Promise<{ token: string } | CallOutcome> {
  try {
    const { session } = await adminFor(shop);
    if (session.accessToken) return { token: session.accessToken };
  } catch (error) {
    if (!(error instanceof SessionNotFoundError)) {
      // Nothing was sent: the session store could not be read (the database, say).
      return { kind: "not_taken", retryable: true, reason: `could not read the shop's session: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  return { kind: "not_taken", retryable: false, reason: "the shop has no offline session (the app must be installed again)" };
}

/** The GraphQL request, with the payload's JSON as it is (its order id has every digit). */
export function requestBody(handle: string, payload: FlowPayload): string {
  return `{"query":${JSON.stringify(FLOW_TRIGGER_MUTATION)},"variables":{"handle":${JSON.stringify(handle)},"payload":${payload}}}`;
}

export function adminApiFlowTrigger(adminFor: OfflineAdminFor, deadlineMs = FLOW_CALL_DEADLINE_MS): FireFlowTrigger {
  return async (shop, handle, payload) => {
    const session = await accessToken(adminFor, shop);
    if (!("token" in session)) return session;
    let response: Response;
    try {
      response = await fetch(`https://${shop}/admin/api/${ADMIN_API_VERSION}/graphql.json`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", "x-shopify-access-token": session.token },
        body: requestBody(handle, payload),
        signal: AbortSignal.timeout(deadlineMs),
      });
    } catch (error) {
      return classifyNetworkError(error);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch (error) {
      // A 200 whose body is cut off may still mean Shopify took it: classifyAnswer says so.
      if (response.status === 200 && !(error instanceof SyntaxError)) return classifyNetworkError(error);
    }
    return classifyAnswer(response.status, body, response.headers.get("retry-after"));
  };
}
