/**
 * The worker's part that fires the Flow triggers owed: claims due firings (marking them
 * `firing` before any call), calls Shopify, records what firing-policy.ts decides. A firing
 * left `firing` past its lease (the worker stopped mid-call) becomes `unknown`, is logged and
 * is never called again.
 */
import { abandonLapsedFirings, claimDueFirings, recordFiring, type ClaimedFiring } from "../db/repositories/flow-trigger-firings.server";
import { findShop } from "../db/repositories/shops.server";
import type { SqlDatabase } from "../db/sql.server";
import type { Logger } from "../logger.server";
import { decideAfterCall, LAPSED_REASON, type CallOutcome, type Decision } from "./firing-policy";
import type { FlowPayload } from "./triggers";

/** Calls flowTriggerReceive for a shop with the payload's JSON and says what came of it (in production, admin-call.server.ts). */
export type FireFlowTrigger = (shop: string, handle: string, payload: FlowPayload) => Promise<CallOutcome>;

export interface FlowTriggerRunOptions {
  fire: FireFlowTrigger;
  /** How long a claimed firing is the worker's: longer than any call can last. */
  leaseMs: number;
  retryDelay?: (attempts: number, retryAfterMs?: number) => number;
  now: () => Date;
  log: Pick<Logger, "info" | "warn" | "error">;
  limit?: number;
}

/** Longer than the call's deadline (admin-call.server.ts) plus the time to record its answer. */
export const FIRING_LEASE_MS = 60_000;

const ERROR_MAX = 1000;

function changesFor(decision: Decision, at: Date) {
  switch (decision.state) {
    case "fired":
      return { state: "fired", firedAt: at, lastError: null };
    case "pending":
      return { state: "pending", nextAttemptAt: new Date(at.getTime() + decision.delayMs), lastError: decision.error.slice(0, ERROR_MAX) };
    default:
      return { state: decision.state, lastError: decision.error.slice(0, ERROR_MAX) };
  }
}

async function fireOne(db: SqlDatabase, firing: ClaimedFiring, options: FlowTriggerRunOptions): Promise<void> {
  const shop = await findShop(db, firing.shopDomain);
  const outcome: CallOutcome = shop?.installed
    ? await options.fire(firing.shopDomain, firing.trigger, firing.payload)
    : { kind: "not_taken", retryable: false, reason: "the app is not installed on the shop" };
  const decision = decideAfterCall(outcome, firing.attempts, options.retryDelay);
  const recorded = await recordFiring(db, firing.id, firing.attempts, changesFor(decision, options.now()));
  const facts = { shop: firing.shopDomain, messageId: firing.messageId, trigger: firing.trigger, attempts: firing.attempts, state: decision.state };
  if (!recorded) options.log.warn(facts, "a Flow trigger's firing changed during its call (a redaction deleted it?); its outcome is not recorded");
  else if (decision.state === "fired") options.log.info(facts, "Flow trigger fired");
  else options.log[decision.state === "unknown" ? "error" : "warn"]({ ...facts, error: decision.error }, LOG_LINES[decision.state]);
}

const LOG_LINES = {
  pending: "Flow trigger not taken by Shopify; retrying later",
  not_fired: "Flow trigger not fired",
  unknown: "Flow trigger outcome unknown: not fired again",
} as const;

/** One pass: lapsed firings given up as unknown, then due ones fired. Returns how many were handled. */
export async function runDueFlowTriggers(db: SqlDatabase, options: FlowTriggerRunOptions): Promise<{ handled: number }> {
  const now = options.now();
  const lapsed = await abandonLapsedFirings(db, now, LAPSED_REASON);
  for (const firing of lapsed) {
    options.log.error({ shop: firing.shopDomain, messageId: firing.messageId, trigger: firing.trigger, attempts: firing.attempts }, LOG_LINES.unknown);
  }
  const claimed = await claimDueFirings(db, now, new Date(now.getTime() + options.leaseMs), options.limit ?? 20);
  await Promise.all(claimed.map((firing) => fireOne(db, firing, options)));
  return { handled: lapsed.length + claimed.length };
}
