/**
 * Every form in which an upstream may echo a secret back: as is, URL-encoded (either case of
 * hex digits), JSON-escaped (once or twice), hex, and base64 (standard and URL-safe) at any
 * of the three byte alignments it can take inside a longer encoded text.
 */
export function encodedForms(secret: string): readonly string[] {
  if (!secret) return [];
  let forms = formsBySecret.get(secret);
  if (forms === undefined) {
    // Every send scrubs its outcome with its shop's key: computing the forms each time was a
    // few percent of the worker's CPU under a backlog (bench/README.md).
    if (formsBySecret.size >= FORMS_KEPT) formsBySecret.clear();
    forms = Object.freeze(formsOf(secret));
    formsBySecret.set(secret, forms);
  }
  return forms;
}

/** Keys whose forms are kept: more than the shops one process usually sends for at once. */
const FORMS_KEPT = 256;
const formsBySecret = new Map<string, readonly string[]>();

function formsOf(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  const forms = new Set<string>([
    secret,
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
    JSON.stringify(secret).slice(1, -1),
    JSON.stringify(JSON.stringify(secret).slice(1, -1)).slice(1, -1),
    bytes.toString("hex"),
  ]);
  // A JSON body holding the key, base64-encoded, holds its JSON-escaped form.
  for (const plain of new Set([bytes, Buffer.from(JSON.stringify(secret).slice(1, -1), "utf8")])) {
    for (let shift = 0; shift < 3; shift += 1) {
      const padded = Buffer.concat([Buffer.alloc(shift), plain]);
      // Only the characters made of the secret's bits alone: the same whatever surrounds it.
      const first = Math.ceil((shift * 8) / 6);
      const last = Math.floor(((shift + plain.length) * 8) / 6);
      for (const encoding of ["base64", "base64url"] as const) forms.add(padded.toString(encoding).slice(first, last));
    }
  }
  // Longest first, so that a form containing another is replaced whole.
  return [...forms].filter((form) => form.length >= 8).sort((a, b) => b.length - a.length);
}

/** `text` with every encoded form of `secret` replaced by `mask`. */
export function withoutSecret(text: string, secret: string, mask: string): string {
  let out = text;
  for (const form of encodedForms(secret)) if (out.includes(form)) out = out.split(form).join(mask);
  return out;
}
