/**
 * What Meta decides after Kaleyra has accepted a message (202): whether the template exists,
 * is active and gets the parameters it expects, and whether a free-form message falls inside
 * the shopper's 24-hour customer-service window. A refusal reaches the app only as a
 * `failed` status callback, as on the real platform.
 */
import { z } from "zod";
import type { CallbackFailure } from "./callbacks";

/** An approved template of the account, as Meta knows it. */
export const sandboxTemplateSchema = z.strictObject({
  name: z.string().min(1),
  /** Meta's language code, e.g. "en" or "en_US". */
  language: z.string().min(1),
  /** How many `{{n}}` the body holds. */
  bodyParams: z.number().int().min(0),
  /** The header holds one text parameter. */
  header: z.boolean().optional(),
  /** The first button takes a parameter: a URL suffix, or the order-status update. */
  button: z.enum(["url", "order_status"]).optional(),
  /** Absent = approved. */
  status: z.enum(["approved", "paused", "disabled"]).optional(),
});
export type SandboxTemplate = z.infer<typeof sandboxTemplateSchema>;

export const WINDOW_MS = 24 * 60 * 60 * 1000;

/** Details as Meta's error_data carries them; titles come from the callbacks' table. */
const fail = (code: number, message?: string): CallbackFailure => ({ code, ...(message ? { message } : {}) });

interface SentTemplate {
  name: string;
  language: string;
  components: Array<{ type: string; sub_type?: string; parameters: unknown[] }>;
}

/** Why Meta would refuse this template send (a payload that passed the check), or undefined when it is delivered. */
export function templateVerdict(templates: SandboxTemplate[], raw: unknown): CallbackFailure | undefined {
  const sent = raw as { name: string; language: { code: string }; components?: SentTemplate["components"] };
  const template = templates.find((t) => t.name === sent.name && t.language === sent.language.code);
  if (!template) return fail(132001, `template name (${sent.name}) does not exist in ${sent.language.code}`);
  if (template.status === "paused") return fail(132015);
  if (template.status === "disabled") return fail(132016);
  const mismatch = parameterMismatch(template, sent.components ?? []);
  return mismatch ? fail(132000, mismatch) : undefined;
}

function parameterMismatch(template: SandboxTemplate, components: SentTemplate["components"]): string | undefined {
  const count = (type: string) => components.find((c) => c.type === type)?.parameters.length ?? 0;
  const expected = { header: template.header ? 1 : 0, body: template.bodyParams, button: template.button ? 1 : 0 };
  for (const type of ["header", "body", "button"] as const) {
    if (count(type) !== expected[type]) return `${type}: expected ${expected[type]} parameters, received ${count(type)}`;
  }
  const subType = components.find((c) => c.type === "button")?.sub_type;
  if (template.button && subType !== template.button) return `button: expected a ${template.button} parameter, received ${subType}`;
  return undefined;
}

/** True when the shopper wrote within the last 24 hours of `nowMs`. */
export function windowOpen(lastInboundMs: number | undefined, nowMs: number): boolean {
  return lastInboundMs !== undefined && nowMs - lastInboundMs < WINDOW_MS;
}

export const OUTSIDE_WINDOW: CallbackFailure = { code: 131047 };
