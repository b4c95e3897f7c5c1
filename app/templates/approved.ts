/**
 * How an approved WhatsApp template is filled: its stored mapping of {{n}} placeholders to
 * the app's variables, the parameters a message is sent with, and the body as the shopper
 * reads it. Pure and without zod: the message planner and the admin's page both use it, and
 * `parseBodyParams` and `templateParamsFor` never throw on what is stored.
 */
import { foldParameter, type TemplateParameters } from "../kaleyra/template-limits";
import { isTemplateVariable, VARIABLE_TOKEN, type TemplateValues } from "./variables";

/** What a parameter becomes when its value is blank: WhatsApp refuses an empty one. */
export const BLANK_PARAMETER = "-";

/** The stored mapping a message is filled from (a WhatsAppTemplate row has these columns). */
export interface TemplateMapping {
  bodyParams: string;
  headerParam: string | null;
  buttonParam: string | null;
}

/** The stored body parameters' variable names; a broken or foreign value reads as none. */
export function parseBodyParams(record: Pick<TemplateMapping, "bodyParams">): string[] {
  try {
    const value: unknown = JSON.parse(record.bodyParams);
    return Array.isArray(value) && value.every((name) => typeof name === "string") ? value : [];
  } catch {
    return [];
  }
}

/** One parameter as WhatsApp takes it: folded onto one line, and never blank. */
function parameterOf(name: string | null | undefined, values: TemplateValues): string {
  const value = name && isTemplateVariable(name) ? values[name] : undefined;
  return foldParameter(value ?? "") || BLANK_PARAMETER;
}

/** The parameters a message is filled with, from the app's values for its order. */
export function templateParamsFor(record: TemplateMapping, values: TemplateValues): TemplateParameters {
  const params: TemplateParameters = { body: parseBodyParams(record).map((name) => parameterOf(name, values)) };
  if (record.headerParam) params.header = parameterOf(record.headerParam, values);
  if (record.buttonParam) params.button = parameterOf(record.buttonParam, values);
  return params;
}

/** The body as the shopper reads it: each mapped {{n}} filled as it would be sent; an unmapped one stays. */
export function previewTemplate(body: string, bodyParams: ReadonlyArray<string | null | undefined>, values: TemplateValues): string {
  return body.replace(VARIABLE_TOKEN, (token, inner: string) => {
    const name = /^\d{1,4}$/.test(inner) ? bodyParams[Number(inner) - 1] : undefined;
    return name ? parameterOf(name, values) : token;
  });
}
