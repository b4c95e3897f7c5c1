import { Badge, BlockStack, Box, Card, InlineStack, Link, ProgressBar, Text } from "@shopify/polaris";
import type { ChecklistItem } from "../admin/dashboard";

export function SetupChecklist({ items }: { items: ChecklistItem[] }) {
  const done = items.filter((item) => item.done).length;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Setup
          </Text>
          <Text as="span" tone="subdued">
            {done} of {items.length} done
          </Text>
        </InlineStack>
        <ProgressBar progress={(done / items.length) * 100} size="small" tone="success" ariaLabelledBy="setup-progress" />
        <span id="setup-progress" hidden>
          Setup progress
        </span>
        <BlockStack gap="200" as="ul">
          {items.map((item) => (
            <Box as="li" key={item.id} padding="200" borderRadius="200" background={item.done ? undefined : "bg-surface-secondary"}>
              <InlineStack align="space-between" blockAlign="center" gap="300">
                <div style={{ flex: "1 1 16rem", minWidth: 0 }}>
                <BlockStack gap="050">
                  <Text as="p" fontWeight="semibold">
                    {item.label}
                  </Text>
                  <Text as="p" tone="subdued">
                    {item.detail}
                  </Text>
                </BlockStack>
                </div>
                <InlineStack gap="200" blockAlign="center" wrap={false}>
                  {item.done ? <Badge tone="success">Done</Badge> : <Badge tone="attention">To do</Badge>}
                  {!item.done && (
                    <Link url={item.url} accessibilityLabel={`Open: ${item.label}`}>
                      Open
                    </Link>
                  )}
                </InlineStack>
              </InlineStack>
            </Box>
          ))}
        </BlockStack>
      </BlockStack>
    </Card>
  );
}
