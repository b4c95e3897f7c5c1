import { BlockStack, Box, Divider, Text } from "@shopify/polaris";

/**
 * How the shopper sees an order_status message: the text, then WhatsApp's order card with
 * the status and the description. An approximation for the merchant, not a pixel copy.
 */
export function WhatsAppPreview({ text, statusLabel, description }: { text: string; statusLabel: string; description: string }) {
  return (
    <Box background="bg-surface-success" padding="300" borderRadius="300" borderColor="border-success" borderWidth="025">
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
            <Text as="p" tone="subdued">
              <span data-testid="preview-description">{description}</span>
            </Text>
          )}
        </BlockStack>
        <Text as="p" alignment="center" tone="success" fontWeight="medium">
          Review order
        </Text>
      </BlockStack>
    </Box>
  );
}
