import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.server";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ level: "debug" }, stream) };
}

describe("structured logs", () => {
  it("GIVEN secrets passed by mistake under their usual names WHEN logged THEN they are redacted and the line stays JSON", () => {
    const { lines, logger } = capture();
    logger.info(
      {
        apiKey: "Asecret-1",
        shop: { accessToken: "shpat_secret_2", refreshToken: "r-secret-3" },
        request: { headers: { "api-key": "Asecret-4", authorization: "Bearer secret-5" } },
        ENCRYPTION_KEY: "secret-6",
        env: { SHOPIFY_API_SECRET: "secret-7" },
      },
      "something happened",
    );
    const line = lines.join("");
    for (const secret of ["Asecret-1", "shpat_secret_2", "r-secret-3", "Asecret-4", "secret-5", "secret-6", "secret-7"]) {
      expect(line).not.toContain(secret);
    }
    const parsed = JSON.parse(line) as { level: string; msg: string; apiKey: string };
    expect(parsed).toMatchObject({ level: "info", msg: "something happened", apiKey: "[redacted]" });
  });
});

describe("bounded log lines", () => {
  it("GIVEN a message quoting a 100,000-character request WHEN logged THEN the line stays under 2 KB and says how much was cut", () => {
    const { lines, logger } = capture();
    logger.info(`Redirecting to /auth/login?shop=${"x".repeat(100_000)}`);
    logger.child({ module: "shopify" }).warn({ shop: "a.myshopify.com" }, "y".repeat(100_000));
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line.length).toBeLessThan(2048);
      expect(JSON.parse(line).msg).toMatch(/… \[\d+ more characters\]$/);
    }
  });
});
