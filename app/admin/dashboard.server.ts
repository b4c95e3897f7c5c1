/**
 * The Home page's server side: the shop's setup state, the last seven days' counts, the
 * banners, and "resume sending" for pauses the merchant may lift.
 */
import { shopWhatsAppTemplates } from "../db/repositories/whatsapp-templates.server";
import { countByDeliveryState, countByState, countInState, latestDeliveryOutcomes } from "../db/repositories/messages.server";
import { lockShop, markInstalled, readShop } from "../db/repositories/shops.server";
import { resumeShop } from "../outbox/pause.server";
import { announceQueuedMessages } from "../outbox/notify.server";
import { logger } from "../logger.server";
import { attentionBanners, missingScopes, setupChecklist, type AttentionBanner, type ChecklistItem, } from "./dashboard";
import type { AdminDeps } from "./deps.server";
import { deliveryRates, failureSpike, SPIKE_WINDOW, type DeliveryRates } from "./delivery-rates";
import { shopStatus } from "./shop-status.server";
import { FILTER_STATES, type MessageFilterState } from "./message-states";
import { sendingState, type SendingState } from "./sending-state";

export const COUNT_WINDOW_DAYS = 7;

export interface MessageCounts {
  sent: number;
  failed: number;
  skipped: number;
  /** Waiting to be sent: queued, being sent, or paused. */
  queued: number;
  paused: number;
}

export interface Dashboard {
  checklist: ChecklistItem[];
  counts: MessageCounts;
  /** Over the same window as the counts, from Kaleyra's status callbacks. */
  delivery: DeliveryRates;
  /** Whether the shop receives callbacks at all (otherwise the rates are unknown, not zero). */
  callbacksArrive: boolean;
  banners: AttentionBanner[];
  enabled: boolean;
  sending: SendingState;
}

export async function messageCounts(deps: AdminDeps, shopDomain: string, since: Date): Promise<MessageCounts> {
  const byState = await countByState(deps.sql, shopDomain, since);
  // The same states the log's filters match (FILTER_STATES), so each tile's link lists what it counts.
  const of = (filter: MessageFilterState) => FILTER_STATES[filter].reduce((sum, state) => sum + (byState.get(state) ?? 0), 0);
  return { sent: of("sent"), failed: of("failed"), skipped: of("skipped"), queued: of("queued"), paused: of("paused") };
}

export async function loadDashboard(
  deps: AdminDeps,
  shopDomain: string,
  scopes: { required: readonly string[]; granted: string | null | undefined },
): Promise<Dashboard> {
  const now = deps.now();
  const since = new Date(now.getTime() - COUNT_WINDOW_DAYS * 24 * 60 * 60 * 1000);
  const [shop, counts, waitingMessages, byDelivery, latest, templates] = await Promise.all([
    readShop(deps.sql, shopDomain),
    messageCounts(deps, shopDomain, since),
    // Paused messages of any age wait for the merchant, not only the last week's.
    countInState(deps.sql, shopDomain, "paused"),
    countByDeliveryState(deps.sql, shopDomain, since),
    latestDeliveryOutcomes(deps.sql, shopDomain, since, SPIKE_WINDOW),
    shopWhatsAppTemplates(deps.sql, shopDomain),
  ]);
  const status = shopStatus(shop, deps.encryptionKey, templates.length);
  return {
    checklist: setupChecklist(status),
    counts,
    delivery: deliveryRates(byDelivery),
    callbacksArrive: status.firstCallbackAt !== null,
    banners: attentionBanners(status, {
      missingScopes: missingScopes(scopes.required, scopes.granted),
      waitingMessages,
      failureSpike: failureSpike(latest),
    }),
    enabled: status.enabled,
    sending: sendingState(status),
  };
}

/** Pauses the merchant may lift from Home; a configuration error is lifted by fixing Settings. */
const RESUMABLE = ["low_balance", "daily_limit", "uninstalled"];

/**
 * Lifts a balance, daily-limit or uninstall pause now. Opening the app proves it is
 * installed again, so the uninstall mark goes too. Returns the messages queued again.
 */
export async function resumeSending(deps: AdminDeps, shopDomain: string): Promise<{ resumed: boolean; messages: number }> {
  const now = deps.now();
  const result = await deps.sql.transaction(async (tx) => {
    const row = await lockShop(tx, shopDomain);
    if (!row) return { resumed: false, messages: 0 };
    const paused = row.pausedReason !== null && RESUMABLE.includes(row.pausedReason);
    if (!paused && row.installed) return { resumed: false, messages: 0 };
    await markInstalled(tx, shopDomain, null, now);
    const messages = paused ? await resumeShop(tx, shopDomain, now) : 0;
    return { resumed: true, messages };
  });
  if (result.messages > 0) announceQueuedMessages(deps.sql, logger);
  return result;
}
