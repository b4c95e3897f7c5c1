/**
 * The hostile values every form field is tried with, fast-check arbitraries built from them,
 * and the checks that an answer's wording and a page's HTML are safe.
 */
import fc from "fast-check";
import { expect } from "vitest";
import { RawBytes, type FieldValue } from "./http";

export const SCRIPT = "<script>alert(1)</script>";
export const IMG_ONERROR = `"><img src=x onerror=alert(1)>`;
export const TEMPLATE_PROTO = "{{constructor}}";
export const JS_URL = "javascript:alert(1)";
/** RIGHT-TO-LEFT OVERRIDE flips what follows: "order 1001" can be made to read backwards. */
export const RTL = "Order \u202E1001 redro\u202C ready";
/** ZERO WIDTH JOINER / SPACE / NON-JOINER and a joined emoji family. */
export const ZERO_WIDTH = "Hi\u200B\u200C there 👩\u200D👩\u200D👧";
/** %ED%A0%80 is U+D800 (a lone surrogate) in UTF-8, which no decoder may produce: each byte reads as U+FFFD. */
export const LONE_SURROGATE = new RawBytes(Uint8Array.from([0x6f, 0x6b, 0xed, 0xa0, 0x80]), "ok\uFFFD\uFFFD\uFFFD");
export const NUL = "Hi\u0000there";
/** Spaces a browser may send that trim() removes: tab, no-break space, ideographic space. */
export const WHITESPACE = " \t\u00A0\u3000 ";

/** The same strings with the name tests print. */
export const HOSTILE_TEXT: ReadonlyArray<readonly [string, FieldValue]> = [
  ["empty", ""],
  ["whitespace", WHITESPACE],
  ["2,000 characters", "x".repeat(2_000)],
  ["100,000 characters", "y".repeat(100_000)],
  ["<script>", SCRIPT],
  ["img onerror", IMG_ONERROR],
  ["{{constructor}}", TEMPLATE_PROTO],
  ["javascript: URL", JS_URL],
  ["RTL override", RTL],
  ["zero-width joiners", ZERO_WIDTH],
  ["lone surrogate bytes", LONE_SURROGATE],
  ["NUL", NUL],
  ["a number", "12345"],
];

/** Strings that are markup when unescaped: none may appear raw in a page. */
export const RAW_MARKUP = [SCRIPT, "<img src=x onerror", "onerror=alert(1)>"];

/** Characters that tend to break parsers, encoders, templates and HTML. */
const NASTY_CHARS = [
  "<", ">", "\"", "'", "&", "/", "\\", "{", "}", "{{", "}}", "=", ";", ":", "%", "+", "#", "?", " ", "\t", "\n", "\r\n",
  "\u0000", "\u0007", "\u001B", "\u007F", "\u00A0", "\u200B", "\u200D", "\u202E", "\u2028", "\uFEFF", "é", "ß", "€",
  "👍", "👩\u200D👩\u200D👧", "a", "Z", "0", "9", "_", "-", ".", "script", "onerror", "alert(1)", "javascript:",
  "__proto__", "constructor", "order_name",
];

/** Arbitrary text made of the nasty pieces above and any well-formed Unicode. */
export const nastyText = (maxLength = 40): fc.Arbitrary<string> =>
  fc
    .array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...NASTY_CHARS) }, { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 4 }) }), {
      maxLength,
    })
    .map((pieces) => pieces.join(""));

/** A message a merchant can act on: a sentence, no validator jargon, no stack or object dump. */
export function expectClearSentence(message: unknown): void {
  expect(typeof message).toBe("string");
  const text = String(message);
  expect(text.length).toBeGreaterThan(10);
  expect(text).toMatch(/^[A-Z]/);
  expect(text).toMatch(/[.!?)]$/);
  expect(text).not.toMatch(/invalid input|expected \w+, received|\bundefined\b|\bnull\b|NaN|\[object|Error:|\bat \w+ \(/i);
}

/**
 * A page's HTML shows hostile text only escaped: no raw markup from it, every `<script>` is
 * one of the page's own (the App Bridge and asset scripts, Remix's inline bootstrap), and no
 * element has an inline event handler or a javascript: link.
 */
export function expectNoInjectedMarkup(html: string, what: string): void {
  for (const raw of RAW_MARKUP) expect(html, `${what}: raw ${raw}`).not.toContain(raw);
  expect(html, `${what}: a template variable evaluated to a function`).not.toContain("[native code]");

  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  expect(scripts.length, `${what}: every <script> is closed by its own </script>`).toBe((html.match(/<script\b/gi) ?? []).length);
  for (const [, attributes = "", content = ""] of scripts) {
    const src = /\bsrc="([^"]*)"/.exec(attributes)?.[1];
    if (src !== undefined) {
      expect(src, `${what}: script source`).toMatch(/^(https:\/\/cdn\.shopify\.com\/shopifycloud\/app-bridge\.js|\/assets\/)/);
      continue;
    }
    const code = content.trim();
    expect(
      ["((STORAGE_KEY", "window.__remixContext", ";", "import"].some((start) => code.startsWith(start)),
      `${what}: unexpected inline script ${code.slice(0, 80)}`,
    ).toBe(true);
    // Loader data sits inside a script: its strings keep "<" escaped so nothing closes the tag.
    expect(code, `${what}: raw markup inside an inline script`).not.toMatch(/<\/?(script|img)\b/i);
  }

  for (const [tag] of html.matchAll(/<[a-zA-Z][\w:-]*(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*\/?>/g)) {
    const names = [...tag.matchAll(/\s([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)];
    for (const [, name = "", double, single, bare] of names) {
      expect(name.toLowerCase().startsWith("on"), `${what}: inline handler ${name} in ${tag.slice(0, 120)}`).toBe(false);
      const value = (double ?? single ?? bare ?? "").replace(/&#x?[0-9a-f]+;|&\w+;|\s/gi, "");
      if (/^(href|src|action|formaction|xlink:href)$/i.test(name)) {
        expect(value.toLowerCase().startsWith("javascript:"), `${what}: javascript: link in ${tag.slice(0, 120)}`).toBe(false);
      }
    }
  }
}

/** The forms React renders text in: HTML-escaped in the markup, \u003c-escaped in the loader data. */
export function htmlEscaped(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
}

/** Remix's escaping of loader data inside its inline script (the htmlescape rules). */
export function jsonInScript(text: string): string {
  return JSON.stringify(text)
    .slice(1, -1)
    .replace(/&/g, "\\u0026")
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
