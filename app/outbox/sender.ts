/**
 * Sends one planned message: waits for its rate slot (a later one when this process was too
 * busy to make it), keeps the lease guard, sends through the Kaleyra client and records the
 * outcome, retrying the write while the lease allows. The database and Kaleyra are behind
 * narrow ports, so that tests use fakes.
 */
import { doublingDelayMs } from "../backoff";
import type { SendResult } from "../kaleyra/client.server";
import type { MessageContent } from "../kaleyra/forms";
import type { KaleyraCredentialsInput } from "../kaleyra/request";
import type { Logger } from "../logger.server";
import { LATE_SLOT_TRIES, lateSlotLeadMs, SEND_TOLERANCE_MS, turnEnd, type Shopper } from "./pacing";
import type { Slotted } from "./planner";
import type { RecordedOutcome } from "./record.server";

export interface SenderPorts {
  send(creds: KaleyraCredentialsInput, content: MessageContent): Promise<SendResult>;
  /** Writes a send's outcome (throws when the database cannot be written). */
  record(message: Slotted["message"], result: SendResult, now: Date): Promise<RecordedOutcome>;
  release(id: string, notBefore: Date, now: Date): Promise<void>;
  /** Moves the shopper's turn that ends `from` to end at `to`. */
  moveTurn(shopper: Shopper, from: Date, to: Date): Promise<void>;
  /** One of the number's slots from `fromMs` on, or undefined when none is free. */
  reserveSlot(businessNumber: string, perSecond: number, fromMs: number): Promise<number | undefined>;
  forgetShop(domain: string): void;
  /** The database's time (ms). */
  nowMs(): number;
  sleep(ms: number): Promise<void>;
  log: Pick<Logger, "info" | "warn">;
}

export interface SenderOptions {
  perSecond: number;
  spacingMs: number;
  /** The most one send may take (Kaleyra's deadline). */
  sendDeadlineMs: number;
}

/** Writing an outcome is retried this long at most before the lease ends (then it is left to the lease). */
export const RECORD_RETRY_MARGIN_MS = 500;
/** The retries of a failed outcome write: from 100 ms, doubling up to 2 s. */
const RECORD_RETRY = { firstMs: 100, capMs: 2000 };
/** A message that could not make any slot is claimed again this much later. */
const MISSED_SLOT_RETRY_MS = 1000;

export interface Sender {
  deliver(planned: Slotted, leaseUntil: number): Promise<void>;
}

export function createSender(ports: SenderPorts, options: SenderOptions): Sender {
  const now = () => new Date(ports.nowMs());

  /** Returns a message unsent, with its shopper's turn, to be claimed again from `notBefore`. */
  async function giveBack(planned: Slotted, turnUntil: Date, notBefore: Date): Promise<void> {
    const at = now();
    await ports.moveTurn(planned, turnUntil, at);
    await ports.release(planned.message.id, notBefore, at);
  }

  /**
   * Waits for the message's slot. A send that trails its slot by more than SEND_TOLERANCE_MS
   * (this process was busy) takes a later slot instead, as sending it now could crowd the next
   * second's slots; its shopper's turn moves with it. Returns whether a slot was made, and
   * where the shopper's turn ends now.
   */
  async function awaitSlot(planned: Slotted): Promise<{ ok: boolean; turnUntil: Date }> {
    let slotAt = planned.slotAt;
    let turnUntil = planned.until;
    for (let tries = 0; ; tries += 1) {
      const wait = slotAt - ports.nowMs();
      if (wait > 0) await ports.sleep(wait);
      const late = ports.nowMs() - slotAt;
      if (late <= SEND_TOLERANCE_MS) return { ok: true, turnUntil };
      if (tries >= LATE_SLOT_TRIES) return { ok: false, turnUntil };
      const next = await ports.reserveSlot(planned.creds.businessNumber, options.perSecond, ports.nowMs() + lateSlotLeadMs(late));
      if (next === undefined) return { ok: false, turnUntil };
      const until = turnEnd(next, options.spacingMs);
      await ports.moveTurn(planned, turnUntil, until);
      turnUntil = until;
      slotAt = next;
    }
  }

  /**
   * Writes a send's outcome. Kaleyra has the message by now, so a failed write (the database
   * restarting, SQLite locked) is retried until just before the lease ends: giving up would
   * leave the message 'sending' and another pass would send it a second time.
   */
  async function record(planned: Slotted, result: SendResult, leaseUntil: number): Promise<RecordedOutcome> {
    for (let tries = 0; ; tries += 1) {
      const delay = doublingDelayMs(tries, RECORD_RETRY);
      try {
        return await ports.record(planned.message, result, now());
      } catch (error) {
        if (ports.nowMs() + delay > leaseUntil - RECORD_RETRY_MARGIN_MS) throw error;
        ports.log.warn({ err: error, messageId: planned.message.id }, "could not record a send; retrying");
        await ports.sleep(delay);
      }
    }
  }

  return {
    async deliver(planned, leaseUntil) {
      const { id, shopDomain } = planned.message;
      const slot = await awaitSlot(planned);
      if (!slot.ok) {
        await giveBack(planned, slot.turnUntil, new Date(ports.nowMs() + MISSED_SLOT_RETRY_MS));
        return;
      }
      // The send may take Kaleyra's whole deadline and its outcome must be written inside the
      // lease; with less of it left (a busy process, a long wait for the slot), another pass
      // could take the message over while it is in flight. Unsent, it can go back safely.
      if (ports.nowMs() + options.sendDeadlineMs + RECORD_RETRY_MARGIN_MS > leaseUntil) {
        ports.log.info({ messageId: id }, "too little of the lease left to send; given back");
        await giveBack(planned, slot.turnUntil, now());
        return;
      }
      const result = await ports.send(planned.creds, planned.content);
      const recorded = await record(planned, result, leaseUntil);
      if (recorded.state === "paused") ports.forgetShop(shopDomain);
      if (!recorded.owned) ports.log.warn({ messageId: id }, "lease lost before the outcome was recorded");
    },
  };
}
