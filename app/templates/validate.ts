/**
 * Checks a shop's template before it is saved. Errors are named by field so that the admin
 * form can show each next to its input.
 */
import { fits, LIMITS } from "../kaleyra/limits";
import type { MessageTemplate } from "./defaults";
import { tooLongText } from "./length-words";
import { TEMPLATE_VARIABLE_NAMES, VARIABLE_TOKEN, isTemplateVariable, variablesIn } from "./variables";

export type TemplateField = keyof MessageTemplate;

export interface TemplateFieldError {
  field: TemplateField;
  message: string;
}

export type TemplateValidation = { ok: true; errors: [] } | { ok: false; errors: TemplateFieldError[] };

const KNOWN_LIST = TEMPLATE_VARIABLE_NAMES.map((name) => `{{${name}}}`).join(", ");

export function validateTemplate(template: MessageTemplate): TemplateValidation {
  const errors: TemplateFieldError[] = [];
  const body = typeof template.body === "string" ? template.body : "";
  const description = typeof template.description === "string" ? template.description : "";

  if (body.trim() === "") {
    errors.push({ field: "body", message: "The message body is empty. Write the text the shopper will receive." });
  } else if (!/[^\s\p{P}]/u.test(body.replace(VARIABLE_TOKEN, ""))) {
    // A body made only of variables renders empty when they are, and Kaleyra requires a body.
    errors.push({ field: "body", message: "Add some text besides the variables, so that the message is never empty." });
  }
  errors.push(...variableErrors("body", body));
  errors.push(...lengthErrors("body", body, LIMITS.bodyText, "The body"));

  errors.push(...variableErrors("description", description));
  errors.push(...lengthErrors("description", description, LIMITS.description, "The description"));

  return errors.length === 0 ? { ok: true, errors: [] } : { ok: false, errors };
}

function variableErrors(field: TemplateField, text: string): TemplateFieldError[] {
  const errors: TemplateFieldError[] = [];
  const unknown = [...new Set(variablesIn(text).map((v) => v.name).filter((name) => !isTemplateVariable(name)))];
  if (unknown.length > 0) {
    const named = unknown.map((name) => `{{${name}}}${suggestion(name)}`).join(", ");
    errors.push({
      field,
      message: `Unknown variable${unknown.length > 1 ? "s" : ""} ${named}. Use one of: ${KNOWN_LIST}.`,
    });
  }
  const leftover = text.replace(VARIABLE_TOKEN, "");
  if (leftover.includes("{{") || leftover.includes("}}")) {
    errors.push({
      field,
      message: "A variable is not written correctly: write variables with double braces, like {{order_name}}.",
    });
  }
  return errors;
}

/** "did you mean" for a name that only differs in case, spaces or dashes. */
function suggestion(name: string): string {
  const squashed = name.toLowerCase().replace(/[\s-]+/g, "_");
  return isTemplateVariable(squashed) ? ` (did you mean {{${squashed}}}?)` : "";
}

function lengthErrors(field: TemplateField, text: string, limit: number, label: string): TemplateFieldError[] {
  if (fits(text, limit)) return [];
  return [{ field, message: tooLongText(label, text, limit) }];
}
