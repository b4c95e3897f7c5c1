/**
 * Talking to the admin's forms over real HTTP as the embedded app does: Remix data requests
 * (`?_data=<route id>`) with `Authorization: Bearer <session token>`, the form encoded by
 * hand so that repeated fields, raw bytes (an invalid UTF-8 sequence) and both encodings a
 * browser uses can be sent exactly.
 */
import { randomUUID } from "node:crypto";
import { embeddedUrl, sessionToken } from "../../browser/support/shopify-session";

export const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36";

/** Bytes sent as they are, and the text the server is expected to read from them. */
export class RawBytes {
  constructor(
    readonly bytes: Uint8Array,
    readonly decoded: string,
  ) {}
}

export type FieldValue = string | RawBytes;
/** A form as the wire carries it: ordered name/value pairs, a name may repeat. */
export type FormEntries = ReadonlyArray<readonly [string, FieldValue]>;
export type Encoding = "urlencoded" | "multipart";

function percentEncode(bytes: Uint8Array): string {
  return [...bytes].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`).join("");
}

/** `encodeURIComponent`, which throws on a lone surrogate: such text goes as its UTF-8 replacement. */
function encodeText(text: string): string {
  return encodeURIComponent(wellFormed(text));
}

/** Lone surrogates replaced with U+FFFD, as any UTF-8 encoder does. */
export function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

export function encodeForm(entries: FormEntries, encoding: Encoding): { body: BodyInit; contentType: string } {
  if (encoding === "urlencoded") {
    const body = entries
      .map(([name, value]) => `${encodeText(name)}=${value instanceof RawBytes ? percentEncode(value.bytes) : encodeText(value)}`)
      .join("&");
    return { body, contentType: "application/x-www-form-urlencoded;charset=UTF-8" };
  }
  const boundary = `----form-test-${randomUUID()}`;
  const parts: Uint8Array[] = [];
  for (const [name, value] of entries) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`));
    parts.push(value instanceof RawBytes ? value.bytes : Buffer.from(wellFormed(value), "utf8"));
    parts.push(Buffer.from("\r\n"));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: new Uint8Array(Buffer.concat(parts)), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * The text the server reads from one posted value. A multipart part is decoded like
 * TextDecoder does by default, which drops one leading byte-order mark (U+FEFF); URL
 * percent-decoding keeps it.
 */
export function decodedValue(value: FieldValue, encoding: Encoding): string {
  const text = value instanceof RawBytes ? value.decoded : wellFormed(value);
  return encoding === "multipart" && text.startsWith("\uFEFF") ? text.slice(1) : text;
}

/** What the server reads for a field: the last of its values (app/admin/form-data.ts). */
export function lastOf(value: FieldValue | FieldValue[] | undefined, encoding: Encoding): string | undefined {
  if (value === undefined) return undefined;
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  return last === undefined ? undefined : decodedValue(last, encoding);
}

export interface Answer {
  status: number;
  text: string;
  contentType: string;
}

export function isServerError(answer: Pick<Answer, "status">): boolean {
  return answer.status >= 500;
}

/** One shop's admin, authenticated with fresh session tokens signed with the app's secret. */
export class AdminClient {
  constructor(
    readonly appUrl: string,
    readonly shop: string,
  ) {}

  /** The URL of a route's data request: `/app/settings?_data=routes/app.settings`. */
  dataUrl(path: string, routeId: string, search: Record<string, string> = {}): string {
    const url = new URL(path, this.appUrl);
    for (const [name, value] of Object.entries(search)) url.searchParams.set(name, value);
    url.searchParams.set("_data", routeId);
    // Remix tells an index route by a bare `index` parameter.
    return url.toString().replace(/([?&])index=(&|$)/, "$1index$2");
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${sessionToken(this.shop)}`, "user-agent": BROWSER_UA, ...extra };
  }

  async load(path: string, routeId: string, search: Record<string, string> = {}): Promise<Answer> {
    return answerOf(await fetch(this.dataUrl(path, routeId, search), { headers: this.headers(), redirect: "manual" }));
  }

  async submit(path: string, routeId: string, entries: FormEntries, encoding: Encoding = "urlencoded"): Promise<Answer> {
    const { body, contentType } = encodeForm(entries, encoding);
    return this.postRaw(path, routeId, body, contentType);
  }

  async postRaw(path: string, routeId: string, body: BodyInit, contentType?: string): Promise<Answer> {
    const response = await fetch(this.dataUrl(path, routeId), {
      method: "POST",
      headers: this.headers(contentType === undefined ? {} : { "content-type": contentType }),
      body,
      redirect: "manual",
    });
    return answerOf(response);
  }

  /** The HTML document of a page, opened as the Shopify admin opens it (`id_token` in the URL). */
  async page(path: string): Promise<Answer> {
    const url = new URL(embeddedUrl(this.appUrl, path, this.shop));
    return answerOf(await fetch(url, { headers: { "user-agent": BROWSER_UA }, redirect: "manual" }));
  }
}

async function answerOf(response: Response): Promise<Answer> {
  return { status: response.status, text: await response.text(), contentType: response.headers.get("content-type") ?? "" };
}

/** The JSON of a data request's answer (a test fails with the body when it is not JSON). */
export function jsonOf<T = Record<string, unknown>>(answer: Answer): T {
  try {
    return JSON.parse(answer.text) as T;
  } catch {
    throw new Error(`expected JSON, got ${answer.status}: ${answer.text.slice(0, 300)}`);
  }
}
