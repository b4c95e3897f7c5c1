/**
 * What a claimed message is sent as, from its stored columns: the seed's interactive
 * order_status, an approved template with the parameters fixed when it was planned, or a
 * text reply. Undefined when a column the form needs is missing (the message is incomplete).
 */
import type { MessageContent } from "../kaleyra/forms";
import { isOrderStatus } from "../kaleyra/statuses";
import type { TemplateMessageInput, TemplateParameters } from "../kaleyra/template-request";
import { refFor } from "../receipts/kaleyra-callback";
import type { ClaimedMessage } from "./claim.server";

function parametersOf(json: string | null): TemplateParameters | undefined {
  if (!json) return undefined;
  try {
    const value = JSON.parse(json) as Partial<TemplateParameters> | null;
    if (!value || !Array.isArray(value.body) || !value.body.every((p) => typeof p === "string")) return undefined;
    const params: TemplateParameters = { body: value.body };
    if (typeof value.header === "string") params.header = value.header;
    if (typeof value.button === "string") params.button = value.button;
    return params;
  } catch {
    return undefined;
  }
}

export function messageContentOf(message: ClaimedMessage): MessageContent | undefined {
  const { recipient, bodyText, referenceId, orderStatus } = message;
  // Kaleyra returns these in its status callbacks: `ref` names the message (app/receipts).
  const refs = { ref: refFor(message.id), ref1: message.orderId, ref2: message.shopDomain };
  if (!recipient) return undefined;
  if (message.form === "text") return bodyText ? { form: "text", to: recipient, text: bodyText, ...refs } : undefined;
  const form = message.form;
  if (form === "template" || form === "order_status_template") {
    const params = parametersOf(message.templateParams);
    if (!params || !message.templateName || !message.templateLanguage) return undefined;
    const template: TemplateMessageInput = { form, to: recipient, name: message.templateName, language: message.templateLanguage, params, ...refs };
    if (form === "template") return template;
    if (!referenceId || !isOrderStatus(orderStatus)) return undefined;
    return { ...template, form, order: { referenceId, status: orderStatus, description: message.description } };
  }
  if (!bodyText || !referenceId || !isOrderStatus(orderStatus)) return undefined;
  return { to: recipient, bodyText, referenceId, status: orderStatus, description: message.description, ...refs };
}
