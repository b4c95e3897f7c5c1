import { isKeyUnreadable } from "../crypto/secrets.server";
import { shopsDueToResume, stillPausedFor } from "../db/repositories/shops.server";
import type { SqlDatabase } from "../db/sql.server";
import type { Logger } from "../logger.server";
import { pruneFlowActionRuns, pruneWebhookRecords, WEBHOOK_PRUNE_EVERY_MS } from "../webhooks/retention.server";
import { pruneStaleOptIns } from "../consent/opt-in.server";
import { pruneRateWindows } from "./claim.server";
import { KEY_UNREADABLE_DETAIL, resumeShop, shopsPausedForUnreadableKey } from "./pause.server";

export interface HousekeepingOptions {
  db: SqlDatabase;
  /** The key ring stored API keys are read with. */
  encryptionKey: string;
  /** Timed pauses, readable keys and rate windows are looked at this often (the idle poll). */
  everyMs: number;
  log: Logger;
  /** A shop the housekeeping resumed: the worker reads it again. */
  forgetShop(domain: string): void;
}

/**
 * The worker's chores between claims, each on its own beat: shops whose timed pause is over
 * resume, shops paused for an unreadable key resume once a configured key reads it, old rate
 * windows and webhook records are pruned. Returns the chore to run before each pass.
 */
export function createHousekeeping(options: HousekeepingOptions): (at: Date) => Promise<void> {
  const { db, encryptionKey, everyMs, log, forgetShop } = options;
  let lastRun = 0;
  let lastWebhookPrune: number | undefined;

  async function resumeTimedPauses(at: Date): Promise<void> {
    for (const domain of await shopsDueToResume(db, at)) {
      const requeued = await db.transaction((tx) => resumeShop(tx, domain, at));
      forgetShop(domain);
      log.info({ shop: domain, requeued }, "timed pause over; sending resumes");
    }
  }

  /** A shop paused because no configured key read its API key resumes once one does. */
  async function resumeShopsWithReadableKeys(at: Date): Promise<void> {
    for (const shop of await shopsPausedForUnreadableKey(db)) {
      if (!shop.apiKeyCipher || isKeyUnreadable(shop.apiKeyCipher, encryptionKey)) continue;
      const requeued = await db.transaction(async (tx) => {
        // Only if it is still that pause (the merchant may have changed the settings meanwhile).
        const still = await stillPausedFor(tx, shop.domain, KEY_UNREADABLE_DETAIL, shop.apiKeyCipher);
        return still ? resumeShop(tx, shop.domain, at) : 0;
      });
      forgetShop(shop.domain);
      log.info({ shop: shop.domain, requeued }, "stored API key readable again; sending resumes");
    }
  }

  async function pruneWebhooksWhenDue(at: Date): Promise<void> {
    if (lastWebhookPrune !== undefined && at.getTime() - lastWebhookPrune < WEBHOOK_PRUNE_EVERY_MS) return;
    lastWebhookPrune = at.getTime();
    const pruned = await pruneWebhookRecords(db, at);
    if (pruned.rawBodies + pruned.events + pruned.bodies > 0) log.info(pruned, "pruned webhook records past their retention");
    const flowRuns = await pruneFlowActionRuns(db, at);
    if (flowRuns > 0) log.info({ flowRuns }, "pruned Shopify Flow action runs past their retention");
    const optIns = await pruneStaleOptIns(db, at);
    if (optIns > 0) log.info({ optIns }, "dropped opt-in choices whose order never arrived");
  }

  return async (at) => {
    if (at.getTime() - lastRun < everyMs) return;
    lastRun = at.getTime();
    await resumeTimedPauses(at);
    await resumeShopsWithReadableKeys(at);
    await pruneRateWindows(db, at.getTime());
    await pruneWebhooksWhenDue(at);
  };
}
