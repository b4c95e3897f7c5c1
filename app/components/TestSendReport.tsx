import { Banner, BlockStack, Text } from "@shopify/polaris";
import type { TestSendReport } from "../admin/settings-options";

/** Kaleyra's answer to a test send, inline: its code, what it means and what to do. */
export function TestSendReportBanner({ report }: { report: TestSendReport }) {
  const code = report.code ?? (report.httpStatus ? `HTTP ${report.httpStatus}` : "No answer code");
  return (
    <Banner tone={report.ok ? "success" : "critical"} title={`${code}: ${report.title}`}>
      <BlockStack gap="100">
        <Text as="p">{report.explanation}</Text>
        <Text as="p">{report.action}</Text>
        {report.detail && (
          <Text as="p" tone="subdued">
            Kaleyra said: {report.detail}
          </Text>
        )}
        {report.messageId && (
          <Text as="p" tone="subdued">
            Kaleyra message id: {report.messageId}
          </Text>
        )}
      </BlockStack>
    </Banner>
  );
}
