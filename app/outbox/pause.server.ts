import { pauseQueued, requeuePaused } from "../db/repositories/messages.server";
import { setPause, shopsPausedFor } from "../db/repositories/shops.server";
import type { SqlExecutor } from "../db/sql.server";

export type PauseReason = "config_error" | "low_balance" | "daily_limit" | "uninstalled";

export interface Pause {
  reason: PauseReason;
  code: string | null;
  detail: string;
  /** For pauses that lift by themselves (balance, daily limit): when to try again. */
  resumeAt?: Date;
}

/**
 * The pause of a shop whose stored API key no key in ENCRYPTION_KEY can read. It is the only
 * configuration pause the app lifts by itself: once a configured key reads the stored one
 * again (a key put back in the ring), the worker resumes the shop.
 */
export const KEY_UNREADABLE_DETAIL = "The stored API key cannot be read; enter the Kaleyra API key again in Settings";

/** Shops paused only because their stored key could not be read, with that stored key. */
export async function shopsPausedForUnreadableKey(db: SqlExecutor): Promise<Array<{ domain: string; apiKeyCipher: string | null }>> {
  return shopsPausedFor(db, KEY_UNREADABLE_DETAIL);
}

/** Stops a shop's sending: its queued messages wait as `paused` and keep their attempts. */
export async function pauseShop(tx: SqlExecutor, shop: string, pause: Pause, now: Date): Promise<void> {
  await setPause(tx, shop, pause, now);
  await pauseQueued(tx, shop, now);
}

/** Lifts a pause (settings fixed, reinstalled, or a timed pause ran out); returns messages requeued. */
export async function resumeShop(tx: SqlExecutor, shop: string, now: Date): Promise<number> {
  await setPause(tx, shop, null, now);
  return requeuePaused(tx, shop, now);
}
