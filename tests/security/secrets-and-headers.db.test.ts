import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKaleyraSandbox, type KaleyraSandbox } from "../../sandbox/kaleyra-sandbox";
import { fileDatabase } from "../helpers/file-database";
import { ACCOUNT, makeShop } from "../factories";
import { freePort, waitFor, type RunningProcess } from "../helpers/process";
import { countDeliveries, messageKey, orderBody, report, sleep } from "../reliability/helpers/harness";
import { inboxWaiting, messageStates } from "../reliability/helpers/in-process";
import { PROCESS_SECRET, processEnvironment, startServerProcess, killHard, waitForHealthy } from "../reliability/helpers/processes";
import { deliver } from "../reliability/helpers/shopify";
import { findSecrets, secretForms } from "./helpers/secrets";

/**
 * The production server process (web and worker, NODE_ENV=production, logs at trace) through
 * a run with accepted sends, Kaleyra failures of every kind, a proxy that echoes the API key
 * back in its error page, a wrong key, strange webhooks and every kind of page. Everything it
 * writes (stdout, stderr) and every HTTP answer (status, headers, body) is kept, then searched
 * for the shops' Kaleyra API keys, their Shopify access tokens, ENCRYPTION_KEY and
 * SHOPIFY_API_SECRET, in plain, base64, hex and URL-encoded form.
 * The same answers are checked for the headers an embedded Shopify app needs.
 */
const OK_SHOP = "secrets-ok.myshopify.com";
const BAD_KEY_SHOP = "secrets-badkey.myshopify.com";
const WRONG_KEY = `Awrong-${randomBytes(12).toString("hex")}`;
const TOKENS = { [OK_SHOP]: `shpat_${randomBytes(16).toString("hex")}`, [BAD_KEY_SHOP]: `shpat_${randomBytes(16).toString("hex")}` };

interface Captured {
  what: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

const { database, db } = fileDatabase();
let sandbox: KaleyraSandbox;
let server: RunningProcess;
let url: string;
let env: Record<string, string>;
const answers: Captured[] = [];

async function capture(what: string, path: string, init: RequestInit = {}): Promise<Captured> {
  const response = await fetch(`${url}${path}`, { redirect: "manual", ...init });
  const captured = {
    what,
    status: response.status,
    headers: Object.fromEntries(response.headers.entries()),
    body: await response.text(),
  };
  answers.push(captured);
  return captured;
}

async function postOrder(shop: string, id: string, index: number): Promise<void> {
  const delivery = await deliver(url, { topic: "orders/create", shop, body: orderBody(id, index), secret: PROCESS_SECRET });
  expect(delivery.ok).toBe(true);
}

beforeAll(async () => {
  await makeShop(db, OK_SHOP);
  await makeShop(db, BAD_KEY_SHOP, { apiKey: WRONG_KEY });
  for (const [shop, token] of Object.entries(TOKENS)) {
    await db.execute(
      `INSERT INTO "Session" ("id", "shop", "state", "isOnline", "scope", "accessToken") VALUES (?, ?, ?, ?, ?, ?)`,
      [`offline_${shop}`, shop, "", false, "read_orders,read_fulfillments", token],
    );
  }
  sandbox = await startKaleyraSandbox({
    accounts: [{ sid: ACCOUNT.sid, apiKey: ACCOUNT.apiKey, numbers: [ACCOUNT.number] }],
    maxReceived: 100_000,
  });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  env = processEnvironment({ databaseUrl: database.url, kaleyraUrl: sandbox.url, port, logLevel: "trace" });
  server = startServerProcess({ databaseUrl: database.url, kaleyraUrl: sandbox.url, port, logLevel: "trace" });
  await waitForHealthy(url, server);
}, 60_000);

afterAll(async () => {
  if (server) await killHard(server);
  await sandbox?.close();
});

describe("what the app shows of itself", () => {
  it(
    "GIVEN a run with accepted and failing sends, strange webhooks and every page WHEN its output and answers are searched THEN no secret appears",
    async () => {
      let order = 610_000;
      const okKeys: string[] = [];
      const next = (shop: string) => {
        const id = String(++order);
        if (shop === OK_SHOP) okKeys.push(messageKey(shop, id));
        return postOrder(shop, id, order);
      };
      // Accepted sends.
      for (let i = 0; i < 5; i += 1) await next(OK_SHOP);
      // Kaleyra failing: 500s, resets, 429s, and a proxy that echoes the API key in its error page.
      sandbox.setFaults({ failNext: 3 });
      for (let i = 0; i < 3; i += 1) await next(OK_SHOP);
      await sleep(500);
      sandbox.setFaults({ resetNext: 2, status429: { retryAfter: "1", next: 2 } });
      for (let i = 0; i < 3; i += 1) await next(OK_SHOP);
      await sleep(500);
      sandbox.setFaults({
        rawResponse: { status: 502, body: `<html>bad gateway: api-key ${ACCOUNT.apiKey} refused</html>`, contentType: "text/html" },
      });
      for (let i = 0; i < 3; i += 1) await next(OK_SHOP);
      await sleep(1500);
      sandbox.setFaults({});
      // A wrong key: RBC001 pauses the shop.
      for (let i = 0; i < 3; i += 1) await next(BAD_KEY_SHOP);

      // Strange and refused webhooks.
      await capture("not JSON", "/webhooks/orders/create", { method: "POST", body: "{oops", headers: { "x-shopify-hmac-sha256": "bad" } });
      await capture("GET webhook", "/webhooks/orders/create");
      const hostile = { id: "gid://shopify/Order/1?x=<script>", name: "#<script>", phone: "+1502555\u200b0147", line_items: "x" };
      const signed = await deliver(url, { topic: "orders/create", shop: OK_SHOP, body: hostile, secret: PROCESS_SECRET });
      expect(signed.ok).toBe(true);
      const wrongSignature = await deliver(url, { topic: "orders/create", shop: OK_SHOP, body: { id: 1 }, secret: "nope" });
      expect(wrongSignature.statuses).toEqual([401]);

      // Pages, with and without a shop, error pages and odd URLs.
      const host = Buffer.from(`admin.shopify.com/store/${OK_SHOP.replace(".myshopify.com", "")}`).toString("base64url");
      await capture("embedded app document", `/app?shop=${OK_SHOP}&host=${host}&embedded=1`);
      await capture("app with a forged id_token", `/app?shop=${OK_SHOP}&host=${host}&embedded=1&id_token=${randomUUID()}`);
      await capture("app without a shop", "/app");
      await capture("index with shop", `/?shop=${OK_SHOP}`);
      await capture("login page", "/auth/login");
      await capture("login with a shop", `/auth/login?shop=${OK_SHOP}`);
      await capture("login form post", "/auth/login", {
        method: "POST",
        body: new URLSearchParams({ shop: OK_SHOP }),
      });
      await capture("auth callback forged", `/auth/callback?shop=${OK_SHOP}&code=x&hmac=y&state=z&timestamp=1`);
      await capture("session token bounce", `/auth/session-token?shop=${OK_SHOP}`);
      await capture("not found", "/nope");
      await capture("malformed percent-encoding", "/app?shop=%E0%A4%A");
      await capture("data request for the app route", `/app?_data=routes%2Fapp&shop=${OK_SHOP}`);
      await capture("healthz", "/healthz");
      await capture("route discovery manifest", "/__manifest?p=%2Fapp%2Fsettings&version=1");

      await waitFor(
        async () => {
          // Retries follow the real schedule (30 s on): move them forward instead of waiting.
          await db.execute(`UPDATE "Message" SET "nextAttemptAt" = ? WHERE "state" = 'queued'`, [new Date()]);
          const waiting = (await inboxWaiting(db, OK_SHOP)) + (await inboxWaiting(db, BAD_KEY_SHOP));
          const states = await messageStates(db, OK_SHOP);
          const paused = (await messageStates(db, BAD_KEY_SHOP)).paused ?? 0;
          return waiting === 0 && !states.queued && !states.sending && paused > 0 ? true : undefined;
        },
        60_000,
        "the worker to finish",
      );
      server.child.kill("SIGTERM");
      expect(await server.exited).toBe(0);

      const count = countDeliveries(okKeys, sandbox.received);
      expect(count.lostKeys).toEqual([]);
      const output = server.output();
      // The scan saw what matters: failing sends, accepted sends, webhooks, with their details.
      expect(output).toContain('"msg":"kaleyra send accepted"');
      expect(output).toMatch(/"msg":"kaleyra send [^"]*(temporary|Could not reach|too fast|Unexpected answer)/);
      expect(output).toContain("SID or API key");
      expect(output).toContain('"msg":"webhook kept"');

      const secrets = {
        "Kaleyra API key": ACCOUNT.apiKey,
        "wrong Kaleyra API key": WRONG_KEY,
        "access token (ok shop)": TOKENS[OK_SHOP],
        "access token (bad-key shop)": TOKENS[BAD_KEY_SHOP],
        ENCRYPTION_KEY: env.ENCRYPTION_KEY!,
        SHOPIFY_API_SECRET: env.SHOPIFY_API_SECRET!,
      };
      const texts = [
        { where: "server process output", text: output },
        ...answers.map((a) => ({ where: `answer: ${a.what}`, text: `${a.status}\n${JSON.stringify(a.headers)}\n${a.body}` })),
      ];
      const found = findSecrets(secrets, texts);
      // What the worker stored for the merchant to read is shown on admin pages too.
      const stored = await db.query<{ lastDetail: string | null; requestJson: string | null }>(
        `SELECT "lastDetail", "requestJson" FROM "Message"`,
      );
      const storedFound = findSecrets(secrets, [{ where: "message log", text: JSON.stringify(stored) }]);
      report("secrets-scan", {
        bytesScanned: texts.reduce((sum, t) => sum + t.text.length, 0),
        logLines: output.split("\n").length,
        answers: answers.length,
        secrets: Object.keys(secrets).length,
        formsPerSecret: secretForms(ACCOUNT.apiKey).length,
        found: found.length + storedFound.length,
      });
      expect(found).toEqual([]);
      expect(storedFound).toEqual([]);
    },
    120_000,
  );

  it("GIVEN the embedded app's document THEN its content security policy lets only the shop's admin frame it", () => {
    const document = answers.find((a) => a.what === "embedded app document")!;
    expect(document.headers["content-type"]).toMatch(/text\/html/);
    const csp = document.headers["content-security-policy"] ?? "";
    const ancestors = /frame-ancestors ([^;]*)/.exec(csp)?.[1]?.split(/\s+/) ?? [];
    expect(ancestors).toContain(`https://${OK_SHOP}`);
    expect(ancestors).toContain("https://admin.shopify.com");
    expect(ancestors.filter((a) => a === "*" || a.startsWith("http:"))).toEqual([]);
    // Another shop's admin is not a frame ancestor.
    expect(ancestors.some((a) => a.includes("secrets-badkey"))).toBe(false);
  });

  it("GIVEN any answer THEN it does not name the server's software, forbids type sniffing, and error pages carry no stack trace", () => {
    expect(answers.length).toBeGreaterThan(10);
    for (const answer of answers) {
      expect(answer.headers["x-content-type-options"], answer.what).toBe("nosniff");
      expect(answer.headers["x-powered-by"], answer.what).toBeUndefined();
      expect(answer.headers.server, answer.what).toBeUndefined();
      expect(answer.body, answer.what).not.toMatch(/\n\s+at .+:\d+:\d+|node_modules|build\/server|[A-Za-z]:\\|\/app\/[a-z-]+\.server/);
    }
    const webhook = answers.find((a) => a.what === "not JSON")!;
    expect(webhook.status).toBe(401);
    expect(webhook.body).toBe("");
  });

  it("GIVEN pages that do not exist WHEN asked for THEN the log has a structured line for each, without query string or console stack", () => {
    const output = server.output();
    expect(output).toMatch(/"status":404,"path":"\/nope"[^\n]*"msg":"request answered with an error page"/);
    expect(output).toMatch(/"status":404,"path":"\/__manifest"[^\n]*"msg":"request answered with an error page"/);
    expect(output).not.toContain("No route matches URL");
    expect(output).not.toContain("ErrorResponseImpl");
    const page = answers.find((a) => a.what === "not found")!;
    expect(page.status).toBe(404);
    expect(page.body).toContain("Page not found");
    expect(page.body).not.toContain("Hey developer");
  });
});
