/**
 * Field limits of Kaleyra's order-status message (the seed document) and WhatsApp's
 * reference-id rule, and the one definition of what "fits" them. Every check in the app
 * (request schema, template validator and counters, renderer, sandbox) reads them from here.
 */
export const LIMITS = {
  /** `interactive.body.text`: "Maximum length is 1024 characters". */
  bodyText: 1024,
  /** `order.description`: "The Maximum character limit is set to 120 characters". */
  description: 120,
  /** `extra_info.ref`, `ref1`, `ref2`: "can be 255 characters long only" (longer is truncated). */
  ref: 255,
  /** WhatsApp's `reference_id`: at most 35 characters. */
  referenceId: 35,
} as const;

/** WhatsApp's `reference_id` alphabet: letters, digits, `_`, `-`, `.`. */
export const REFERENCE_ID_PATTERN = /^[A-Za-z0-9_.-]{1,35}$/;

/** The three things a service may mean by "character". */
export type LengthUnit = "graphemes" | "codePoints" | "utf16Units";

export interface TextLength {
  /** What a person sees: an emoji with skin tone, a letter with its accent, a Hindi syllable. */
  graphemes: number;
  /** Unicode scalar values, as most server languages count. */
  codePoints: number;
  /** UTF-16 code units, as Java and JavaScript count (`String.length`). */
  utf16Units: number;
}

const graphemeSegmenter = new Intl.Segmenter("en", { granularity: "grapheme" });

/**
 * The strict length: the largest of the three counts. Kaleyra's document gives limits in
 * "characters" without saying which count it (or Meta behind it) applies, so a text must be
 * within the limit under all three until it does. The largest is always the UTF-16 count:
 * every grapheme holds at least one code point and every code point one or two UTF-16 units.
 */
export function strictLength(text: string): number {
  return text.length;
}

/** The app's one test of a limit: within it counted in graphemes, code points and UTF-16 units. */
export function fits(text: string, limit: number): boolean {
  return strictLength(text) <= limit;
}

/** All three counts, for saying which one binds. Segments the text: keep it for bounded texts. */
export function measureText(text: string): TextLength {
  let codePoints = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    const trailing = unit >= 0xdc00 && unit <= 0xdfff && i > 0 && (text.charCodeAt(i - 1) & 0xfc00) === 0xd800;
    if (!trailing) codePoints += 1;
  }
  return { graphemes: visibleLength(text), codePoints, utf16Units: text.length };
}

/**
 * The count that decides whether a text fits, named by the finest unit that reaches the
 * strict length: "graphemes" when all three agree, "codePoints" when marks or joined
 * letters count apart but nothing needs two UTF-16 units, else "utf16Units".
 */
export function bindingUnit(length: TextLength): LengthUnit {
  if (length.graphemes === length.utf16Units) return "graphemes";
  if (length.codePoints === length.utf16Units) return "codePoints";
  return "utf16Units";
}

/**
 * Length as a person sees it (grapheme clusters). Shown beside the strict count so the
 * merchant understands why a short-looking text is long; never used to decide a limit.
 */
export function visibleLength(text: string): number {
  // Below U+0300 every code point is a grapheme of its own, except CR LF, which is one:
  // most texts (Latin scripts without combining marks) are counted without segmenting.
  if (isOneUnitPerGrapheme(text)) return text.length;
  let count = 0;
  for (const _ of graphemeSegmenter.segment(text)) count += 1;
  return count;
}

function isOneUnitPerGrapheme(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x300 || unit === 0x0d) return false;
  }
  return true;
}

/**
 * The longest start of `text` that fits `max` (strictly counted) and ends between two
 * graphemes: an emoji, a letter and its accent, or a Hindi conjunct is kept whole or left out.
 */
export function truncateToFit(text: string, max: number): string {
  if (fits(text, max)) return text;
  let end = 0;
  for (const { segment } of graphemeSegmenter.segment(text)) {
    if (end + segment.length > max) break;
    end += segment.length;
  }
  return text.slice(0, end);
}
