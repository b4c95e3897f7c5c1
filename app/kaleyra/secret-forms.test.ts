import { describe, expect, it } from "vitest";
import { encodedForms, withoutSecret } from "./secret-forms";

const KEY = "Az9Secret0KeyForTests1234567890x3";
const ODD_KEY = 'Ab+/c"d\\e%f 12345678';

describe("withoutSecret: a key echoed back in any encoding is masked", () => {
  const echoes: Array<[string, (key: string) => string]> = [
    ["as is", (key) => `api-key=${key} rejected`],
    ["URL-encoded", (key) => `https://proxy.example/?k=${encodeURIComponent(key)}&x=1`],
    ["URL-encoded, lower-case escapes", (key) => `k=${encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())}`],
    ["JSON-escaped", (key) => JSON.stringify({ error: { apiKey: key } })],
    ["JSON inside JSON", (key) => JSON.stringify({ body: JSON.stringify({ apiKey: key }) })],
    ["hex", (key) => `dump ${Buffer.from(key).toString("hex")}`],
    ["base64 of the key", (key) => `auth ${Buffer.from(key).toString("base64")}`],
    ["base64 of a header holding it, offset 1", (key) => `Basic ${Buffer.from(`u:${key}`).toString("base64")}`],
    ["base64 of a header holding it, offset 2", (key) => `Basic ${Buffer.from(`us:${key}`).toString("base64")}`],
    ["base64url of a JSON holding it", (key) => Buffer.from(JSON.stringify({ k: key })).toString("base64url")],
  ];

  for (const key of [KEY, ODD_KEY]) {
    it.each(echoes)(`GIVEN the key ${key === KEY ? "(plain)" : "(with + / \" \\ % and a space)"} echoed %s THEN no form of it is left`, (_name, echo) => {
      const text = echo(key);
      const masked = withoutSecret(text, key, "[redacted]");
      expect(masked).toContain("[redacted]");
      for (const form of [key, encodeURIComponent(key), Buffer.from(key).toString("base64").slice(4, -4), Buffer.from(key).toString("hex")]) {
        expect(masked).not.toContain(form);
      }
    });
  }

  it("GIVEN text without the key THEN it is unchanged", () => {
    expect(withoutSecret("nothing to see: WA202 accepted", KEY, "[redacted]")).toBe("nothing to see: WA202 accepted");
  });
});

describe("encodedForms: computed once per key", () => {
  it("GIVEN the same key twice THEN the forms are the same list, not computed again", () => {
    expect(encodedForms(KEY)).toBe(encodedForms(KEY));
  });

  it("GIVEN more keys than are kept WHEN an early key is asked for again THEN its forms are still its own", () => {
    const first = [...encodedForms(KEY)];
    for (let i = 0; i < 600; i += 1) encodedForms(`${KEY}-${i}`);
    expect(encodedForms(KEY)).toEqual(first);
    expect(withoutSecret(`k=${KEY}`, KEY, "*")).toBe("k=*");
  });
});
