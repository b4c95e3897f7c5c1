/**
 * What the Templates page computes while the merchant types: field names, the live checks
 * (the same validator the server applies) and the preview with the sample order. No zod
 * here, so the browser bundle stays small; the form's schema is in templates.ts.
 */
import type { OrderStatus } from "../kaleyra/statuses";
import type { MessageTemplate } from "../templates/defaults";
import { renderMessage, type RenderedMessage } from "../templates/render";
import { validateTemplate } from "../templates/validate";
import { SAMPLE_VALUES } from "../templates/variables";
import type { FieldErrors } from "./form-data";

export interface TemplateInput extends MessageTemplate {
  enabled: boolean;
}

export type TemplatesInput = Record<OrderStatus, TemplateInput>;

/** Browsers post a textarea's line breaks as CRLF; templates store LF. */
export function normaliseLineBreaks(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}

/** The form field a template part is posted as: `shipped.body`. */
export function templateFieldName(status: OrderStatus, part: keyof TemplateInput): string {
  return `${status}.${part}`;
}

/** The live preview: the template filled with the sample order, under the shop's own name. */
export function previewTemplate(template: MessageTemplate, shopName: string): RenderedMessage {
  return renderMessage(template, { ...SAMPLE_VALUES, shop_name: shopName });
}

/** Field errors of one status as the page shows them while the merchant types. */
export function liveTemplateErrors(status: OrderStatus, template: MessageTemplate): FieldErrors {
  const errors: FieldErrors = {};
  for (const error of validateTemplate(template).errors) {
    errors[templateFieldName(status, error.field)] ??= error.message;
  }
  return errors;
}
