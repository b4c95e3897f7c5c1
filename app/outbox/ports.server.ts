/**
 * The worker's parts (plan-batch.ts, sender.ts) reach the database through narrow ports;
 * these are the ports over the outbox's SQL modules, for one worker.
 */
import { decryptSecret, SecretDecryptionError } from "../crypto/secrets.server";
import type { SqlDatabase } from "../db/sql.server";
import { findShop } from "../db/repositories/shops.server";
import { moveRecipientTurn, reserveRateSlots, reserveRateSlotsFor, reserveRecipients } from "./claim.server";
import { pauseShop } from "./pause.server";
import type { PlanPorts } from "./plan-batch";
import type { ReadKey, ShopState } from "./planner";
import { finishUnsent, parkWhilePaused, recordSendResult, releaseMessage } from "./record.server";
import type { SenderPorts } from "./sender";

export function shopFinder(db: SqlDatabase): (domain: string) => Promise<ShopState | undefined> {
  return (domain) => findShop(db, domain);
}

export function keyReader(encryptionKey: string): ReadKey {
  return (cipher) => {
    try {
      return { key: decryptSecret(cipher, encryptionKey) };
    } catch (error) {
      return { unreadable: error instanceof SecretDecryptionError };
    }
  };
}

/** The database side of planning a batch, for `workerId`'s messages. */
export function sqlPlanPorts(db: SqlDatabase, workerId: string): Omit<PlanPorts, "shopOf" | "forgetShop" | "readKey" | "now"> {
  return {
    finishUnsent: (id, state, reason, now) => finishUnsent(db, id, workerId, state, reason, now),
    parkWhilePaused: (id, shop, now) => parkWhilePaused(db, id, workerId, shop, now),
    pauseShop: (shop, detail, now) =>
      db.transaction(async (tx) => {
        await pauseShop(tx, shop, { reason: "config_error", code: null, detail }, now);
      }),
    reserveSlots: (demands, perSecond, fromMs) => reserveRateSlotsFor(db, demands, perSecond, fromMs),
    reserveTurns: (turns, now) => reserveRecipients(db, turns, now),
    release: (id, notBefore, now) => releaseMessage(db, id, workerId, notBefore, now),
  };
}

/** The database side of sending, for `workerId`'s messages. */
export function sqlSenderPorts(
  db: SqlDatabase,
  workerId: string,
  retryDelay?: (attempts: number, retryAfterMs?: number) => number,
): Pick<SenderPorts, "record" | "release" | "moveTurn" | "reserveSlot"> {
  return {
    record: (message, result, now) => recordSendResult(db, message, workerId, result, now, retryDelay),
    release: (id, notBefore, now) => releaseMessage(db, id, workerId, notBefore, now),
    moveTurn: (shopper, from, to) => moveRecipientTurn(db, shopper, from, to),
    reserveSlot: async (number, perSecond, fromMs) => (await reserveRateSlots(db, number, perSecond, fromMs, 1))[0],
  };
}
