/**
 * The variables a shop may use in its order-status templates: one list, with the label and
 * sample value the admin UI shows and uses for its live preview.
 *
 * Syntax: `{{name}}`, spaces inside the braces allowed (`{{ order_name }}`).
 */

export const TEMPLATE_VARIABLES = [
  { name: "customer_first_name", label: "Customer first name", sample: "Priya" },
  { name: "order_name", label: "Order name", sample: "#1001" },
  { name: "shop_name", label: "Shop name", sample: "Sunrise Ceramics" },
  { name: "tracking_company", label: "Carrier", sample: "Blue Dart" },
  { name: "tracking_number", label: "Tracking number", sample: "BD123456789IN" },
  { name: "tracking_url", label: "Tracking link", sample: "https://bluedart.com/track?awb=BD123456789IN", link: true },
  {
    name: "order_status_url",
    label: "Order status page",
    sample: "https://sunrise-ceramics.myshopify.com/orders/abc123/authenticate?key=xyz",
    link: true,
  },
] as const;

export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number]["name"];

export const TEMPLATE_VARIABLE_NAMES: readonly TemplateVariable[] = TEMPLATE_VARIABLES.map((v) => v.name);

/** Variables whose value is a link: never shortened, since a cut link leads nowhere. */
export const LINK_VARIABLE_NAMES: readonly TemplateVariable[] = TEMPLATE_VARIABLES.filter((v) => "link" in v).map((v) => v.name);

export function isLinkVariable(name: string): boolean {
  return (LINK_VARIABLE_NAMES as readonly string[]).includes(name);
}

/** Values to render with; a missing, null or blank value renders as empty. */
export type TemplateValues = Partial<Record<TemplateVariable, string | null | undefined>>;

/** A sample order for the editor's live preview. */
export const SAMPLE_VALUES: Readonly<Record<TemplateVariable, string>> = Object.fromEntries(
  TEMPLATE_VARIABLES.map((v) => [v.name, v.sample]),
) as Record<TemplateVariable, string>;

export function isTemplateVariable(name: string): name is TemplateVariable {
  return (TEMPLATE_VARIABLE_NAMES as readonly string[]).includes(name);
}

/**
 * `{{ name }}`: anything but braces between the double braces; the name is trimmed.
 * Global: use it with replace / matchAll (which reset or copy lastIndex), not with test().
 */
export const VARIABLE_TOKEN = /\{\{\s*([^{}]*?)\s*\}\}/g;

export interface VariableUse {
  /** The text as written, e.g. "{{ order_name }}". */
  token: string;
  /** The trimmed name, e.g. "order_name"; may be unknown. */
  name: string;
}

export function variablesIn(text: string): VariableUse[] {
  return [...text.matchAll(VARIABLE_TOKEN)].map((m) => ({ token: m[0], name: m[1] ?? "" }));
}
