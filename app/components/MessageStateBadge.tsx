import { Badge } from "@shopify/polaris";
import { MESSAGE_STATE_LABEL } from "../admin/message-states";

type Tone = "success" | "critical" | "info" | "warning" | undefined;

const TONE: Readonly<Record<string, Tone>> = {
  sent: "success",
  failed: "critical",
  queued: "info",
  sending: "info",
  paused: "warning",
  skipped: undefined,
};

export function MessageStateBadge({ state }: { state: string }) {
  return <Badge tone={TONE[state]}>{MESSAGE_STATE_LABEL[state] ?? state}</Badge>;
}
