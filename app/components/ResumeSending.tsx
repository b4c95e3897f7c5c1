import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, InlineStack, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import type { FieldErrors } from "../admin/form-data";
import type { TestSendReport } from "../admin/settings-options";
import { TestSendReportBanner } from "./TestSendReport";
import { useToast } from "./useToast";

export type RecheckAnswer =
  | { ok: true; intent: "recheck"; report: TestSendReport; resumedMessages: number; paused: boolean }
  | { ok: false; intent: "recheck"; errors: FieldErrors };

/**
 * "Resume sending" for a shop Kaleyra paused over its credentials or number: a test message
 * to the merchant's own WhatsApp checks the saved settings (Kaleyra has no check that sends
 * nothing); when Kaleyra accepts it the waiting messages go out. Posts to Home's action, so
 * Home and Settings offer the very same thing.
 */
export function ResumeSending({ id }: { id: string }) {
  const fetcher = useFetcher<RecheckAnswer>();
  const toast = useToast();
  const [to, setTo] = useState("");
  const answer = fetcher.state === "idle" ? fetcher.data : undefined;
  const errors: FieldErrors = answer && !answer.ok ? answer.errors : {};
  const report = answer?.ok ? answer : undefined;

  useEffect(() => {
    if (!answer) return;
    if (answer.ok && answer.report.ok) toast("Sending resumed");
    else toast("Sending is still paused", { isError: true });
  }, [answer, toast]);

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
      {report && <ResumeResult answer={report} />}
    </BlockStack>
    </fetcher.Form>
  );
}

function ResumeResult({ answer }: { answer: Extract<RecheckAnswer, { ok: true }> }) {
  if (answer.report.ok) {
    const waiting = answer.resumedMessages === 1 ? "1 waiting message is" : `${answer.resumedMessages} waiting messages are`;
    return (
      <Banner tone="success" title="Sending resumed">
        <Text as="p">
          Kaleyra accepted the test message, so your settings work. {waiting} being sent now.
        </Text>
      </Banner>
    );
  }
  return (
    <BlockStack gap="100">
      <Text as="p" fontWeight="semibold">
        Sending is still paused: the check did not pass.
      </Text>
      <TestSendReportBanner report={answer.report} />
    </BlockStack>
  );
}
