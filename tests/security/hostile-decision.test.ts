import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkOrderStatusInput, renderOrderStatusRequest } from "../../app/kaleyra/request";
import { orderPayload } from "../../app/orders/__fixtures__/lifecycle";
import { applyOrder } from "../../app/orders/knowledge";
import { parseOrderPayload } from "../../app/orders/payloads";
import { pickRecipient } from "../../app/orders/recipient";
import { referenceIdFor, type ReferenceIdSource } from "../../app/orders/reference-id";
import { parseShopifyJson, ShopifyJsonError } from "../../app/orders/shopify-json";
import { decideMessages } from "../../app/orders/status-decision";
import { applyOrderWebhook, readOrderWebhook } from "../../app/orders/webhook-event";
import { DEFAULT_TEMPLATES } from "../../app/templates/defaults";
import { renderMessage, templateValuesFor } from "../../app/templates/render";
import { payloadProblem } from "../../sandbox/kaleyra-sandbox";
import { ACCOUNT } from "../factories";
import { report, SCALE } from "../reliability/helpers/harness";
import { hostilePayload, ORDER_TOPICS, type HostilePayload } from "./helpers/hostile";

/**
 * Validly signed, strange order webhook bodies (tests/security/helpers/hostile.ts) through the
 * pure decision path: read, merge into the order's knowledge, decide, render, and validate the
 * Kaleyra request. A fast-check property: nothing throws, and whatever the app would send
 * passes both its own request validation and the sandbox's independent payload check.
 * No database is involved, so this runs once per CI run (tests/security/hostile-payloads.db.test.ts
 * posts the same kind of payloads over HTTP on both engines).
 * HOSTILE_SEED repeats a run (the seed is printed); RELIABILITY_SCALE multiplies the count.
 */
const SEED = Number(process.env.HOSTILE_SEED ?? Math.floor(Math.random() * 2 ** 31));
const PURE_RUNS = Math.round(8000 * SCALE);
const SHOP = "hostile-input.myshopify.com";

const CREDS = { sid: ACCOUNT.sid, apiKey: ACCOUNT.apiKey, businessNumber: ACCOUNT.number, pod: "IN" };
const REFERENCE_SOURCES: ReferenceIdSource[] = [
  { kind: "order_id" },
  { kind: "order_name" },
  { kind: "note_attribute", attribute: "wa_ref" },
];

/** A known order with line items, for fulfillment payloads to land on. */
function knownOrder(orderId: string) {
  const parsed = parseOrderPayload(orderPayload({ id: orderId }));
  if (!parsed.ok) throw new Error(parsed.reason);
  return applyOrder(undefined, parsed.value);
}

/** The decision path of one webhook, without a database; throws only on a broken promise. */
function decide(payload: HostilePayload, source: ReferenceIdSource): string {
  let body: unknown;
  try {
    body = parseShopifyJson(payload.raw);
  } catch (error) {
    if (error instanceof ShopifyJsonError) return "not_json";
    throw error;
  }
  const topic = payload.topic as (typeof ORDER_TOPICS)[number];
  const read = readOrderWebhook(topic, body);
  if (!read.ok) {
    expect(typeof read.reason).toBe("string");
    return "ignored";
  }
  const base = topic.startsWith("fulfillment") ? knownOrder(read.event.orderId) : undefined;
  const knowledge = applyOrderWebhook(base, read.event);
  // What is stored must survive the round trip through the database's JSON column.
  const stored = JSON.stringify(knowledge);
  if (JSON.stringify(JSON.parse(stored)) !== stored) throw new Error("the order's knowledge does not survive JSON");
  const decision = decideMessages({
    knowledge,
    alreadyQueued: [],
    trigger: read.event.trigger,
    prefs: { sendProcessingOnCreate: true },
  });
  if (decision.kind !== "send") return decision.kind;
  const recipient = pickRecipient(knowledge);
  let valid = 0;
  for (const planned of decision.messages) {
    const rendered = renderMessage(
      DEFAULT_TEMPLATES[planned.status],
      templateValuesFor(knowledge, { shopName: "Hostile Shop", fulfillmentId: planned.fulfillmentId }),
    );
    {
      const reference = referenceIdFor(source, knowledge);
      if (!recipient.ok || !reference.ok) continue;
      const checked = checkOrderStatusInput(CREDS, {
        to: recipient.e164,
        bodyText: rendered.text,
        referenceId: reference.referenceId,
        status: planned.status,
        description: rendered.description,
        ref: `msg:${"m".repeat(25)}`,
        ref1: knowledge.orderId,
        ref2: SHOP,
      });
      if (!checked.ok) throw new Error(`the app would build an invalid request: ${JSON.stringify(checked.issues)}`);
      const problem = payloadProblem(renderOrderStatusRequest(checked.creds, checked.message).body);
      if (problem) throw new Error(`the sandbox would refuse the request: ${problem}`);
      valid += 1;
    }
  }
  return valid > 0 ? "send" : "send_skipped";
}

describe("hostile order payloads, decision path", () => {
  it(
    "GIVEN strange but signed order payloads WHEN the decision path reads them THEN it never throws and every request it would send is valid",
    async () => {
      process.stdout.write(`[hostile] seed ${SEED} (HOSTILE_SEED=${SEED} repeats this run)\n`);
      const outcomes = new Map<string, number>();
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(hostilePayload(ORDER_TOPICS), fc.constantFrom(...REFERENCE_SOURCES), async (payload, source) => {
          // Let the event loop turn now and then: a worker blocked for over a minute (scale 5 and up)
          // misses Vitest's RPC deadline and the run fails with "Timeout calling onTaskUpdate".
          if (++runs % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
          const outcome = decide(payload, source);
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        }),
        { numRuns: PURE_RUNS, seed: SEED },
      );
      report("hostile-decision-path", { seed: SEED, payloads: PURE_RUNS, unhandledErrors: 0, ...Object.fromEntries(outcomes) });
      expect(outcomes.get("send") ?? 0, "some payloads lead all the way to a valid request").toBeGreaterThan(0);
    },
    // Pure CPU, so a loaded machine stretches it most: a deadline, not a speed check.
    Math.round(600_000 * SCALE),
  );
});
