/**
 * Renders a shop's template into the message text and description, always within Kaleyra's
 * limits (LIMITS.bodyText, LIMITS.description), counted the strict way (kaleyra/limits.ts:
 * graphemes, code points and UTF-16 units).
 *
 * Rules, in order:
 * 1. Values: a missing/null value is empty; line breaks and tabs inside a value become
 *    spaces (a value must not create or break lines); values are trimmed. Values are
 *    substituted in one pass, so a value that looks like "{{order_name}}" stays literal.
 * 2. Optional lines: a line with variables that all render empty is dropped (a line without
 *    variables always stays). A line with some empty variables is tidied: repeated spaces
 *    and spaces before punctuation are removed. If dropping would leave no text at all, the
 *    lines are kept with empty values instead. After dropping, runs of blank lines shrink to one.
 * 3. Length: if the result is too long, the longest values other than links are shortened
 *    first (all capped at the largest length that fits, ending in "…"). Links
 *    (`tracking_url`, `order_status_url`) are never shortened: a cut link leads nowhere. If
 *    the text cannot fit with its links whole, the line holding the longest link is dropped
 *    whole, then the next, and the link is returned in `omittedLinks` for the message log.
 *    Only if the text is still too long with every value at one character is the text
 *    itself cut, ending in "…", before any link the template itself holds.
 *    Graphemes are never split.
 */
import { fits, LIMITS, strictLength, truncateToFit } from "../kaleyra/limits";
import { latestSuccessfulFulfillment, type OrderKnowledge } from "../orders/knowledge";
import type { MessageTemplate } from "./defaults";
import {
  isLinkVariable,
  TEMPLATE_VARIABLE_NAMES,
  VARIABLE_TOKEN,
  type TemplateValues,
  type TemplateVariable,
} from "./variables";

export interface RenderedMessage {
  /** `interactive.body.text` */
  text: string;
  /** `order.description` */
  description: string;
  /** Links whose line was dropped to fit the limits: not in the message, kept for the log. */
  omittedLinks: string[];
}

export interface RenderedField {
  text: string;
  omittedLinks: string[];
}

const ELLIPSIS = "\u2026";
const URL_IN_TEXT = /https?:\/\/\S+/gi;

export function renderMessage(template: MessageTemplate, values: TemplateValues): RenderedMessage {
  const body = renderField(template.body, values, LIMITS.bodyText);
  const description = renderField(template.description, values, LIMITS.description);
  return {
    text: body.text,
    description: description.text,
    omittedLinks: [...new Set([...body.omittedLinks, ...description.omittedLinks])],
  };
}

/** Renders one template field so that it fits `limit`. */
export function renderWithin(template: string, values: TemplateValues, limit: number): string {
  return renderField(template, values, limit).text;
}

/** Renders one template field so that it fits `limit`, and names the links it had to leave out. */
export function renderField(template: string, values: TemplateValues, limit: number): RenderedField {
  const lines = template.replace(/\r\n?/g, "\n").split("\n");
  const cleaned = cleanValues(values, limit);
  const linkLines = linkLinesInDropOrder(lines, cleaned);
  // A link longer than the limit can never be sent whole: its line goes from the start.
  let dropped = linkLines.filter((line) => line.longest > limit).length;
  for (; dropped <= linkLines.length; dropped += 1) {
    const text = fitWithLinksWhole(lines, cleaned, new Set(linkLines.slice(0, dropped).map((l) => l.index)), limit);
    if (text !== null) return { text, omittedLinks: omittedFrom(text, linkLines.slice(0, dropped)) };
  }
  const every = new Set(linkLines.map((l) => l.index));
  const text = cut(substitute(lines, (name) => shorten(cleaned.get(name), 1), every), limit);
  return { text, omittedLinks: omittedFrom(text, linkLines) };
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
  link: boolean;
}

function cleanValues(values: TemplateValues, limit: number): Map<string, CleanValue> {
  const out = new Map<string, CleanValue>();
  for (const name of TEMPLATE_VARIABLE_NAMES) {
    const raw = values[name];
    const flat = typeof raw === "string" ? raw.replace(/[\r\n\t\v\f\u0085\u2028\u2029]+/g, " ").trim() : "";
    const link = isLinkVariable(name);
    // A value longer than the limit can never fit whole: cutting it to limit + 1 first keeps
    // the result the same and the work small (a value may be megabytes long). A link is
    // never cut; one that long only needs to be known as too long.
    const text = link ? flat : truncateToFit(flat, limit + 1);
    out.set(name, { text, link });
  }
  return out;
}

interface LinkLine {
  index: number;
  links: string[];
  longest: number;
}

/** Lines holding a link, in the order they give way: the longest link first, then the lowest line. */
function linkLinesInDropOrder(lines: string[], cleaned: Map<string, CleanValue>): LinkLine[] {
  const found: LinkLine[] = [];
  lines.forEach((line, index) => {
    const links = [...line.matchAll(VARIABLE_TOKEN)]
      .map((match) => cleaned.get(match[1] ?? ""))
      .filter((value): value is CleanValue => value !== undefined && value.link && value.text !== "")
      .map((value) => value.text);
    if (links.length > 0) found.push({ index, links, longest: Math.max(...links.map(strictLength)) });
  });
  return found.sort((a, b) => b.longest - a.longest || b.index - a.index);
}

/** The text with the given lines dropped and links whole, other values shortened as needed; null if it cannot fit. */
function fitWithLinksWhole(lines: string[], cleaned: Map<string, CleanValue>, drop: Set<number>, limit: number): string | null {
  const fill = (cap: number) => substitute(lines, (name) => shorten(cleaned.get(name), cap), drop);
  const full = fill(Number.POSITIVE_INFINITY);
  if (fits(full, limit)) return full;

  // Largest cap that fits; the rendered length grows with the cap, so a binary search works.
  const shortenable = [...cleaned.values()].filter((v) => !v.link).map((v) => strictLength(v.text));
  let low = 1;
  let high = Math.max(0, ...shortenable) - 1;
  let best: string | null = null;
  while (low <= high) {
    const cap = Math.floor((low + high) / 2);
    const text = fill(cap);
    if (fits(text, limit)) {
      best = text;
      low = cap + 1;
    } else {
      high = cap - 1;
    }
  }
  return best;
}

function shorten(value: CleanValue | undefined, cap: number): string {
  if (value === undefined) return ""; // unknown variable: validation refuses it; render it empty
  if (value.link || fits(value.text, cap)) return value.text;
  return truncateToFit(value.text, cap - 1).trimEnd() + ELLIPSIS;
}

/** Links of the dropped lines that the text no longer holds. */
function omittedFrom(text: string, dropped: LinkLine[]): string[] {
  return [...new Set(dropped.flatMap((line) => line.links))].filter((link) => !text.includes(link));
}

/**
 * Fills the lines. Lines in `drop` go whole; lines whose variables all render empty go too.
 * If nothing but blank text would be left, every line stays, with empty values (and a
 * dropped line without its links).
 */
function substitute(lines: string[], valueOf: (name: string) => string, drop: ReadonlySet<number> = new Set()): string {
  const withEmpties: string[] = [];
  const kept: string[] = [];
  lines.forEach((line, index) => {
    const dropped = drop.has(index);
    let used = 0;
    let empty = 0;
    const rendered = line.replace(VARIABLE_TOKEN, (_token, name: string) => {
      used += 1;
      const value = dropped && isLinkVariable(name) ? "" : valueOf(name);
      if (value === "") empty += 1;
      return value;
    });
    const text = empty > 0 ? tidy(rendered) : rendered;
    withEmpties.push(text);
    if (!dropped && (used === 0 || empty < used)) kept.push(text);
  });
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

/** The last resort: the text cut to fit, ending in "…", never inside a grapheme or a link. */
function cut(text: string, limit: number): string {
  if (fits(text, limit)) return text;
  let end = truncateToFit(text, limit - strictLength(ELLIPSIS)).length;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    if (match.index < end && end < match.index + match[0].length) {
      end = truncateToFit(text, match.index).length;
      break;
    }
  }
  return text.slice(0, end).trimEnd() + ELLIPSIS;
}
