/**
 * Field limits of Kaleyra's order-status message (the seed document) and WhatsApp's
 * reference-id rule. Every check in the app (request schema, template editor, renderer,
 * sandbox) reads them from here.
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

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/**
 * Length as a person sees it: an emoji with skin tone or a letter with a combining accent is
 * one character. Kaleyra's document does not say which count it applies (no public source
 * we found settles it); graphemes are what a merchant sees counted in the editor.
 */
export function visibleLength(text: string): number {
  // Below U+0300 every code point is a grapheme of its own, except CR LF, which is one:
  // most texts (Latin scripts without combining marks) are counted without segmenting.
  if (isOneUnitPerGrapheme(text)) return text.length;
  let count = 0;
  for (const _ of graphemes.segment(text)) count += 1;
  return count;
}

function isOneUnitPerGrapheme(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x300 || unit === 0x0d) return false;
  }
  return true;
}

/** Cuts `text` to at most `max` visible characters without splitting a grapheme. */
export function truncateVisible(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = "";
  let count = 0;
  for (const { segment } of graphemes.segment(text)) {
    if (count === max) break;
    out += segment;
    count += 1;
  }
  return out;
}
