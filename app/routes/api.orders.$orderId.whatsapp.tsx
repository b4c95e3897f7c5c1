/**
 * The order page's WhatsApp block (extensions/order-whatsapp-block) reads and acts here. The
 * admin's fetch carries a session token (`Authorization: Bearer`), which authenticate.admin
 * verifies; the shop is the token's, never the URL's. Its origin is Shopify's, so every answer,
 * errors and the preflight included, carries the library's CORS headers.
 */
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { adminDeps } from "../admin/deps.server";
import { orderActionSchema, parseOrderId } from "../admin/order-timeline";
import { loadOrderTimeline, retryOrderMessage } from "../admin/order-timeline.server";
import { requestedUpdateDeps } from "../flow/receive.server";
import { answerOf, orderBlockRequest } from "../flow/send-action";
import { runFlowAction } from "../flow/send-action.server";
import { logger } from "../logger.server";
import { authenticate } from "../shopify.server";

// The timeline names the shop's orders and shoppers: no cache may keep it.
const PRIVATE = { "Cache-Control": "no-store" };

function answer(body: unknown, status = 200): Response {
  return json(body, { status, headers: PRIVATE });
}

const NOT_AN_ORDER = "Not an order id.";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session, cors } = await authenticate.admin(request);
  const orderId = parseOrderId(params.orderId);
  if (!orderId) return cors(answer({ error: NOT_AN_ORDER }, 400));
  const found = await loadOrderTimeline(adminDeps(), session.shop, orderId);
  return cors(found.found ? answer(found.timeline) : answer(found.unknown, 404));
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session, cors, admin } = await authenticate.admin(request);
  const orderId = parseOrderId(params.orderId);
  if (!orderId) return cors(answer({ error: NOT_AN_ORDER }, 400));
  const parsed = orderActionSchema.safeParse(await request.json().catch(() => undefined));
  if (!parsed.success) return cors(answer({ error: "Unknown action." }, 400));
  const deps = adminDeps();
  if (parsed.data.intent === "resend") {
    // The same run as Shopify Flow's action: the order read from Shopify if the app never saw it.
    const outcome = await runFlowAction(requestedUpdateDeps(admin), orderBlockRequest(session.shop, orderId, parsed.data.requestId)).catch((error: unknown) => {
      logger.warn({ err: error, shop: session.shop, orderId }, "order block: the current status could not be queued again");
      return null;
    });
    if (!outcome) return cors(answer({ error: "Shopify did not answer about this order just now; nothing was queued." }, 503));
    const run = answerOf(outcome);
    if (run.httpStatus !== 200) return cors(answer({ error: run.body.message }, run.httpStatus));
    const after = await loadOrderTimeline(deps, session.shop, orderId);
    return cors(answer({ ok: true, resent: run.body, timeline: after.found ? after.timeline : null }));
  }
  const retried = await retryOrderMessage(deps, session.shop, orderId, parsed.data.messageId);
  if (!retried.ok && retried.reason === "not_found") return cors(answer({ error: "Message not found." }, 404));
  if (!retried.ok) return cors(answer({ error: "Only failed or skipped messages can be retried." }, 409));
  const { state, skipReason, changed } = retried.result;
  const after = await loadOrderTimeline(deps, session.shop, orderId);
  return cors(answer({ ok: true, retried: { state, skipReason, changed }, timeline: after.found ? after.timeline : null }));
};
