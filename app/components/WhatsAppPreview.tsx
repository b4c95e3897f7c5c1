import { BlockStack, Box, Divider, Text } from "@shopify/polaris";

/**
 * How the shopper sees an order_status message: the text, then WhatsApp's order card with
 * the status and the description. An approximation for the merchant, not a pixel copy.
 */
export function WhatsAppPreview({
  text,
  statusLabel,
  description,
  problem,
}: {
  text: string;
  statusLabel: string;
  description: string;
  /** Why the template cannot be saved as it is; the preview says so instead of showing a shortened text. */
  problem?: string;
}) {
  if (problem) {
    return (
      <Box background="bg-surface-critical" padding="300" borderRadius="300" borderColor="border-critical" borderWidth="025">
        <div data-testid="preview-text" style={{ overflowWrap: "anywhere" }}>
          <Text as="p" tone="critical">
            No preview: this message cannot be saved or sent as it is. {problem}
          </Text>
        </div>
      </Box>
    );
  }
  return (
    // min-width 0 and breaking anywhere: a long link or description wraps inside the card instead of widening it.
    <Box background="bg-surface-success" padding="300" borderRadius="300" borderColor="border-success" borderWidth="025" minWidth="0">
      <BlockStack gap="200">
        <div style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }} data-testid="preview-text">
          <Text as="p">{text}</Text>
        </div>
        <Divider />
        <BlockStack gap="050">
          <Text as="p" fontWeight="semibold">
            Order status: {statusLabel}
          </Text>
          {description && (
            <div style={{ overflowWrap: "anywhere" }}>
              <Text as="p" tone="subdued">
                <span data-testid="preview-description">{description}</span>
              </Text>
            </div>
          )}
        </BlockStack>
        <Text as="p" alignment="center" tone="success" fontWeight="medium">
          Review order
        </Text>
      </BlockStack>
    </Box>
  );
}
