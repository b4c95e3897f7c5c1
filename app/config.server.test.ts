import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./config.server";

const valid = {
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://app.example.com",
  DATABASE_URL: "file:./data/app.sqlite",
  ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"),
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("configuration", () => {
  it("GIVEN every required variable WHEN parsed THEN defaults fill the rest", () => {
    const parsed = parseConfig(valid);
    expect(parsed.PORT).toBe(3000);
    expect(parsed.SCOPES).toEqual(["read_orders", "read_fulfillments"]);
    expect(parsed.RUN_WORKER).toBe(true);
    expect(parsed.SEND_RATE_PER_SECOND).toBe(80);
    expect(parsed.KALEYRA_BASE_URL).toBeUndefined();
  });

  it("GIVEN no SHOPIFY_API_SECRET WHEN parsed THEN the error names it", () => {
    const { SHOPIFY_API_SECRET: _omitted, ...env } = valid;
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^SHOPIFY_API_SECRET /);
  });

  it("GIVEN an ENCRYPTION_KEY of the wrong size WHEN parsed THEN the error names it and says how to make one", () => {
    const problems = problemsOf({ ...valid, ENCRYPTION_KEY: Buffer.alloc(16).toString("base64") });
    expect(problems).toEqual([expect.stringMatching(/^ENCRYPTION_KEY must be 32 random bytes.*openssl rand -base64 32/)]);
  });

  it("GIVEN several bad variables WHEN parsed THEN every one is named at once", () => {
    const problems = problemsOf({
      SHOPIFY_APP_URL: "not a url",
      DATABASE_URL: "mysql://x",
      ENCRYPTION_KEY: "!!",
      PORT: "99999",
      LOG_LEVEL: "loud",
      KALEYRA_BASE_URL: "ftp://x",
    });
    const names = problems.map((p) => p.split(" ")[0]).sort();
    expect(names).toEqual(
      [
        "DATABASE_URL",
        "ENCRYPTION_KEY",
        "KALEYRA_BASE_URL",
        "LOG_LEVEL",
        "PORT",
        "SHOPIFY_API_KEY",
        "SHOPIFY_API_SECRET",
        "SHOPIFY_APP_URL",
      ].sort(),
    );
  });

  it("GIVEN empty values (as a copied .env.example has) WHEN parsed THEN they count as missing", () => {
    const problems = problemsOf({ ...valid, SHOPIFY_API_KEY: "", KALEYRA_BASE_URL: "" });
    expect(problems).toEqual([expect.stringMatching(/^SHOPIFY_API_KEY /)]);
  });

  it("GIVEN WORKER_LEASE_MS WHEN parsed THEN 60 s by default, whole milliseconds from Kaleyra's deadline plus 5 s accepted, anything else named", () => {
    expect(parseConfig(valid).WORKER_LEASE_MS).toBe(60_000);
    expect(parseConfig({ ...valid, WORKER_LEASE_MS: "15000" }).WORKER_LEASE_MS).toBe(15_000);
    // Below 15 s a send still waiting for Kaleyra (10 s) could be taken over and sent twice.
    for (const bad of ["999", "2000", "14999", "abc", "60s", "-5000"]) {
      expect(problemsOf({ ...valid, WORKER_LEASE_MS: bad }), bad).toEqual([expect.stringMatching(/^WORKER_LEASE_MS /)]);
    }
    expect(problemsOf({ ...valid, WORKER_LEASE_MS: "2000" })[0]).toMatch(/at least 15000 ms/);
  });

  it("GIVEN a PostgreSQL URL WHEN parsed THEN it is accepted", () => {
    expect(parseConfig({ ...valid, DATABASE_URL: "postgresql://u:p@db:5432/app" }).DATABASE_URL).toMatch(/^postgresql:/);
  });

  it("GIVEN an ENCRYPTION_KEY ring of a new and an old key WHEN parsed THEN it is accepted", () => {
    const ring = `${Buffer.alloc(32, 2).toString("base64")},${valid.ENCRYPTION_KEY}`;
    expect(parseConfig({ ...valid, ENCRYPTION_KEY: ring }).ENCRYPTION_KEY).toBe(ring);
  });

  it("GIVEN an ENCRYPTION_KEY ring with bad entries WHEN parsed THEN each is reported by its position", () => {
    const ring = `${valid.ENCRYPTION_KEY},${Buffer.alloc(16).toString("base64")},,not base64!`;
    expect(problemsOf({ ...valid, ENCRYPTION_KEY: ring })).toEqual([
      expect.stringMatching(/^ENCRYPTION_KEY must be 32 random bytes.*\(key 2 of 4, newest first\)$/),
      "ENCRYPTION_KEY is empty (key 3 of 4, newest first)",
      expect.stringMatching(/^ENCRYPTION_KEY must be 32 random bytes.*\(key 4 of 4, newest first\)$/),
    ]);
    expect(problemsOf({ ...valid, ENCRYPTION_KEY: `${valid.ENCRYPTION_KEY},${valid.ENCRYPTION_KEY}` })).toEqual([
      "ENCRYPTION_KEY lists the same key twice",
    ]);
  });

  it("GIVEN HOST WHEN parsed THEN unset by default (every interface), an address is kept, a URL from `shopify app dev` is ignored", () => {
    expect(parseConfig(valid).HOST).toBeUndefined();
    expect(parseConfig({ ...valid, HOST: "127.0.0.1" }).HOST).toBe("127.0.0.1");
    expect(parseConfig({ ...valid, HOST: "::1" }).HOST).toBe("::1");
    expect(parseConfig({ ...valid, HOST: "https://abc.trycloudflare.com" }).HOST).toBeUndefined();
    expect(problemsOf({ ...valid, HOST: "127.0.0.1 evil" })).toEqual([expect.stringMatching(/^HOST /)]);
  });

  it("GIVEN ADMIN_PREVIEW_SHOP WHEN production or a public app URL THEN start-up is refused with the reason", () => {
    const local = { ...valid, SHOPIFY_APP_URL: "http://127.0.0.1:3000", ADMIN_PREVIEW_SHOP: "demo-shop.myshopify.com" };
    expect(parseConfig({ ...local, NODE_ENV: "development" }).ADMIN_PREVIEW_SHOP).toBe("demo-shop.myshopify.com");
    expect(problemsOf({ ...local, NODE_ENV: "production" })).toEqual([expect.stringMatching(/^ADMIN_PREVIEW_SHOP .*NODE_ENV=production/)]);
    expect(problemsOf({ ...local, SHOPIFY_APP_URL: "https://app.example.com" })).toEqual([
      expect.stringMatching(/^ADMIN_PREVIEW_SHOP .*loopback/),
    ]);
    expect(problemsOf({ ...local, ADMIN_PREVIEW_SHOP: "https://evil.example" })).toEqual([expect.stringMatching(/^ADMIN_PREVIEW_SHOP /)]);
  });
});
