/**
 * Carries out the planner's decisions for a claimed batch through narrow ports (the database
 * behind them in the worker, fakes in tests): ends or parks what cannot go, then reserves, for
 * the whole batch at once, each business number's rate slots and each shopper's turn. That is
 * two statements per batch rather than two per message. Messages that cannot go yet are given
 * back with when they may.
 */
import type { ClaimedMessage } from "./claim.server";
import { ReservationDelay, takeTurns, type ShopperTurn } from "./pacing";
import {
  assignSlots,
  checkMessage,
  NO_SLOT_RETRY_MS,
  slotDemands,
  type ReadKey,
  type Ready,
  type ShopState,
  type Slotted,
} from "./planner";

export interface PlanPorts {
  shopOf(domain: string): Promise<ShopState | undefined>;
  /** The shop changed (paused, say): read it again next time. */
  forgetShop(domain: string): void;
  readKey: ReadKey;
  finishUnsent(id: string, state: "skipped" | "paused" | "failed", reason: string, now: Date): Promise<void>;
  /** Parks the message if its shop is still paused (true), else gives it back to the queue. */
  parkWhilePaused(id: string, shop: string, now: Date): Promise<boolean>;
  /** Pauses the shop for a configuration error with `detail`. */
  pauseShop(shop: string, detail: string, now: Date): Promise<void>;
  /** Each number's first free slots from `fromMs` on, as many as it asks (fewer when full). */
  reserveSlots(demands: ReadonlyMap<string, number>, perSecond: number, fromMs: number): Promise<Map<string, number[]>>;
  /** Reserves the turns of shoppers free at `now`; returns the busy ones with when they are free. */
  reserveTurns(turns: readonly ShopperTurn[], now: Date): Promise<Map<string, Date>>;
  release(id: string, notBefore: Date, now: Date): Promise<void>;
  now(): Date;
}

export interface BatchPlanner {
  /** Plans a claimed batch; returns the messages to send, by id. */
  plan(batch: readonly ClaimedMessage[]): Promise<Map<string, Slotted>>;
}

export function createBatchPlanner(
  ports: PlanPorts,
  options: { perSecond: number; spacingMs: number },
): BatchPlanner {
  const reservationDelay = new ReservationDelay();

  /** Carries out each message's verdict; returns those ready to send. */
  async function check(batch: readonly ClaimedMessage[], started: Date): Promise<Ready[]> {
    const ready: Ready[] = [];
    for (const message of batch) {
      const verdict = checkMessage(message, await ports.shopOf(message.shopDomain), ports.readKey);
      switch (verdict.kind) {
        case "ready":
          ready.push(verdict.ready);
          break;
        case "finish":
          await ports.finishUnsent(message.id, verdict.state, verdict.reason, started);
          break;
        case "park":
          // The cached shop may be a moment old: a resume may have just requeued its messages.
          if (!(await ports.parkWhilePaused(message.id, message.shopDomain, started))) ports.forgetShop(message.shopDomain);
          break;
        case "pause-shop":
          await ports.pauseShop(message.shopDomain, verdict.detail, started);
          await ports.finishUnsent(message.id, "paused", verdict.detail, started);
          ports.forgetShop(message.shopDomain);
          break;
      }
    }
    return ready;
  }

  return {
    async plan(batch) {
      const started = ports.now();
      const ready = await check(batch, started);
      const reservingAt = performance.now();
      const slots = await ports.reserveSlots(slotDemands(ready), options.perSecond, ports.now().getTime() + reservationDelay.leadMs());
      const { slotted, unslotted } = assignSlots(ready, slots, options.spacingMs);
      for (const r of unslotted) await ports.release(r.message.id, new Date(started.getTime() + NO_SLOT_RETRY_MS), started);
      // A shopper's turn runs from the message's slot, so two messages to one shopper leave at
      // least the spacing apart. One that must wait gives its rate slot up unused.
      const busy = await ports.reserveTurns(slotted, started);
      const { go, wait } = takeTurns(slotted, busy);
      for (const { turn, until } of wait) await ports.release(turn.message.id, until, started);
      reservationDelay.note(performance.now() - reservingAt);
      return new Map(go.map((s) => [s.message.id, s]));
    },
  };
}
