import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { config } from "../config.server";
import { decryptSecret, encryptSecret } from "../crypto/secrets.server";
import { arrivalOrderedId } from "../db/ids";
import { findShopByCallbackToken, saveCallbackCredentials } from "../db/repositories/shops.server";
import { keepShopDelivery } from "../db/repositories/webhook-events.server";
import { sql } from "../db/sql-instance.server";
import type { SqlDatabase, SqlExecutor } from "../db/sql.server";
import { logger } from "../logger.server";
import { announceInboxDeliveries } from "../outbox/notify.server";
import { ShopCache } from "../outbox/shop-cache";
import { acknowledge } from "../outbox/wake.server";
import { INBOUND_TOPIC, readInbound } from "../consent/kaleyra-inbound";
import { REF_PREFIX, STATUS_CALLBACK_TOPIC } from "./kaleyra-callback";

const log = logger.child({ module: "kaleyra-callbacks" });

type CallbackShop = Awaited<ReturnType<typeof findShopByCallbackToken>>;
const MAX_CACHED_SHOPS = 10_000;
const shopCaches = new WeakMap<SqlDatabase, ShopCache<NonNullable<CallbackShop>>>();

/**
 * The shop a URL token names, read at most once a second per process (a busy shop's
 * callbacks come many a second): a new secret takes effect within a second, a new token at once.
 */
function shopOfToken(db: SqlDatabase, token: string): Promise<CallbackShop> {
  let cache = shopCaches.get(db);
  if (!cache) {
    cache = new ShopCache((key) => findShopByCallbackToken(db, key), undefined, undefined, { keepMisses: false, maxEntries: MAX_CACHED_SHOPS });
    shopCaches.set(db, cache);
  }
  return cache.get(token);
}

const secrets = new Map<string, string>();

/** A stored secret decrypted, remembered by its cipher text (each one is a fresh encryption); throws if unreadable. */
function callbackSecret(cipher: string): string {
  const known = secrets.get(cipher);
  if (known !== undefined) return known;
  const plain = decryptSecret(cipher, config().ENCRYPTION_KEY);
  secrets.set(cipher, plain);
  if (secrets.size > MAX_CACHED_SHOPS) secrets.delete(secrets.keys().next().value!);
  return plain;
}

/** The header Kaleyra's callback profile sends the shop's secret in (a custom static header). */
export const CALLBACK_SECRET_HEADER = "x-callback-secret";

/** A callback URL token: 32 random bytes, base64url (43 characters). */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export type HeaderLookup = (name: string) => string | null | undefined;

/** A callback URL token nobody can guess. */
export function newCallbackToken(): string {
  return randomBytes(32).toString("base64url");
}

/** A new URL token and secret for a shop's callbacks; the secret is stored encrypted. */
export async function issueCallbackCredentials(db: SqlExecutor, shop: string, now: Date): Promise<{ token: string; secret: string }> {
  const token = newCallbackToken();
  const secret = randomBytes(24).toString("base64url");
  await saveCallbackCredentials(db, shop, token, encryptSecret(secret, config().ENCRYPTION_KEY), now);
  return { token, secret };
}

/** The secret from the custom header, or the password of Basic auth (Kaleyra offers both). */
function presentedSecret(header: HeaderLookup): string | undefined {
  const custom = header(CALLBACK_SECRET_HEADER);
  if (custom) return custom.trim();
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header("authorization") ?? "");
  if (!basic?.[1]) return undefined;
  const decoded = Buffer.from(basic[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon >= 0 ? decoded.slice(colon + 1) : undefined;
}

/** Equal, in a time that does not depend on where they differ (digests have one length). */
function sameSecret(given: string, stored: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(stored));
}

/** The lane of a callback: its message, so that one message's callbacks are applied one at a time. */
function laneOf(body: unknown): string {
  if (!body || typeof body !== "object") return "";
  const record = body as { extra_info?: { ref?: unknown; message_id?: unknown }; message_id?: unknown };
  const ref = record.extra_info?.ref;
  if (typeof ref === "string" && ref.startsWith(REF_PREFIX)) return `receipt:${ref.slice(REF_PREFIX.length, REF_PREFIX.length + 64)}`;
  const id = record.extra_info?.message_id ?? record.message_id;
  return typeof id === "string" || typeof id === "number" ? `receipt:k:${String(id).slice(0, 64)}` : "";
}

/** The lane of an inbound message: its shopper, so that a STOP and a START are applied in the order they came. */
function inboundLaneOf(body: unknown): string {
  const read = readInbound(body, new Date());
  return read.ok ? `inbound:${read.messages[0]!.from}` : "";
}

/** What Kaleyra posts to the app: status callbacks (the callback profile) and inbound messages (the number's Incoming URL). */
export type KaleyraPost = "status" | "inbound";

const POSTS: Record<KaleyraPost, { topic: string; key: string; lane: (body: unknown) => string; words: string }> = {
  status: { topic: STATUS_CALLBACK_TOPIC, key: "callback", lane: laneOf, words: "callback" },
  inbound: { topic: INBOUND_TOPIC, key: "inbound", lane: inboundLaneOf, words: "inbound message" },
};

/** A status callback's answer (answerKaleyraPost). */
export function answerStatusCallback(token: string, header: HeaderLookup, rawBytes: Uint8Array, db: SqlDatabase = sql()): Promise<number> {
  return answerKaleyraPost("status", token, header, rawBytes, db);
}

/**
 * A Kaleyra post's answer: 401 unless the URL token and the secret are the shop's (both
 * compared in constant time; nothing is stored then), 200 once it is kept in the inbox, 503
 * if it could not be (Kaleyra tries again). The inbox processor applies it. Status callbacks
 * and inbound messages share the shop's token and secret.
 */
export async function answerKaleyraPost(kind: KaleyraPost, token: string, header: HeaderLookup, rawBytes: Uint8Array, db: SqlDatabase = sql()): Promise<number> {
  const post = POSTS[kind];
  if (!TOKEN.test(token)) return 401;
  const secret = presentedSecret(header);
  let shop: CallbackShop;
  try {
    shop = await shopOfToken(db, token);
  } catch (error) {
    log.error({ err: error }, "callback not checked: the database is unreachable; Kaleyra will retry");
    return 503;
  }
  let stored = "";
  try {
    if (shop) stored = callbackSecret(shop.callbackSecretCipher);
  } catch (error) {
    // The key that wrote it left ENCRYPTION_KEY: refuse (Kaleyra retries) until it is back
    // or the merchant sets a new secret.
    log.error({ err: error, shop: shop?.domain }, "callback refused: the stored callback secret cannot be read with ENCRYPTION_KEY");
    return 503;
  }
  const tokenMatches = shop ? timingSafeEqual(Buffer.from(shop.callbackToken), Buffer.from(token)) : false;
  if (!shop || !tokenMatches || secret === undefined || !sameSecret(secret, stored)) {
    log.warn({ known: Boolean(shop), secretGiven: secret !== undefined, kind }, `${post.words} refused: wrong URL token or secret`);
    return 401;
  }
  const rawBody = new TextDecoder().decode(rawBytes);
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    body = undefined;
  }
  const now = new Date();
  const hash = createHash("sha256").update(rawBytes).digest("hex");
  const malformed = body === undefined ? `the ${post.words} body is not valid JSON` : undefined;
  try {
    // No body claim (WebhookBody): the URL token and the secret bind a callback to its shop.
    const kept = await keepShopDelivery(db, {
      id: arrivalOrderedId(now.getTime()),
      shopDomain: shop.domain,
      source: "kaleyra",
      // The same body twice is the same callback: Kaleyra sends some twice.
      eventKey: `${post.key}:${hash}`,
      webhookId: `${post.key}:${shop.domain}:${hash}`,
      topic: post.topic,
      lane: post.lane(body),
      receivedAt: now,
      outcome: malformed ? "ignored" : "received",
      reason: malformed ?? null,
      body: malformed ? null : rawBody,
      processedAt: malformed ? now : null,
    });
    if (kept === "kept" && !malformed) announceInboxDeliveries(db, log);
    log.debug({ shop: shop.domain, kept }, `${post.words} kept`);
    return 200;
  } catch (error) {
    log.error({ err: error, shop: shop.domain }, `${post.words} not stored; Kaleyra will retry`);
    return 503;
  }
}

/** The routes' action: the body was read within MAX_CALLBACK_BYTES by the server before Remix. */
export function receiveKaleyraPost(kind: KaleyraPost, request: Request, token: string): Promise<Response> {
  return acknowledge(async () => {
    if (request.method !== "POST") return new Response(null, { status: 405, headers: { allow: "POST" } });
    const bytes = new Uint8Array(await request.arrayBuffer());
    return new Response(null, { status: await answerKaleyraPost(kind, token, (name) => request.headers.get(name), bytes) });
  });
}
