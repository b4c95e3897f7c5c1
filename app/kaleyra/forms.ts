/**
 * The forms a message can take on Kaleyra's endpoint, and the one place that turns any of
 * them into a request: the client and the admin share it.
 */
import {
  checkOrderStatusInput,
  renderOrderStatusRequest,
  type KaleyraCredentialsInput,
  type KaleyraRequestHeaders,
  type OrderStatusMessageInput,
  type OrderStatusRequestBody,
  type ValidationIssue,
} from "./request";
import {
  checkTemplateInput,
  checkTextInput,
  renderTemplateRequest,
  renderTextRequest,
  type TemplateMessageInput,
  type TemplateRequestBody,
  type TextMessageInput,
  type TextRequestBody,
} from "./template-request";

export const MESSAGE_FORMS = ["interactive", "order_status_template", "template", "text"] as const;
export type MessageForm = (typeof MESSAGE_FORMS)[number];

/** The words the log uses for each form. */
export const FORM_LABEL: Readonly<Record<MessageForm, string>> = {
  interactive: "Interactive order status",
  order_status_template: "Order-status template",
  template: "Approved template",
  text: "Text reply",
};

export function isMessageForm(value: unknown): value is MessageForm {
  return typeof value === "string" && (MESSAGE_FORMS as readonly string[]).includes(value);
}

/** What one send carries: the seed's interactive message (form absent or "interactive"), a template or a text. */
export type MessageContent = (OrderStatusMessageInput & { form?: "interactive" }) | TemplateMessageInput | TextMessageInput;

export type KaleyraRequestBody = OrderStatusRequestBody | TemplateRequestBody | TextRequestBody;

export interface KaleyraRequest {
  url: string;
  headers: KaleyraRequestHeaders;
  body: KaleyraRequestBody;
}

export type PreparedRequest = { ok: true; request: KaleyraRequest } | { ok: false; issues: ValidationIssue[] };

/** The seed's schema is strict: the form marker is not one of its fields. */
function withoutForm(content: unknown): unknown {
  if (!content || typeof content !== "object" || !("form" in content)) return content;
  const { form: _form, ...rest } = content as Record<string, unknown>;
  return rest;
}

/** Validates a message of any form with its credentials and renders its request, or names every problem. */
export function prepareRequest(creds: KaleyraCredentialsInput, content: MessageContent, options: { baseUrl?: string } = {}): PreparedRequest {
  const form = (content as { form?: unknown } | null | undefined)?.form;
  if (form === "template" || form === "order_status_template") {
    const checked = checkTemplateInput(creds, content as TemplateMessageInput);
    return checked.ok ? { ok: true, request: renderTemplateRequest(checked.creds, checked.message, options) } : checked;
  }
  if (form === "text") {
    const checked = checkTextInput(creds, content as TextMessageInput);
    return checked.ok ? { ok: true, request: renderTextRequest(checked.creds, checked.message, options) } : checked;
  }
  const checked = checkOrderStatusInput(creds, withoutForm(content));
  return checked.ok ? { ok: true, request: renderOrderStatusRequest(checked.creds, checked.message, options) } : checked;
}
