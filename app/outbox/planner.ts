/**
 * What happens to each message of a claimed batch, decided without I/O: it is ended unsent
 * (skipped, failed), parked while its shop is paused, ends with its shop paused for a setting
 * the shop lacks, or is ready to send; ready messages then take their number's rate slots and
 * their shopper's turn (pacing.ts), and those that get neither wait. plan-batch.ts carries the
 * decisions out.
 */
import type { MessageContent } from "../kaleyra/forms";
import type { KaleyraCredentialsInput } from "../kaleyra/request";
import type { ClaimedMessage } from "./claim.server";
import { turnEnd, type ShopperTurn } from "./pacing";
import { messageContentOf } from "./message-content";
import { KEY_UNREADABLE_DETAIL } from "./pause.server";

/** What of a shop decides whether its messages go. */
export interface ShopState {
  installed: boolean;
  enabled: boolean;
  pausedReason: string | null;
  kaleyraSid: string | null;
  apiKeyCipher: string | null;
  businessNumber: string | null;
  pod: string;
}

/** Reads a stored API key: `unreadable` when no configured key decrypts it. */
export type ReadKey = (cipher: string) => { key: string } | { unreadable: boolean };

/** A message that passed its checks, with what it is sent with. */
export interface Ready {
  message: ClaimedMessage;
  creds: KaleyraCredentialsInput;
  content: MessageContent;
}

/** A ready message with its rate slot, and its shopper's turn running from that slot. */
export interface Slotted extends Ready, ShopperTurn {
  /** When it may leave (ms), within its business number's rate limit. */
  slotAt: number;
}

export type Verdict =
  | { kind: "finish"; state: "skipped" | "failed"; reason: string }
  /** The shop is paused: the message waits with it (if it still is when parked). */
  | { kind: "park" }
  /** A setting the shop cannot send without is missing or unreadable: the shop pauses. */
  | { kind: "pause-shop"; detail: string }
  | { kind: "ready"; ready: Ready };

export const SWITCHED_OFF = "sending is switched off for this shop";
export const INCOMPLETE = "message is incomplete";
export const NOT_CONFIGURED = "Kaleyra SID, API key or WhatsApp business number is missing in Settings";

/** Decides one claimed message from its shop's state. */
export function checkMessage(message: ClaimedMessage, shop: ShopState | undefined, readKey: ReadKey): Verdict {
  if (!shop || !shop.installed || !shop.enabled) return { kind: "finish", state: "skipped", reason: SWITCHED_OFF };
  if (shop.pausedReason) return { kind: "park" };
  const content = messageContentOf(message);
  if (!content) return { kind: "finish", state: "failed", reason: INCOMPLETE };
  if (!shop.kaleyraSid || !shop.apiKeyCipher || !shop.businessNumber) return { kind: "pause-shop", detail: NOT_CONFIGURED };
  const read = readKey(shop.apiKeyCipher);
  if (!("key" in read)) return { kind: "pause-shop", detail: read.unreadable ? KEY_UNREADABLE_DETAIL : NOT_CONFIGURED };
  return {
    kind: "ready",
    ready: { message, creds: { sid: shop.kaleyraSid, apiKey: read.key, businessNumber: shop.businessNumber, pod: shop.pod }, content },
  };
}

/** How many slots each business number needs for `ready`, numbers in order of first appearance. */
export function slotDemands(ready: readonly Ready[]): Map<string, number> {
  const demands = new Map<string, number>();
  for (const r of ready) demands.set(r.creds.businessNumber, (demands.get(r.creds.businessNumber) ?? 0) + 1);
  return demands;
}

/**
 * Gives each ready message its number's next reserved slot (in the batch's order) and its
 * shopper's turn from that slot. Messages of a number that got fewer slots than it asked for
 * (the horizon was full) get none. Slotted messages come grouped by number, as demanded.
 */
export function assignSlots(
  ready: readonly Ready[],
  slots: ReadonlyMap<string, readonly number[]>,
  spacingMs: number,
): { slotted: Slotted[]; unslotted: Ready[] } {
  const byNumber = new Map<string, Ready[]>();
  for (const r of ready) byNumber.set(r.creds.businessNumber, [...(byNumber.get(r.creds.businessNumber) ?? []), r]);
  const slotted: Slotted[] = [];
  const unslotted: Ready[] = [];
  for (const [number, group] of byNumber) {
    const times = slots.get(number) ?? [];
    for (const [index, r] of group.entries()) {
      const slotAt = times[index];
      if (slotAt === undefined) unslotted.push(r);
      else slotted.push({ ...r, slotAt, shop: r.message.shopDomain, recipient: r.content.to, until: turnEnd(slotAt, spacingMs) });
    }
  }
  return { slotted, unslotted };
}

/** A message that got no slot is claimed again this long after the batch was planned. */
export const NO_SLOT_RETRY_MS = 1000;
