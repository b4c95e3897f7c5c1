/**
 * Renders a shop's template into the message text and description, always within Kaleyra's
 * limits (LIMITS.bodyText, LIMITS.description, counted in graphemes).
 *
 * Rules, in order:
 * 1. Values: a missing/null value is empty; line breaks and tabs inside a value become
 *    spaces (a value must not create or break lines); values are trimmed. Values are
 *    substituted in one pass, so a value that looks like "{{order_name}}" stays literal.
 * 2. Optional lines: a line with variables that all render empty is dropped (a line without
 *    variables always stays). A line with some empty variables is tidied: repeated spaces
 *    and spaces before punctuation are removed. If dropping would leave no text at all, the
 *    lines are kept with empty values instead. After dropping, runs of blank lines shrink to one.
 * 3. Length: if the result is too long, the longest values are shortened first (all values
 *    are capped at the largest length that fits, ending in "…"); only if the text is still
 *    too long with every value at one character is the text itself cut, ending in "…".
 *    Graphemes are never split.
 */
import { LIMITS, truncateVisible, visibleLength } from "../kaleyra/limits";
import { latestSuccessfulFulfillment, type OrderKnowledge } from "../orders/knowledge";
import type { MessageTemplate } from "./defaults";
import { TEMPLATE_VARIABLE_NAMES, VARIABLE_TOKEN, type TemplateValues, type TemplateVariable } from "./variables";

export interface RenderedMessage {
  /** `interactive.body.text` */
  text: string;
  /** `order.description` */
  description: string;
}

const ELLIPSIS = "…";

export function renderMessage(template: MessageTemplate, values: TemplateValues): RenderedMessage {
  return {
    text: renderWithin(template.body, values, LIMITS.bodyText),
    description: renderWithin(template.description, values, LIMITS.description),
  };
}

/** Renders one template field so that its visible length is at most `limit`. */
export function renderWithin(template: string, values: TemplateValues, limit: number): string {
  const source = template.replace(/\r\n?/g, "\n");
  const cleaned = cleanValues(values, limit);
  const fill = (cap: number) => substitute(source, (name) => shorten(cleaned.get(name), cap));

  const full = fill(Number.POSITIVE_INFINITY);
  if (visibleLength(full) <= limit) return full;

  // Largest cap that fits; the rendered length grows with the cap, so a binary search works.
  let low = 1;
  let high = Math.max(0, ...[...cleaned.values()].map((v) => v.length)) - 1;
  let best: string | null = null;
  while (low <= high) {
    const cap = Math.floor((low + high) / 2);
    const text = fill(cap);
    if (visibleLength(text) <= limit) {
      best = text;
      low = cap + 1;
    } else {
      high = cap - 1;
    }
  }
  return best ?? cut(fill(1), limit);
}

/**
 * Values for an order: tracking comes from the given fulfillment (the one a message is
 * about), else from the latest successful fulfillment.
 */
export function templateValuesFor(
  knowledge: OrderKnowledge,
  context: { shopName: string; fulfillmentId?: string },
): Record<TemplateVariable, string> {
  const chosen = context.fulfillmentId !== undefined ? knowledge.fulfillments[context.fulfillmentId] : undefined;
  const fulfillment = chosen ?? latestSuccessfulFulfillment(knowledge);
  return {
    customer_first_name: knowledge.contact.customerFirstName ?? "",
    order_name: knowledge.orderName ?? "",
    shop_name: context.shopName,
    tracking_company: fulfillment?.trackingCompany ?? "",
    tracking_number: fulfillment?.trackingNumber ?? "",
    tracking_url: fulfillment?.trackingUrl ?? "",
    order_status_url: knowledge.orderStatusUrl ?? "",
  };
}

// ---------------------------------------------------------------------------------------

interface CleanValue {
  text: string;
  length: number;
}

function cleanValues(values: TemplateValues, limit: number): Map<string, CleanValue> {
  const out = new Map<string, CleanValue>();
  for (const name of TEMPLATE_VARIABLE_NAMES) {
    const raw = values[name];
    const flat = typeof raw === "string" ? raw.replace(/[\r\n\t\v\f\u0085\u2028\u2029]+/g, " ").trim() : "";
    // A value longer than the limit can never fit whole: cutting it to limit + 1 first keeps
    // the result the same and the work small (a value may be megabytes long).
    const text = truncateVisible(flat, limit + 1);
    out.set(name, { text, length: visibleLength(text) });
  }
  return out;
}

function shorten(value: CleanValue | undefined, cap: number): string {
  if (value === undefined) return ""; // unknown variable: validation refuses it; render it empty
  if (value.length <= cap) return value.text;
  return truncateVisible(value.text, cap - 1).trimEnd() + ELLIPSIS;
}

function substitute(source: string, valueOf: (name: string) => string): string {
  const lines = source.split("\n");
  const withEmpties: string[] = [];
  const kept: string[] = [];
  for (const line of lines) {
    let used = 0;
    let empty = 0;
    const rendered = line.replace(VARIABLE_TOKEN, (_token, name: string) => {
      used += 1;
      const value = valueOf(name);
      if (value === "") empty += 1;
      return value;
    });
    const text = empty > 0 ? tidy(rendered) : rendered;
    withEmpties.push(text);
    if (used === 0 || empty < used) kept.push(text);
  }
  if (kept.length === lines.length) return kept.join("\n");
  if (kept.join("").trim() === "") return withEmpties.join("\n");
  return kept
    .join("\n")
    .replace(/\n(?:[ \t]*\n){2,}/g, "\n\n")
    .replace(/^(?:[ \t]*\n)+/, "")
    .replace(/(?:\n[ \t]*)+$/, "");
}

/** Removes what an empty value leaves behind: double spaces, a space before punctuation. */
function tidy(line: string): string {
  return line
    .replace(/ {2,}/g, " ")
    .replace(/ +([,.!?;:)])/g, "$1")
    .trim();
}

function cut(text: string, limit: number): string {
  if (visibleLength(text) <= limit) return text;
  return truncateVisible(text, limit - 1).trimEnd() + ELLIPSIS;
}
