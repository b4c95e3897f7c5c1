/**
 * JSON.parse for Shopify webhook bodies that keeps 64-bit integer ids exact.
 *
 * Shopify ids are 64-bit integers, but JSON.parse turns every number into a double, so ids
 * above 2^53 silently change (the 2025-10 sample order id `820982911946154500` is the
 * gid's ...554 after rounding) and two different orders could share one id. Integers of
 * 16 or more digits in value position are therefore quoted before parsing and come out as
 * strings; the payload schemas accept ids (and numbers) as strings.
 */

/** 2^53 has 16 digits: from 16 digits on, a double may no longer hold an integer exactly. */
export const EXACT_INTEGER_DIGITS = 16;

export class ShopifyJsonError extends Error {
  override name = "ShopifyJsonError";
}

/** Parses a webhook body; throws ShopifyJsonError (never anything else) on invalid JSON. */
export function parseShopifyJson(rawText: string): unknown {
  if (typeof rawText !== "string") {
    throw new ShopifyJsonError(`invalid JSON: expected the raw body as text, got ${typeof rawText}`);
  }
  const text = quoteBigIntegers(rawText);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ShopifyJsonError(`invalid JSON in webhook body: ${detail}`);
  }
}

// A JSON number token, anchored at the scan position (sticky).
const NUMBER_TOKEN = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;

/**
 * Wraps every integer literal of EXACT_INTEGER_DIGITS or more digits that stands where a
 * value may stand in quotes. Text inside strings is skipped (escapes included), object keys
 * are never touched and a token that is not valid JSON (leading zero, fraction, exponent) is
 * left alone, so quoting can never turn invalid JSON into valid JSON.
 */
export function quoteBigIntegers(text: string): string {
  const containers: Array<"{" | "["> = [];
  let expectingKey = false;
  let out = "";
  let copiedUpTo = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      i = skipString(text, i);
      continue;
    }
    if (ch === "{" || ch === "[") {
      containers.push(ch);
      expectingKey = ch === "{";
    } else if (ch === "}" || ch === "]") {
      containers.pop();
      expectingKey = false;
    } else if (ch === ",") {
      expectingKey = containers[containers.length - 1] === "{";
    } else if (ch === ":") {
      expectingKey = false;
    } else if (ch === "-" || (ch !== undefined && ch >= "0" && ch <= "9")) {
      NUMBER_TOKEN.lastIndex = i;
      const match = NUMBER_TOKEN.exec(text);
      if (match) {
        const token = match[0];
        const end = i + token.length;
        if (!expectingKey && isBigIntegerToken(token)) {
          out += `${text.slice(copiedUpTo, i)}"${token}"`;
          copiedUpTo = end;
        }
        i = end;
        continue;
      }
    }
    i += 1;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

function isBigIntegerToken(token: string): boolean {
  const digits = token.startsWith("-") ? token.slice(1) : token;
  if (!/^\d+$/.test(digits)) return false; // fraction or exponent: a genuine double
  if (digits.length > 1 && digits.startsWith("0")) return false; // not a JSON number
  return digits.length >= EXACT_INTEGER_DIGITS;
}

/** Index just past the string starting at `start` (a quote), or the end of an unterminated one. */
function skipString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "\\") i += 2;
    else if (ch === '"') return i + 1;
    else i += 1;
  }
  return text.length;
}
