import { BlockStack, Button, Card, Checkbox, InlineGrid, InlineStack, Text, TextField } from "@shopify/polaris";
import { useRef } from "react";
import type { TemplateInput } from "../admin/template-editing";
import { previewTemplate } from "../admin/template-editing";
import { LIMITS } from "../kaleyra/limits";
import { counterText } from "../templates/length-words";
import { TEMPLATE_VARIABLES } from "../templates/variables";
import { WhatsAppPreview } from "./WhatsAppPreview";

type TextPart = "body" | "description";

export interface TemplateEditorProps {
  status: string;
  label: string;
  value: TemplateInput;
  errors: { body?: string; description?: string };
  shopName: string;
  onChange: (value: TemplateInput) => void;
  onReset: () => void;
}

/** One status's template: switch, text with variables, description, counters and live preview. */
export function TemplateEditor({ status, label, value, errors, shopName, onChange, onReset }: TemplateEditorProps) {
  // Variables go where the merchant was last typing: the text or the description.
  const lastPart = useRef<TextPart>("body");
  const preview = previewTemplate(value, shopName);

  const insert = (token: string) => {
    const part = lastPart.current;
    const element = document.getElementById(`${status}-${part}`) as HTMLInputElement | HTMLTextAreaElement | null;
    const text = value[part];
    const start = element?.selectionStart ?? text.length;
    const end = element?.selectionEnd ?? start;
    onChange({ ...value, [part]: text.slice(0, start) + token + text.slice(end) });
    requestAnimationFrame(() => {
      element?.focus();
      element?.setSelectionRange(start + token.length, start + token.length);
    });
  };

  return (
    <div id={`template-${status}`}>
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {label}
          </Text>
          <Button variant="plain" onClick={onReset} accessibilityLabel={`Reset the ${label} message to the default`}>
            Reset to default
          </Button>
        </InlineStack>
        <Checkbox
          label={`Send the “${label}” update`}
          checked={value.enabled}
          onChange={(enabled) => onChange({ ...value, enabled })}
        />
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          <BlockStack gap="300">
            <TextField
              id={`${status}-body`}
              label="Message text"
              name={`${status}.body`}
              multiline={6}
              autoComplete="off"
              value={value.body}
              onChange={(body) => onChange({ ...value, body })}
              onFocus={() => (lastPart.current = "body")}
              helpText={counterText(value.body, LIMITS.bodyText)}
              error={errors.body}
            />
            <BlockStack gap="100">
              <Text as="p" tone="subdued">
                Insert a variable:
              </Text>
              <InlineStack gap="100">
                {TEMPLATE_VARIABLES.map((variable) => (
                  <Button
                    key={variable.name}
                    size="slim"
                    onClick={() => insert(`{{${variable.name}}}`)}
                    accessibilityLabel={`Insert ${variable.label} ({{${variable.name}}})`}
                  >
                    {`{{${variable.name}}}`}
                  </Button>
                ))}
              </InlineStack>
            </BlockStack>
            <TextField
              id={`${status}-description`}
              label="Order description"
              name={`${status}.description`}
              autoComplete="off"
              value={value.description}
              onChange={(description) => onChange({ ...value, description })}
              onFocus={() => (lastPart.current = "description")}
              helpText={counterText(value.description, LIMITS.description)}
              error={errors.description}
            />
          </BlockStack>
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              Preview with a sample order
            </Text>
            <div data-testid={`preview-${status}`}>
              <WhatsAppPreview
                text={preview.text}
                statusLabel={label}
                description={preview.description}
                problem={errors.body ?? errors.description}
              />
            </div>
          </BlockStack>
        </InlineGrid>
      </BlockStack>
    </Card>
    </div>
  );
}
