import { sql, type Insertable, type Selectable } from "kysely";
import type { WebhookEvent } from "../generated/kysely";
import { insertUnlessKeyTaken, queries } from "../kysely.server";
import { gather } from "../gather";
import type { SqlDatabase, SqlExecutor } from "../sql.server";

/**
 * The WebhookEvent table: the inbox. Every delivery the app accepted, one per shop and event
 * key, `received` until the inbox processor has decided it.
 */
export type InboxEvent = Selectable<WebhookEvent>;

/** A lane's oldest waiting delivery, as the processor's claim finds it. */
export type LaneHead = Pick<InboxEvent, "id" | "shopDomain" | "lane">;

/** Outcomes that end a delivery; `received` waits, `failed` waits for a replay. */
const DONE = ["processed", "ignored", "deferred"] as const;

/** The columns a Shopify delivery is kept with; the others take their defaults. */
type KeptColumns =
  | "shopDomain"
  | "eventKey"
  | "webhookId"
  | "topic"
  | "lane"
  | "triggeredAt"
  | "receivedAt"
  | "outcome"
  | "reason"
  | "body"
  | "processedAt";

/** A delivery to keep, with the hash and topic its body is claimed under (WebhookBody). */
export interface DeliveryToKeep {
  event: { id: string; receivedAt: Date } & Required<Pick<Insertable<WebhookEvent>, KeptColumns>>;
  body: { hash: string; topic: string };
}

/** A Kaleyra delivery to keep (keepShopDelivery). */
type ShopDeliveryToKeep = Insertable<WebhookEvent> & { id: string; shopDomain: string; receivedAt: Date };

/** Kept; already kept (its shop has its event key); or refused as a replay, with nothing written. */
export type KeepResult = "kept" | "duplicate" | "replay";

/**
 * Keeps a delivery that has no body to bind to a shop and topic: a Kaleyra callback, whose
 * URL token and secret already name its one shop, and whose event key is its body's hash.
 * One insert, durable once it resolves.
 */
export async function keepShopDelivery(db: SqlDatabase, event: ShopDeliveryToKeep): Promise<Exclude<KeepResult, "replay">> {
  const insert = (executor: SqlExecutor) => insertUnlessKeyTaken(executor, "WebhookEvent", event, ["shopDomain", "eventKey"]);
  // PostgreSQL commits a lone statement durably, in one round trip (BEGIN/COMMIT would be three).
  const inserted = db.provider === "postgresql" ? await insert(db) : await db.transaction(insert, { durable: true });
  return inserted ? "kept" : "duplicate";
}

/**
 * Keeps a delivery in the inbox unless it is a replay: its webhook id already delivered for
 * another shop, or its body already claimed for another shop or topic (WebhookBody). Nothing
 * is written for a replay. Durable once it resolves.
 *
 * Deliveries arriving together are kept together, with one durable commit for all (a
 * webhook's answer waits for it): on PostgreSQL by one statement, on SQLite by one
 * transaction of the same steps, delivery after delivery.
 */
export async function keepDelivery(db: SqlDatabase, delivery: DeliveryToKeep): Promise<KeepResult> {
  return keeper(db)(delivery);
}

const keepers = new WeakMap<SqlDatabase, (delivery: DeliveryToKeep) => Promise<KeepResult>>();

/** The handle's gatherer of keepDelivery calls. */
function keeper(db: SqlDatabase) {
  let keep = keepers.get(db);
  if (keep === undefined) {
    keep =
      db.provider === "postgresql"
        ? gather((deliveries: DeliveryToKeep[]) => keepTogether(db, deliveries), {
            maxBatch: 64,
            inFlight: 2,
            // The statement sees only rows kept before it: a body or webhook id twice in one batch
            // would not see its own first copy (and one body cannot be claimed twice in one statement).
            fits: (batch, next) => !batch.some((kept) => kept.body.hash === next.body.hash || kept.event.webhookId === next.event.webhookId),
          })
        : // SQLite has one writer: a second batch in flight would only wait for the first.
          gather((deliveries: DeliveryToKeep[]) => db.transaction((tx) => keepOneByOne(tx, deliveries), { durable: true }), {
            maxBatch: 64,
            inFlight: 1,
          });
    keepers.set(db, keep);
  }
  return keep;
}

/** keepDelivery's steps in a transaction, delivery after delivery (each sees the ones before). */
async function keepOneByOne(tx: SqlExecutor, deliveries: readonly DeliveryToKeep[]): Promise<KeepResult[]> {
  const results: KeepResult[] = [];
  for (const { event, body } of deliveries) {
    const [seen] = await tx.query(SEEN_ELSEWHERE, [event.webhookId, event.shopDomain]);
    const [owner] = seen ? [] : await tx.query<{ topic: string | null }>(CLAIM_BODY, [body.hash, event.shopDomain, body.topic, event.receivedAt]);
    if (owner?.topic !== body.topic) {
      results.push("replay");
      continue;
    }
    const inserted = await tx.execute(KEEP_EVENT, KEPT_COLUMNS.map((column) => event[column]));
    results.push(inserted > 0 ? "kept" : "duplicate");
  }
  return results;
}

// The statements of the webhook's acknowledgement are written out rather than built with
// Kysely: building three per webhook was a tenth of the app's CPU under the SQLite ack load
// (bench/README.md). Each is prepared once per connection.
const SEEN_ELSEWHERE = `SELECT 1 AS "seen" FROM "WebhookEvent" WHERE "webhookId" = ? AND "shopDomain" <> ? LIMIT 1`;

// A hash already kept by the same shop binds a topic-less row to this delivery's topic; kept
// by another shop, nothing is written and no row comes back.
const CLAIM_BODY = `INSERT INTO "WebhookBody" ("hash", "shopDomain", "topic", "receivedAt") VALUES (?, ?, ?, ?)
  ON CONFLICT ("hash") DO UPDATE SET "topic" = coalesce("WebhookBody"."topic", excluded."topic")
  WHERE "WebhookBody"."shopDomain" = excluded."shopDomain"
  RETURNING "topic"`;

const KEPT_COLUMNS = [
  "id",
  "shopDomain",
  "eventKey",
  "webhookId",
  "topic",
  "lane",
  "triggeredAt",
  "receivedAt",
  "outcome",
  "reason",
  "body",
  "processedAt",
] as const satisfies ReadonlyArray<keyof DeliveryToKeep["event"]>;

const KEEP_EVENT = `INSERT INTO "WebhookEvent" (${KEPT_COLUMNS.map((column) => `"${column}"`).join(", ")})
  VALUES (${KEPT_COLUMNS.map(() => "?").join(", ")})
  ON CONFLICT ("shopDomain", "eventKey") DO NOTHING`;

/**
 * keepDelivery's steps for many deliveries in one statement: each step runs for a delivery
 * only if the one before let it. One row per delivery comes back, in order.
 */
async function keepTogether(db: SqlExecutor, deliveries: readonly DeliveryToKeep[]): Promise<KeepResult[]> {
  const params = deliveries.flatMap(({ event, body }) => [...KEPT_COLUMNS.map((column) => event[column]), body.hash, body.topic]);
  const rows = await db.query<{ n: number; owned: boolean; inserted: boolean }>(keepTogetherStatement(deliveries.length), params);
  return rows.map((row) => (!row.owned ? "replay" : row.inserted ? "kept" : "duplicate"));
}

// One parameter per value, not one array per column: a body in an array literal is escaped
// (every quote of its JSON) and parsed again, which cost more than the rest of the statement.
const ROW = `(?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::timestamp(3), ?::timestamp(3), ?::text, ?::text, ?::text, ?::timestamp(3), ?::text, ?::text, `;

const keepTogetherStatements = new Map<number, string>();

/**
 * The statement for `size` deliveries (one text per size, prepared once per connection): the
 * steps of keepOneByOne, row by row.
 */
function keepTogetherStatement(size: number): string {
  let text = keepTogetherStatements.get(size);
  if (text !== undefined) return text;
  const rows = Array.from({ length: size }, (_, index) => `${ROW}${index})`).join(",\n    ");
  text = `
WITH "input" AS (
  SELECT * FROM (VALUES
    ${rows}
  ) AS i("id", "shopDomain", "eventKey", "webhookId", "topic", "lane", "triggeredAt",
    "receivedAt", "outcome", "reason", "body", "processedAt", "hash", "bodyTopic", "n")
), "claim" AS (
  INSERT INTO "WebhookBody" ("hash", "shopDomain", "topic", "receivedAt")
  SELECT i."hash", i."shopDomain", i."bodyTopic", i."receivedAt" FROM "input" i
  WHERE NOT EXISTS (
    SELECT 1 FROM "WebhookEvent" w WHERE w."webhookId" = i."webhookId" AND w."shopDomain" <> i."shopDomain"
  )
  ON CONFLICT ("hash") DO UPDATE SET "topic" = coalesce("WebhookBody"."topic", excluded."topic")
  WHERE "WebhookBody"."shopDomain" = excluded."shopDomain"
  RETURNING "hash", "topic"
), "owned" AS (
  SELECT i.* FROM "input" i JOIN "claim" c ON c."hash" = i."hash" AND c."topic" = i."bodyTopic"
), "kept" AS (
  INSERT INTO "WebhookEvent" ("id", "shopDomain", "eventKey", "webhookId", "topic", "lane", "triggeredAt",
    "receivedAt", "outcome", "reason", "body", "processedAt")
  SELECT "id", "shopDomain", "eventKey", "webhookId", "topic", "lane", "triggeredAt",
    "receivedAt", "outcome", "reason", "body", "processedAt" FROM "owned" ORDER BY "n"
  ON CONFLICT ("shopDomain", "eventKey") DO NOTHING
  RETURNING "id"
)
SELECT i."n", EXISTS (SELECT 1 FROM "owned" o WHERE o."n" = i."n") AS "owned",
  EXISTS (SELECT 1 FROM "kept" k WHERE k."id" = i."id") AS "inserted"
FROM "input" i ORDER BY i."n"`;
  keepTogetherStatements.set(size, text);
  return text;
}

/**
 * Up to `limit` deliveries that are due at `at` and first in their lane (no earlier delivery
 * of the lane still waits), oldest first. A fresh delivery has no attempt time: it is due
 * whatever the clocks of the process that took it and the one that reads it say.
 */
export async function dueLaneHeads(db: SqlExecutor, at: Date, limit: number): Promise<LaneHead[]> {
  return queries(db)
    .selectFrom("WebhookEvent as e")
    .select(["e.id", "e.shopDomain", "e.lane"])
    .where("e.outcome", "=", sql.lit("received"))
    .where((eb) => eb.or([eb("e.nextAttemptAt", "is", null), eb("e.nextAttemptAt", "<=", at)]))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("WebhookEvent as p")
            .select(sql.lit(1).as("one"))
            .whereRef("p.shopDomain", "=", "e.shopDomain")
            .whereRef("p.lane", "=", "e.lane")
            .where("p.outcome", "=", sql.lit("received"))
            .whereRef("p.id", "<", "e.id"),
        ),
      ),
    )
    .orderBy("e.id")
    .limit(limit)
    .execute();
}

/** When the earliest retry waiting in the inbox is due, if one waits. */
export async function nextRetryAt(db: SqlExecutor): Promise<Date | undefined> {
  const row = await queries(db)
    .selectFrom("WebhookEvent")
    .select((eb) => eb.fn.min("nextAttemptAt").as("at"))
    .where("outcome", "=", sql.lit("received"))
    .executeTakeFirst();
  const at = row?.at as Date | string | null | undefined;
  return at ? new Date(at) : undefined;
}

/** The lane's oldest waiting delivery, whole (inside the transaction that processes it). */
export async function laneHead(tx: SqlExecutor, shop: string, lane: string): Promise<InboxEvent | undefined> {
  return queries(tx)
    .selectFrom("WebhookEvent")
    .selectAll()
    .where("shopDomain", "=", shop)
    .where("lane", "=", lane)
    .where("outcome", "=", sql.lit("received"))
    .orderBy("id")
    .limit(1)
    .executeTakeFirst();
}

/** The advisory lock key of a lane (64 bits, from its text). */
function laneKey(shop: string, lane: string) {
  return sql`hashtextextended(${`inbox\n${shop}\n${lane}`}, 0)`;
}

/**
 * On PostgreSQL, holds the lane until the transaction ends: two processes never decide one
 * order at once. SQLite's write transaction is already the only one.
 */
export async function lockLane(tx: SqlExecutor, shop: string, lane: string): Promise<void> {
  if (tx.provider !== "postgresql") return;
  await sql`SELECT pg_advisory_xact_lock(${laneKey(shop, lane)})`.execute(queries(tx));
}

/** As lockLane, but only if no other transaction holds the lane; returns whether it got it. */
export async function tryLockLane(tx: SqlExecutor, shop: string, lane: string): Promise<boolean> {
  if (tx.provider !== "postgresql") return true;
  const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(${laneKey(shop, lane)}) AS "locked"`.execute(queries(tx));
  return rows[0]?.locked === true;
}

/** Ends a waiting delivery with what processing decided. Returns whether it was still waiting. */
export async function finishEvent(
  tx: SqlExecutor,
  id: string,
  done: { outcome: (typeof DONE)[number]; reason: string | null; orderId: string | null; processedAt: Date; dropBody: boolean },
): Promise<boolean> {
  const result = await queries(tx)
    .updateTable("WebhookEvent")
    .set({
      outcome: done.outcome,
      reason: done.reason,
      orderId: done.orderId,
      processedAt: done.processedAt,
      nextAttemptAt: null,
      ...(done.dropBody ? { body: null } : {}),
    })
    .where("id", "=", id)
    .where("outcome", "=", sql.lit("received"))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The attempts made so far on a waiting delivery, or undefined when it no longer waits. */
export async function attemptsOf(tx: SqlExecutor, id: string): Promise<number | undefined> {
  const row = await queries(tx)
    .selectFrom("WebhookEvent")
    .select("attempts")
    .where("id", "=", id)
    .where("outcome", "=", sql.lit("received"))
    .executeTakeFirst();
  return row?.attempts;
}

/**
 * Records a failed attempt of a waiting delivery with its error: to be retried at `retryAt`,
 * or, without one, given up as failed for the operator to replay.
 */
export async function recordFailedAttempt(
  tx: SqlExecutor,
  id: string,
  failure: { attempts: number; reason: string; retryAt: Date | undefined; at: Date },
): Promise<void> {
  await queries(tx)
    .updateTable("WebhookEvent")
    .set({
      attempts: failure.attempts,
      reason: failure.reason,
      nextAttemptAt: failure.retryAt ?? null,
      ...(failure.retryAt ? {} : { outcome: "failed", processedAt: failure.at }),
    })
    .where("id", "=", id)
    .where("outcome", "=", sql.lit("received"))
    .execute();
}

/** How many deliveries are failed (for /healthz). */
export async function countFailedEvents(db: SqlExecutor): Promise<number> {
  const row = await queries(db)
    .selectFrom("WebhookEvent")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("outcome", "=", sql.lit("failed"))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The failed deliveries, oldest first (for the replay command's report). */
export async function failedEvents(db: SqlExecutor, shop?: string): Promise<Array<Pick<InboxEvent, "id" | "shopDomain" | "topic" | "lane" | "attempts" | "reason" | "receivedAt">>> {
  return queries(db)
    .selectFrom("WebhookEvent")
    .select(["id", "shopDomain", "topic", "lane", "attempts", "reason", "receivedAt"])
    .where("outcome", "=", sql.lit("failed"))
    .$if(shop !== undefined, (query) => query.where("shopDomain", "=", shop!))
    .orderBy("id")
    .execute();
}

/** Puts failed deliveries back in the inbox, as if just received; returns how many. */
export async function requeueFailed(db: SqlExecutor, shop?: string): Promise<number> {
  const result = await queries(db)
    .updateTable("WebhookEvent")
    .set({ outcome: "received", attempts: 0, nextAttemptAt: null, processedAt: null })
    .where("outcome", "=", sql.lit("failed"))
    .$if(shop !== undefined, (query) => query.where("shopDomain", "=", shop!))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Drops the bodies of the given orders' deliveries that no longer wait (customers/redact). A
 * delivery still waiting keeps its body: it is processed, then dropped with the rest.
 */
export async function dropOrderBodies(tx: SqlExecutor, shop: string, orderIds: readonly string[]): Promise<void> {
  if (orderIds.length === 0) return;
  await queries(tx)
    .updateTable("WebhookEvent")
    .set({ body: null })
    .where("shopDomain", "=", shop)
    .where("lane", "in", orderIds)
    .where("outcome", "<>", sql.lit("received"))
    .where("body", "is not", null)
    .execute();
}

/**
 * Drops the bodies of the shop's Kaleyra callbacks that name one of these numbers (Meta
 * writes them as digits, without the +). Applied callbacks have none left; this reaches the
 * ones that matched no message or still wait.
 */
export async function dropCallbackBodiesNaming(tx: SqlExecutor, shop: string, phones: Iterable<string>): Promise<void> {
  for (const phone of phones) {
    const digits = phone.replace(/\D/g, "");
    if (digits.length < 6) continue;
    await queries(tx)
      .updateTable("WebhookEvent")
      .set({ body: null })
      .where("shopDomain", "=", shop)
      .where("source", "=", "kaleyra")
      .where("body", "like", `%${digits}%`)
      .execute();
  }
}

/** Drops up to `limit` bodies of deliveries decided before `before`; returns how many. */
export async function dropDecidedBodiesBefore(db: SqlExecutor, before: Date, limit: number): Promise<number> {
  const result = await sql`
    UPDATE "WebhookEvent" SET "body" = NULL WHERE "id" IN (
      SELECT "id" FROM "WebhookEvent"
      WHERE "receivedAt" < ${before} AND "body" IS NOT NULL AND "outcome" IN (${sql.join(DONE.map((outcome) => sql.lit(outcome)))})
      LIMIT ${limit}
    )`.execute(queries(db));
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * Deletes up to `limit` decided deliveries received before `before`; returns how many.
 * Waiting and failed ones stay, whatever their age: nothing is lost to retention.
 */
export async function deleteEventsBefore(db: SqlExecutor, before: Date, limit: number): Promise<number> {
  const result = await sql`
    DELETE FROM "WebhookEvent" WHERE "id" IN (
      SELECT "id" FROM "WebhookEvent"
      WHERE "receivedAt" < ${before} AND "outcome" IN (${sql.join(DONE.map((outcome) => sql.lit(outcome)))})
      LIMIT ${limit}
    )`.execute(queries(db));
  return Number(result.numAffectedRows ?? 0n);
}
