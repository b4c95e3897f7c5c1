/**
 * Looking for secrets in captured text, in every form a leak could take: as is, base64
 * (standard and URL-safe), hex, URL-encoded and JSON-escaped. A base64 secret (ENCRYPTION_KEY)
 * is also looked for as its raw bytes in hex.
 */
export function secretForms(secret: string): string[] {
  const forms = new Set([
    secret,
    Buffer.from(secret).toString("base64"),
    Buffer.from(secret).toString("base64url"),
    Buffer.from(secret).toString("hex"),
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
  ]);
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(secret) && secret.length >= 16) {
    const bytes = Buffer.from(secret, "base64");
    forms.add(bytes.toString("hex"));
    forms.add(bytes.toString("base64url"));
  }
  // Only forms long enough to mean something (a 3-letter fragment would match by chance).
  return [...forms].filter((form) => form.length >= 8);
}

export interface Finding {
  secret: string;
  where: string;
  /** A few characters around the hit, with the secret itself masked. */
  context: string;
}

export function findSecrets(secrets: Record<string, string>, texts: Array<{ where: string; text: string }>): Finding[] {
  const findings: Finding[] = [];
  for (const [name, secret] of Object.entries(secrets)) {
    if (!secret) throw new Error(`secret ${name} is empty: the scan would prove nothing`);
    for (const form of secretForms(secret)) {
      for (const { where, text } of texts) {
        const at = text.indexOf(form);
        if (at < 0) continue;
        const context = `${text.slice(Math.max(0, at - 60), at)}<${name}>${text.slice(at + form.length, at + form.length + 60)}`;
        findings.push({ secret: name, where, context });
      }
    }
  }
  return findings;
}

/**
 * The secrets the test suites use (tests/setup.ts, tests/helpers/pipeline.ts, the process
 * helpers): every suite that captures the app's log lines checks them against these.
 */
export function suiteSecrets(extra: Record<string, string> = {}): Record<string, string> {
  return {
    "Kaleyra API key": "Atest-api-key-0001",
    ENCRYPTION_KEY: process.env.ENCRYPTION_KEY ?? "",
    SHOPIFY_API_SECRET: process.env.SHOPIFY_API_SECRET ?? "",
    "process SHOPIFY_API_SECRET": "reliability-webhook-secret-0042",
    ...extra,
  };
}
