/**
 * A shopper writing to the business number: the sandbox posts it to the number's "Incoming
 * URL" as Kaleyra's v2 numbers do, Meta's webhook value under `meta_object` (the same wrapping
 * as the status callbacks), and the message opens the shopper's 24-hour window.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";

export const inboundRequestSchema = z
  .strictObject({
    /** Picks the account; with several numbers, `number` picks the number (else the first). */
    sid: z.string().min(1).optional(),
    /** The business number written to (E.164); alone, it picks the account that owns it. */
    number: z.string().min(1).optional(),
    from: z.string().regex(/^\+[1-9]\d{6,14}$/, "an E.164 number"),
    text: z.string().min(1),
    /** When the shopper wrote; absent = now. An old time makes a closed window. */
    at: z.iso.datetime({ offset: true }).optional(),
    name: z.string().min(1).optional(),
  })
  .refine((r) => r.sid !== undefined || r.number !== undefined, { message: "sid or number is required" });
export type InboundRequest = z.input<typeof inboundRequestSchema>;

export interface InboundPost {
  sid: string;
  businessNumber: string;
  from: string;
  /** When the shopper wrote (ISO). */
  at: string;
  /** The body posted to the Incoming URL. */
  body: Record<string, unknown>;
  /** The app's last answer, or the last network error; no profile: attempts 0. */
  httpStatus?: number;
  error?: string;
  attempts: number;
  postedAt: string;
}

const digits = (e164: string) => e164.replace(/^\+/, "");

/** A numeric id that stays the same for the same input, like Meta's phone-number and WABA ids. */
function stableId(seed: string): string {
  return `10${BigInt(`0x${createHash("sha256").update(seed).digest("hex").slice(0, 12)}`).toString().padStart(13, "0").slice(0, 13)}`;
}

/** Kaleyra's inbound post for one text message from the shopper. */
export function inboundBody(input: { sid: string; businessNumber: string; from: string; text: string; atMs: number; name?: string }): Record<string, unknown> {
  const from = digits(input.from);
  return {
    meta_object: {
      value: {
        messaging_product: "whatsapp",
        metadata: { display_phone_number: digits(input.businessNumber), phone_number_id: stableId(`phone:${input.businessNumber}`) },
        contacts: [{ profile: { name: input.name ?? "Shopper" }, wa_id: from }],
        messages: [
          {
            from,
            id: `wamid.${randomBytes(24).toString("base64")}`,
            timestamp: String(Math.floor(input.atMs / 1000)),
            type: "text",
            text: { body: input.text },
          },
        ],
      },
      field: "messages",
    },
    extra_info: { waba_id: stableId(`waba:${input.sid}`), trace_id: randomUUID() },
  };
}
