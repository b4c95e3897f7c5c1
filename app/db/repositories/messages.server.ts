import { sql, type Insertable, type Selectable, type Updateable } from "kysely";
import type { Message } from "../generated/kysely";
import { insertUnlessKeyTaken, lockedOnPostgres, queries } from "../kysely.server";
import type { SqlDatabase, SqlExecutor } from "../sql.server";

/** The Message table: the outbox, and the same rows as the merchant's message log. */
export type MessageRecord = Selectable<Message>;

const CLAIMED_COLUMNS = [
  "id",
  "shopDomain",
  "orderId",
  "orderName",
  "orderStatus",
  "recipient",
  "referenceId",
  "bodyText",
  "description",
  "attempts",
  "form",
  "templateName",
  "templateLanguage",
  "templateParams",
] as const;

/** A claimed message, as the worker needs it to send. */
export type ClaimedMessage = Pick<MessageRecord, (typeof CLAIMED_COLUMNS)[number]>;

/** The states in which a message still waits to leave. */
const WAITING = ["queued", "sending", "paused"] as const;

/** Due messages of one state, oldest first, that no earlier message of their order precedes. */
function dueCandidates(tx: SqlExecutor, state: "queued" | "sending", now: Date, limit: number) {
  // One state per probe: the (state, nextAttemptAt) index then yields the rows in order and
  // the probe stops after LIMIT of them. With both states in one IN list the database has
  // to collect and sort every due row first, which grows with the backlog (bench/README.md).
  // The state is written into the statement, so PostgreSQL plans each probe for its state.
  return queries(tx)
    .selectFrom("Message as m")
    .select("m.id")
    .where("m.state", "=", sql.lit(state))
    .where("m.nextAttemptAt", "<=", now)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("Message as e")
            .select(sql.lit(1).as("one"))
            .whereRef("e.shopDomain", "=", "m.shopDomain")
            .whereRef("e.orderId", "=", "m.orderId")
            .whereRef("e.id", "<>", "m.id")
            .where("e.state", "in", WAITING.map((waiting) => sql.lit(waiting)))
            .where((eb) =>
              eb.or([
                eb("e.rank", "<", eb.ref("m.rank")),
                eb.and([eb("e.rank", "=", eb.ref("m.rank")), eb("e.createdAt", "<", eb.ref("m.createdAt"))]),
              ]),
            ),
        ),
      ),
    )
    .orderBy("m.nextAttemptAt")
    .limit(limit)
    // PostgreSQL: concurrent workers pass each other instead of queueing on the same rows.
    .$if(tx.provider === "postgresql", (query) => query.forUpdate().skipLocked());
}

/**
 * Claims up to `limit` due messages for `workerId` until `leaseUntil`. A message is due when
 * it is queued (or its previous worker's lease ran out) and no earlier message of the same
 * order is still waiting, so an order's messages leave in lifecycle order. Messages whose
 * lease ran out come first (they are the oldest); concurrent workers pass each other.
 */
export async function claimDue(
  db: SqlDatabase,
  workerId: string,
  limit: number,
  now: Date,
  leaseUntil: Date,
): Promise<ClaimedMessage[]> {
  return db.transaction(async (tx) => {
    const claim = (state: "queued" | "sending", count: number) =>
      queries(tx)
        .updateTable("Message")
        .set({ state: "sending", lockedBy: workerId, leaseUntil, nextAttemptAt: leaseUntil, updatedAt: now })
        .where("id", "in", dueCandidates(tx, state, now, count))
        .returning(CLAIMED_COLUMNS)
        .execute();
    const expired = await claim("sending", limit);
    if (expired.length >= limit) return expired;
    return expired.concat(await claim("queued", limit - expired.length));
  });
}

/** The earliest time any message could become due. */
export async function earliestDue(db: SqlExecutor): Promise<Date | undefined> {
  // One MIN per state: each is a single look into the (state, nextAttemptAt) index.
  const q = queries(db);
  const earliestOf = (state: "queued" | "sending") =>
    q.selectFrom("Message").select((eb) => eb.fn.min("nextAttemptAt").as("nextAttemptAt")).where("state", "=", state);
  const row = await q
    .selectFrom(earliestOf("queued").unionAll(earliestOf("sending")).as("earliest"))
    .select((eb) => eb.fn.min("earliest.nextAttemptAt").as("nextAttemptAt"))
    .executeTakeFirst();
  return row?.nextAttemptAt ?? undefined;
}

/**
 * Changes a message this worker has claimed, only while it still holds the lease (a worker
 * that lost it cannot overwrite a newer attempt). Returns whether it did.
 */
export async function updateClaimed(
  db: SqlExecutor,
  id: string,
  workerId: string,
  changes: Updateable<Message> & { updatedAt: Date },
  options: { countAttempt?: boolean } = {},
): Promise<boolean> {
  const result = await queries(db)
    .updateTable("Message")
    .set(changes)
    .$if(options.countAttempt === true, (query) => query.set((eb) => ({ attempts: eb("attempts", "+", 1) })))
    .set({ lockedBy: null, leaseUntil: null })
    .where("id", "=", id)
    .where("lockedBy", "=", workerId)
    .where("state", "=", "sending")
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** A shop's queued messages wait as `paused` (they keep their attempts). */
export async function pauseQueued(tx: SqlExecutor, shop: string, now: Date): Promise<number> {
  const result = await queries(tx)
    .updateTable("Message")
    .set({ state: "paused", updatedAt: now })
    .where("shopDomain", "=", shop)
    .where("state", "=", "queued")
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** A shop's paused messages go back to the queue, due now. Returns how many. */
export async function requeuePaused(tx: SqlExecutor, shop: string, now: Date): Promise<number> {
  const result = await queries(tx)
    .updateTable("Message")
    .set({ state: "queued", nextAttemptAt: now, updatedAt: now })
    .where("shopDomain", "=", shop)
    .where("state", "=", "paused")
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** A shop's paused messages created before `before` are skipped with `reason`. Returns how many. */
export async function skipPausedBefore(tx: SqlExecutor, shop: string, before: Date, reason: string, now: Date): Promise<number> {
  const result = await queries(tx)
    .updateTable("Message")
    .set({ state: "skipped", skipReason: reason, updatedAt: now })
    .where("shopDomain", "=", shop)
    .where("state", "=", "paused")
    .where("createdAt", "<", before)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * One message of the shop, locked until the transaction ends on PostgreSQL (a worker cannot
 * claim it meanwhile); SQLite's transaction already holds the only write lock.
 */
export async function lockMessage(tx: SqlExecutor, shop: string, id: string): Promise<MessageRecord | undefined> {
  return queries(tx)
    .selectFrom("Message")
    .selectAll()
    .where((eb) => eb.and({ id, shopDomain: shop }))
    .$call(lockedOnPostgres(tx))
    .executeTakeFirst();
}

/** What a Flow trigger says of a message (flow-triggers/triggers.ts). */
export async function messageForTrigger(
  tx: SqlExecutor,
  id: string,
): Promise<Pick<MessageRecord, "id" | "shopDomain" | "orderId" | "orderStatus"> | undefined> {
  return queries(tx).selectFrom("Message").select(["id", "shopDomain", "orderId", "orderStatus"]).where("id", "=", id).executeTakeFirst();
}

/** As lockMessage, found by the id Kaleyra gave it in its answer. */
export async function lockMessageByKaleyraId(tx: SqlExecutor, shop: string, kaleyraMessageId: string): Promise<MessageRecord | undefined> {
  return queries(tx)
    .selectFrom("Message")
    .selectAll()
    .where((eb) => eb.and({ kaleyraMessageId, shopDomain: shop }))
    .orderBy("createdAt", "desc")
    .limit(1)
    .$call(lockedOnPostgres(tx))
    .executeTakeFirst();
}

/** Changes a message by id, only in one of `states` when given. Returns whether it did. */
export async function updateMessage(
  tx: SqlExecutor,
  id: string,
  changes: Updateable<Message> & { updatedAt: Date },
  states?: readonly string[],
): Promise<boolean> {
  const result = await queries(tx)
    .updateTable("Message")
    .set(changes)
    .where("id", "=", id)
    .$if(states !== undefined, (query) => query.where("state", "in", states ?? []))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * When a message of the shop to `recipient` last failed, since `since`, with one of `codes`
 * (Meta's code in the stored failure). The (shopDomain, recipient, sentAt) index finds the
 * number's few messages.
 */
export async function lastFailureTo(
  db: SqlExecutor,
  shop: string,
  recipient: string,
  codes: readonly string[],
  since: Date,
): Promise<Date | undefined> {
  if (codes.length === 0) return undefined;
  const row = await queries(db)
    .selectFrom("Message")
    .select("failedAt")
    .where("shopDomain", "=", shop)
    .where("recipient", "=", recipient)
    .where("failedAt", ">=", since)
    .where((eb) => eb.or(codes.map((code) => eb("failure", "like", `%"code":"${code}"%`))))
    .orderBy("failedAt", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.failedAt ?? undefined;
}

/** Skips the shop's messages to `recipient` that still wait to be sent (not one being sent). */
export async function skipWaitingTo(db: SqlExecutor, shop: string, recipient: string, skipReason: string, now: Date): Promise<number> {
  const result = await queries(db)
    .updateTable("Message")
    .set({ state: "skipped", skipReason, updatedAt: now })
    .where("shopDomain", "=", shop)
    .where("recipient", "=", recipient)
    .where("state", "in", ["queued", "paused"])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The id of the template sent in place of this message (WhatsApp refused it for the window), if any. */
export async function findFallbackOf(db: SqlExecutor, shop: string, id: string): Promise<string | undefined> {
  const row = await queries(db).selectFrom("Message").select("id").where("shopDomain", "=", shop).where("fallbackOf", "=", id).executeTakeFirst();
  return row?.id;
}

/** customers/redact: messages about no order (the replies to a STOP) to these numbers go. */
export async function deleteRepliesTo(tx: SqlExecutor, shop: string, phones: readonly string[]): Promise<void> {
  if (phones.length === 0) return;
  await queries(tx).deleteFrom("Message").where("shopDomain", "=", shop).where("orderId", "=", "").where("recipient", "in", [...phones]).execute();
}

/** What the app has already queued for an order: the order status and fulfillment of each message. */
export async function orderMessageKinds(
  tx: SqlExecutor,
  shop: string,
  orderId: string,
): Promise<Array<Pick<MessageRecord, "orderStatus" | "fulfillmentId">>> {
  return queries(tx).selectFrom("Message").select(["orderStatus", "fulfillmentId"]).where("shopDomain", "=", shop).where("orderId", "=", orderId).execute();
}

/** Adds a message unless the shop already has one with its dedupe key. Returns whether it did. */
export async function insertMessage(tx: SqlExecutor, message: Insertable<Message>): Promise<boolean> {
  return insertUnlessKeyTaken(tx, "Message", message, ["shopDomain", "dedupeKey"]);
}

/** A page of a shop's message log, newest first. */
export interface LogQuery {
  /** Only messages in these states. */
  states?: readonly string[];
  /** Only messages created at or after this. */
  since?: Date;
  /** Order names containing this (as typed, or upper-cased), or this exact order id. */
  search?: { name: string; orderId: string };
  offset: number;
  limit: number;
}

const LOG_COLUMNS = [
  "id",
  "deliveryState",
  "orderId",
  "orderName",
  "orderStatus",
  "state",
  "recipient",
  "audience",
  "skipReason",
  "attempts",
  "createdAt",
  "nextAttemptAt",
] as const;

/** `text` as a LIKE pattern that matches it anywhere, its wildcards taken literally. */
function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

export async function shopMessageLog(
  db: SqlExecutor,
  shop: string,
  query: LogQuery,
): Promise<Array<Pick<MessageRecord, (typeof LOG_COLUMNS)[number]>>> {
  const { states, since, search } = query;
  return queries(db)
    .selectFrom("Message")
    .select(LOG_COLUMNS)
    .where("shopDomain", "=", shop)
    .$if(states !== undefined, (q) => q.where("state", "in", states ?? []))
    .$if(since !== undefined, (q) => q.where("createdAt", ">=", since ?? new Date(0)))
    .$if(search !== undefined, (q) =>
      q.where((eb) => {
        const like = (text: string) => sql<boolean>`${eb.ref("orderName")} LIKE ${containing(text)} ESCAPE '\\'`;
        const { name, orderId } = search ?? { name: "", orderId: "" };
        // SQLite's LIKE ignores ASCII case and PostgreSQL's does not: the upper-case variant
        // makes "sc1001" find "#SC1001" on both.
        return eb.or([like(name), like(name.toUpperCase()), eb("orderId", "=", orderId)]);
      }),
    )
    .orderBy("createdAt", "desc")
    .orderBy("id", "desc")
    .limit(query.limit)
    .offset(query.offset)
    .execute();
}

/** One message of the shop (another shop's id reads as not found). */
export async function readMessage(db: SqlExecutor, shop: string, id: string): Promise<MessageRecord | undefined> {
  return queries(db).selectFrom("Message").selectAll().where("id", "=", id).where("shopDomain", "=", shop).executeTakeFirst();
}

/** Every message of one of the shop's orders, oldest first (another shop's order reads as none). */
export async function orderMessages(db: SqlExecutor, shop: string, orderId: string): Promise<MessageRecord[]> {
  return queries(db)
    .selectFrom("Message")
    .selectAll()
    .where("shopDomain", "=", shop)
    .where("orderId", "=", orderId)
    .orderBy("createdAt")
    .orderBy("rank")
    .orderBy("id")
    .execute();
}

/** How many of the shop's messages created since `since` are in each state. */
export async function countByState(db: SqlExecutor, shop: string, since: Date): Promise<Map<string, number>> {
  const rows = await queries(db)
    .selectFrom("Message")
    .select((eb) => ["state", eb.fn.countAll<number | string>().as("n")])
    .where("shopDomain", "=", shop)
    .where("createdAt", ">=", since)
    .groupBy("state")
    .execute();
  return new Map(rows.map((row) => [row.state, Number(row.n)]));
}

/** The shop's messages Kaleyra accepted since `since`, counted by what the callbacks reported. */
export async function countByDeliveryState(db: SqlExecutor, shop: string, since: Date): Promise<Map<string, number>> {
  const rows = await queries(db)
    .selectFrom("Message")
    .select((eb) => ["deliveryState", eb.fn.countAll<number | string>().as("n")])
    .where("shopDomain", "=", shop)
    .where("createdAt", ">=", since)
    .where("deliveryState", "is not", null)
    .groupBy("deliveryState")
    .execute();
  return new Map(rows.map((row) => [row.deliveryState ?? "", Number(row.n)]));
}

/** The delivery outcome and failure of the shop's latest messages that WhatsApp (or Kaleyra) has answered for, newest first. */
export async function latestDeliveryOutcomes(
  db: SqlExecutor,
  shop: string,
  since: Date,
  limit: number,
): Promise<Array<{ deliveryState: string; failure: string | null }>> {
  const rows = await queries(db)
    .selectFrom("Message")
    .select(["deliveryState", "failure"])
    .where("shopDomain", "=", shop)
    .where("createdAt", ">=", since)
    .where("deliveryState", "in", ["delivered", "read", "failed", "not_sent"])
    .orderBy("createdAt", "desc")
    .limit(limit)
    .execute();
  return rows.map((row) => ({ deliveryState: row.deliveryState ?? "", failure: row.failure }));
}

/** How many of the shop's messages are in `state`, of any age. */
export async function countInState(db: SqlExecutor, shop: string, state: string): Promise<number> {
  const row = await queries(db)
    .selectFrom("Message")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where((eb) => eb.and({ shopDomain: shop, state }))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** An order's messages as a data request reports them, oldest first. */
export async function orderMessagesForReport(
  tx: SqlExecutor,
  shop: string,
  orderId: string,
): Promise<Array<Pick<MessageRecord, "orderStatus" | "state" | "recipient" | "sentAt" | "bodyText">>> {
  return queries(tx)
    .selectFrom("Message")
    .select(["orderStatus", "state", "recipient", "sentAt", "bodyText"])
    .where("shopDomain", "=", shop)
    .where("orderId", "=", orderId)
    .orderBy("createdAt")
    .execute();
}

/** The numbers an order's messages went (or were to go) to. */
export async function orderRecipients(tx: SqlExecutor, shop: string, orderId: string): Promise<string[]> {
  const rows = await queries(tx)
    .selectFrom("Message")
    .select("recipient")
    .distinct()
    .where("shopDomain", "=", shop)
    .where("orderId", "=", orderId)
    .where("recipient", "is not", null)
    .execute();
  return rows.flatMap((row) => (row.recipient ? [row.recipient] : []));
}

/** Blanks what an order's messages say about the shopper; the log keeps that they were sent. */
export async function blankOrderMessages(tx: SqlExecutor, shop: string, orderId: string, now: Date): Promise<void> {
  await queries(tx)
    .updateTable("Message")
    .set({ recipient: null, bodyText: null, omittedLinks: null, requestJson: null, description: null, lastDetail: null, updatedAt: now })
    .where("shopDomain", "=", shop)
    .where("orderId", "=", orderId)
    .execute();
}

/** How many of the shop's messages are in each state, of any age. */
export async function shopStateCounts(db: SqlExecutor, shop: string): Promise<Array<{ state: string; n: number }>> {
  const rows = await queries(db)
    .selectFrom("Message")
    .select((eb) => ["state", eb.fn.countAll<number | string>().as("n")])
    .where("shopDomain", "=", shop)
    .groupBy("state")
    .orderBy("state")
    .execute();
  return rows.map((row) => ({ state: row.state, n: Number(row.n) }));
}
