import { useFetcher, type FetcherWithComponents } from "@remix-run/react";
import { Banner, BlockStack, Button, InlineStack, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import type { FieldErrors } from "../admin/form-data";
import type { TestSendReport } from "../admin/settings-options";
import { TestSendReportBanner } from "./TestSendReport";
import { useToast } from "./useToast";

export type RecheckAnswer =
  | { ok: true; intent: "recheck"; report: TestSendReport; resumedMessages: number }
  | { ok: false; intent: "recheck"; errors: FieldErrors };

export type RecheckFetcher = FetcherWithComponents<RecheckAnswer>;

/**
 * "Resume sending" for a shop Kaleyra paused over its credentials or number: a test message
 * to the merchant's own WhatsApp checks the saved settings (Kaleyra has no check that sends
 * nothing); when Kaleyra accepts it the waiting messages go out. Posts to Home's action, so
 * Home and Settings offer the very same thing.
 *
 * The page holds the fetcher: a successful check lifts the pause, the page reloads without
 * the paused banner (and the form in it), and the page still shows what happened.
 */
export function useRecheck(): RecheckFetcher {
  const fetcher = useFetcher<RecheckAnswer>();
  const toast = useToast();
  const answer = fetcher.state === "idle" ? fetcher.data : undefined;
  useEffect(() => {
    if (!answer) return;
    if (answer.ok && answer.report.ok) toast("Sending resumed");
    else toast("Sending is still paused", { isError: true });
  }, [answer, toast]);
  return fetcher;
}

function answerOf(fetcher: RecheckFetcher): RecheckAnswer | undefined {
  return fetcher.state === "idle" ? fetcher.data : undefined;
}

export function ResumeSendingForm({ id, fetcher }: { id: string; fetcher: RecheckFetcher }) {
  const [to, setTo] = useState("");
  const answer = answerOf(fetcher);
  const errors: FieldErrors = answer && !answer.ok ? answer.errors : {};
  const failed = answer?.ok && !answer.report.ok ? answer.report : undefined;
  return (
    <fetcher.Form method="post" action="/app?index">
      <input type="hidden" name="intent" value="recheck" />
      <BlockStack gap="200">
        <InlineStack gap="200" blockAlign="end" wrap>
          <div style={{ flex: "1 1 220px" }}>
            <TextField
              id={`${id}-to`}
              name="to"
              label="Your WhatsApp number"
              type="tel"
              autoComplete="tel"
              value={to}
              onChange={setTo}
              helpText="A test message goes to this number to check your settings with Kaleyra."
              error={errors.to ?? errors.form}
            />
          </div>
          <Button variant="primary" submit loading={fetcher.state !== "idle"}>
            Resume sending
          </Button>
        </InlineStack>
        {failed && (
          <BlockStack gap="100">
            <Text as="p" fontWeight="semibold">
              Sending is still paused: the check did not pass.
            </Text>
            <TestSendReportBanner report={failed} />
          </BlockStack>
        )}
      </BlockStack>
    </fetcher.Form>
  );
}

/** After a successful Resume sending: what it did. */
export function ResumedBanner({ fetcher }: { fetcher: RecheckFetcher }) {
  const answer = answerOf(fetcher);
  if (!answer?.ok || !answer.report.ok) return null;
  const waiting = answer.resumedMessages === 1 ? "1 waiting message is" : `${answer.resumedMessages} waiting messages are`;
  return (
    <Banner tone="success" title="Sending resumed">
      <Text as="p">Kaleyra accepted the test message, so your settings work. {waiting} being sent now.</Text>
    </Banner>
  );
}
