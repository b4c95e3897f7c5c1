/**
 * WhatsApp's customer-service window: a shopper who wrote to the business number may be sent
 * any message (the interactive order_status included) for 24 hours after their message.
 */
export const WINDOW_MS = 24 * 3_600_000;

export interface InboundFacts {
  lastInboundAt: Date | null;
  inboundNumber: string | null;
}

/** Open when the shopper wrote to this business number less than 24 hours before `now`. */
export function windowOpen(shopper: InboundFacts | undefined, businessNumber: string | null, now: Date): boolean {
  if (!shopper?.lastInboundAt) return false;
  if (businessNumber && shopper.inboundNumber && shopper.inboundNumber !== businessNumber) return false;
  const age = now.getTime() - shopper.lastInboundAt.getTime();
  return age >= -60_000 && age < WINDOW_MS;
}
