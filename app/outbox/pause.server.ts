import type { SqlExecutor } from "../db/sql.server";

export type PauseReason = "config_error" | "low_balance" | "daily_limit" | "uninstalled";

export interface Pause {
  reason: PauseReason;
  code: string | null;
  detail: string;
  /** For pauses that lift by themselves (balance, daily limit): when to try again. */
  resumeAt?: Date;
}

/** Stops a shop's sending: its queued messages wait as `paused` and keep their attempts. */
export async function pauseShop(tx: SqlExecutor, shop: string, pause: Pause, now: Date): Promise<void> {
  await tx.execute(
    `UPDATE "Shop" SET "pausedReason" = ?, "pausedCode" = ?, "pausedDetail" = ?, "pausedAt" = ?, "resumeAt" = ?, "updatedAt" = ?
     WHERE "domain" = ?`,
    [pause.reason, pause.code, pause.detail, now, pause.resumeAt ?? null, now, shop],
  );
  await tx.execute(
    `UPDATE "Message" SET "state" = 'paused', "updatedAt" = ? WHERE "shopDomain" = ? AND "state" = 'queued'`,
    [now, shop],
  );
}

/** Lifts a pause (settings fixed, reinstalled, or a timed pause ran out); returns messages requeued. */
export async function resumeShop(tx: SqlExecutor, shop: string, now: Date): Promise<number> {
  await tx.execute(
    `UPDATE "Shop" SET "pausedReason" = NULL, "pausedCode" = NULL, "pausedDetail" = NULL, "pausedAt" = NULL,
       "resumeAt" = NULL, "updatedAt" = ? WHERE "domain" = ?`,
    [now, shop],
  );
  return tx.execute(
    `UPDATE "Message" SET "state" = 'queued', "nextAttemptAt" = ?, "updatedAt" = ? WHERE "shopDomain" = ? AND "state" = 'paused'`,
    [now, now, shop],
  );
}
