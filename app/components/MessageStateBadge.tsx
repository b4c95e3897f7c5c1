import { Badge } from "@shopify/polaris";
import { DELIVERY_STATE_LABEL, MESSAGE_STATE_LABEL } from "../admin/message-states";

type Tone = "success" | "critical" | "info" | "warning" | undefined;

const TONE: Readonly<Record<string, Tone>> = {
  sent: "success",
  failed: "critical",
  queued: "info",
  sending: "info",
  paused: "warning",
  skipped: undefined,
};

/** Once Kaleyra took a message, what its status callbacks said is the truer word. */
const DELIVERED = new Set(["sent", "delivered", "read"]);

export function MessageStateBadge({ state, deliveryState }: { state: string; deliveryState?: string | null }) {
  if (state === "sent" && deliveryState && DELIVERED.has(deliveryState)) {
    return <Badge tone="success">{DELIVERY_STATE_LABEL[deliveryState]}</Badge>;
  }
  return <Badge tone={TONE[state]}>{MESSAGE_STATE_LABEL[state] ?? state}</Badge>;
}
