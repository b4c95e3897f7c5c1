/**
 * A shopper's own messages, taken from the inbox: each opens (or keeps open) their 24-hour
 * window with the shop's number, and carries their consent. STOP opts them out at once: the
 * messages still waiting for them are skipped, and one confirmation goes if the shop wants;
 * START opts them back in; any other message counts as opt-in where they never said.
 */
import { timeOrderedId } from "../db/ids";
import { insertMessage, skipWaitingTo } from "../db/repositories/messages.server";
import { noteInbound, saveConsent, saveConsentIfNone } from "../db/repositories/shoppers.server";
import { findConsentSettings } from "../db/repositories/shops.server";
import type { SqlExecutor } from "../db/sql.server";
import { shopDisplayName } from "../shops/domain";
import type { TopicResult } from "../webhooks/types";
import { readInbound, type InboundMessage } from "./kaleyra-inbound";
import { keywordIntent } from "./keywords";

type ShopSettings = NonNullable<Awaited<ReturnType<typeof findConsentSettings>>>;

/** The log's status for a message that is not about an order (orderId ""). */
export const OPT_OUT_REPLY_STATUS = "opt_out_reply";

export function optOutConfirmation(shopName: string): string {
  return `You will no longer get order updates from ${shopName} on WhatsApp. Reply START to get them again.`;
}

async function queueConfirmation(tx: SqlExecutor, shop: ShopSettings, message: InboundMessage, now: Date): Promise<boolean> {
  return insertMessage(tx, {
    id: timeOrderedId(),
    shopDomain: shop.domain,
    orderId: "",
    orderName: null,
    orderStatus: OPT_OUT_REPLY_STATUS,
    // One confirmation per STOP message (Kaleyra may post it twice).
    dedupeKey: `opt_out_reply:${message.from}:${message.id ?? message.at.toISOString()}`,
    state: shop.pausedReason ? "paused" : "queued",
    rank: 0,
    recipient: message.from,
    recipientSource: "inbound",
    bodyText: optOutConfirmation(shopDisplayName(shop)),
    form: "text",
    formReason: "the shopper wrote STOP: one confirmation inside their open window",
    nextAttemptAt: now,
    createdAt: now,
    updatedAt: now,
  });
}

async function applyOne(tx: SqlExecutor, shop: ShopSettings, message: InboundMessage, now: Date): Promise<string> {
  await noteInbound(tx, shop.domain, message.from, message.to ?? shop.businessNumber ?? "", message.at, now);
  const intent = keywordIntent(message.text, { optOut: shop.optOutKeywords, optIn: shop.optInKeywords });
  const wording = message.text.slice(0, 200) || null;
  if (intent === "opt_out") {
    await saveConsent(tx, shop.domain, message.from, { consent: "opted_out", at: message.at, source: "inbound", wording }, now);
    const skipped = await skipWaitingTo(tx, shop.domain, message.from, `the shopper opted out (wrote "${wording ?? "STOP"}" on ${message.at.toISOString().slice(0, 10)})`, now);
    const confirmed = shop.optOutConfirmation && shop.installed && shop.enabled && (await queueConfirmation(tx, shop, message, now));
    return `opted out, ${skipped} waiting message(s) skipped${confirmed ? ", confirmation queued" : ""}`;
  }
  if (intent === "opt_in") {
    await saveConsent(tx, shop.domain, message.from, { consent: "opted_in", at: message.at, source: "inbound", wording }, now);
    return "opted in";
  }
  // Writing to the shop is consent in that thread (WhatsApp's opt-in rules), unless they said otherwise.
  await saveConsentIfNone(tx, shop.domain, message.from, { consent: "opted_in", at: message.at, source: "inbound", wording }, now);
  return "window opened";
}

export async function handleInbound(tx: SqlExecutor, shopDomain: string, rawBody: string, receivedAt: Date, now: Date): Promise<TopicResult> {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return { outcome: "ignored", reason: "the inbound body is not valid JSON", enqueued: 0 };
  }
  const read = readInbound(body, receivedAt);
  if (!read.ok) return { outcome: "ignored", reason: read.reason, enqueued: 0 };
  const shop = await findConsentSettings(tx, shopDomain);
  if (!shop) return { outcome: "ignored", reason: "the shop is not known", enqueued: 0 };
  const done: string[] = [];
  for (const message of read.messages) done.push(await applyOne(tx, shop, message, now));
  return { outcome: "processed", reason: done.join("; ").slice(0, 1000), enqueued: done.filter((d) => d.includes("confirmation queued")).length };
}
