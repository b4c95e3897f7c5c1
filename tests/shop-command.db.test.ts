/**
 * The operator's `npm run shop` command as a real process against the app's database: it
 * configures a shop (the key from stdin) that then sends through the Kaleyra sandbox, sends
 * a test message, reports a pause and resumes it, and never prints the key.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminDeps } from "../app/admin/deps.server";
import { decryptSecret } from "../app/crypto/secrets.server";
import { runShopCommand } from "../app/operator/shop-command.server";
import { orderPayload } from "../app/orders/__fixtures__/lifecycle";
import { ACCOUNT } from "./factories";
import { startPipeline, type Pipeline } from "./helpers/pipeline";
import { waitFor } from "./helpers/process";
import { postWebhook } from "./helpers/webhooks";

const SHOP = "operator-configured.myshopify.com";
let pipeline: Pipeline;
const outputs: string[] = [];

async function shopCommand(args: string[], stdin = ""): Promise<{ code: number | null; output: string }> {
  const child = spawn(path.resolve("node_modules/.bin/tsx"), ["scripts/shop.ts", ...args], {
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "production",
      SHOPIFY_API_KEY: process.env.SHOPIFY_API_KEY,
      SHOPIFY_API_SECRET: process.env.SHOPIFY_API_SECRET,
      SHOPIFY_APP_URL: pipeline.app.url,
      DATABASE_URL: pipeline.app.database.url,
      ENCRYPTION_KEY: process.env.ENCRYPTION_KEY,
      KALEYRA_BASE_URL: pipeline.sandbox.url,
      LOG_LEVEL: "debug",
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stdin.end(stdin);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  outputs.push(output);
  return { code, output };
}

async function shopRow(): Promise<Record<string, unknown> | undefined> {
  return (await pipeline.db.query(`SELECT * FROM "Shop" WHERE "domain" = ?`, [SHOP]))[0];
}

const sentTo = (shop: string) =>
  pipeline.sandbox.received.filter((m) => (m.body as { extra_info?: { ref2?: string } }).extra_info?.ref2 === shop);

beforeAll(async () => {
  pipeline = await startPipeline();
});

afterAll(async () => {
  await pipeline?.stop();
  // Whatever the command printed, with logs at debug, never held the key in any form.
  const everything = outputs.join("\n");
  expect(everything).not.toContain(ACCOUNT.apiKey);
  expect(everything).not.toContain(Buffer.from(ACCOUNT.apiKey).toString("base64"));
});

// Each test starts the command as its own tsx process (one to three times); on a loaded
// 2-core machine one start alone took close to vitest's 20 s default.
describe("npm run shop", { timeout: 120_000 }, () => {
  it("GIVEN an unknown shop WHEN status THEN it says nothing is stored and exits 1", async () => {
    const { code, output } = await shopCommand([SHOP, "status"]);
    expect(code).toBe(1);
    expect(output).toContain(`${SHOP}: no settings stored`);
  });

  it("GIVEN a bad number and a bad SID WHEN configure THEN each error is named by its flag and nothing is stored", async () => {
    const { code, output } = await shopCommand([SHOP, "configure", "--sid", "not a sid!", "--number", "12345", "--pod", "IN"], `${ACCOUNT.apiKey}\n`);
    expect(code).toBe(1);
    expect(output).toContain("nothing was saved");
    expect(output).toMatch(/--sid: Must be 1-64 letters/);
    expect(output).toMatch(/--number: Must be a phone number with country code/);
    expect(await shopRow()).toBeUndefined();
  });

  it("GIVEN no key on stdin for a new shop WHEN configure THEN the admin's own error and nothing is stored", async () => {
    const { code, output } = await shopCommand([SHOP, "configure", "--sid", ACCOUNT.sid, "--number", ACCOUNT.number, "--pod", "IN"]);
    expect(code).toBe(1);
    expect(output).toMatch(/API key \(stdin\): Enter your Kaleyra API key\./);
    expect(await shopRow()).toBeUndefined();
  });

  it("GIVEN valid settings and the key on stdin WHEN configure --enable THEN stored with the key encrypted, and the shop's next order is sent", async () => {
    const { code, output } = await shopCommand(
      // The seed's interactive message always: the shop has no approved templates in this test.
      [SHOP, "configure", "--sid", ACCOUNT.sid, "--number", ACCOUNT.number, "--pod", "IN", "--enable", "--form", "interactive"],
      `${ACCOUNT.apiKey}\n`,
    );
    expect(code).toBe(0);
    expect(output).toContain(`${SHOP}: saved (API key …${ACCOUNT.apiKey.slice(-4)}, sending on, message form interactive)`);
    const row = await shopRow();
    expect(row).toMatchObject({ kaleyraSid: ACCOUNT.sid, businessNumber: ACCOUNT.number, pod: "IN" });
    expect(String(row?.apiKeyCipher)).not.toContain(ACCOUNT.apiKey);
    expect(decryptSecret(String(row?.apiKeyCipher), process.env.ENCRYPTION_KEY ?? "")).toBe(ACCOUNT.apiKey);

    const response = await postWebhook(pipeline.app.url, { topic: "orders/create", shop: SHOP, body: orderPayload({ id: "5001", name: "#5001" }) });
    expect(response.status).toBe(200);
    await pipeline.settle();
    const sent = sentTo(SHOP).map((m) => (m.body as { messaging_object: { interactive: { action: { parameters: { reference_id: string; order: { status: string } } } } } }).messaging_object.interactive.action.parameters);
    expect(sent.map((p) => `${p.reference_id}:${p.order.status}`)).toEqual(["5001:processing"]);
    expect(pipeline.sandbox.received.at(-1)).toMatchObject({ sid: ACCOUNT.sid, businessNumber: ACCOUNT.number });
  });

  it("GIVEN the configured shop WHEN test-send THEN Kaleyra accepts it and status shows it verified, the key by its last 4 only", async () => {
    const before = pipeline.sandbox.received.length;
    const sent = await shopCommand([SHOP, "test-send", "+1 502 555 0199"]);
    expect(sent.code).toBe(0);
    expect(sent.output).toMatch(/\(WA202, HTTP 202\)/);
    expect(pipeline.sandbox.received.length).toBe(before + 1);
    expect((pipeline.sandbox.received.at(-1)?.body as { messaging_object: { to: string } }).messaging_object.to).toBe("+15025550199");

    const status = await shopCommand([SHOP, "status"]);
    expect(status.code).toBe(0);
    expect(status.output).toContain(`API key          …${ACCOUNT.apiKey.slice(-4)}`);
    expect(status.output).toMatch(/verified\s+\d{4}-\d\d-\d\dT/);
    expect(status.output).toMatch(/messages\s+sent 1/);
  });

  it("GIVEN the configured shop WHEN callbacks THEN it prints the callback URL and secret once, and Kaleyra's callbacks with them are taken", async () => {
    // In this process (the command line itself is parsed in app/operator/shop-command.test.ts):
    // one more tsx start per engine cost the suite about 10 s.
    const lines: string[] = [];
    const code = await runShopCommand(
      adminDeps({ sql: pipeline.db, appUrl: pipeline.app.url }),
      { kind: "callbacks", shop: SHOP },
      { readApiKey: async () => "", readInput: async () => "", print: (line) => lines.push(line) },
    );
    const issued = { code, output: lines.join("\n") };
    outputs.push(issued.output);
    expect(issued.code).toBe(0);
    const url = /URL\s+(\S+)/.exec(issued.output)?.[1];
    const secret = /x-callback-secret: (\S+)/.exec(issued.output)?.[1];
    expect(url).toMatch(new RegExp(`^${pipeline.app.url}/kaleyra/callbacks/[A-Za-z0-9_-]{43}$`));
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    // Stored encrypted: the secret is nowhere in the shop's row.
    expect(JSON.stringify(await shopRow())).not.toContain(secret!);
    const callback = (header: string) =>
      fetch(url!, { method: "POST", headers: { "content-type": "application/json", "x-callback-secret": header }, body: JSON.stringify({ status: "read", message_id: "k-1" }) });
    expect((await callback(secret!)).status).toBe(200);
    expect((await callback(`${secret!}x`)).status).toBe(401);
  });

  it("GIVEN consents the shop holds WHEN consent-import reads them THEN each is recorded as an import; a file with a bad line imports nothing", async () => {
    const run = async (input: string) => {
      const lines: string[] = [];
      const code = await runShopCommand(adminDeps({ sql: pipeline.db, appUrl: pipeline.app.url }), { kind: "consent-import", shop: SHOP }, {
        readApiKey: async () => "",
        readInput: async () => input,
        print: (line) => lines.push(line),
      });
      return { code, output: lines.join("\n") };
    };
    const shoppers = () => pipeline.db.query<{ phone: string; consent: string; consentSource: string; consentWording: string | null }>(
      `SELECT "phone", "consent", "consentSource", "consentWording" FROM "Shopper" WHERE "shopDomain" = ? ORDER BY "phone"`,
      [SHOP],
    );
    const bad = await run("+919812345601,opted_in\nnot-a-phone,opted_out\n");
    expect(bad).toEqual({ code: 1, output: expect.stringContaining("line 2:") });
    expect(await shoppers()).toEqual([]);
    const good = await run("phone,consent,wording\n+919812345601,opted_in,Ticked at checkout\n+919812345602,out\n");
    expect(good).toEqual({ code: 0, output: `${SHOP}: 2 consents recorded (1 opted in, 1 opted out)` });
    expect(await shoppers()).toEqual([
      { phone: "+919812345601", consent: "opted_in", consentSource: "import", consentWording: "Ticked at checkout" },
      { phone: "+919812345602", consent: "opted_out", consentSource: "import", consentWording: null },
    ]);
  });

  it("GIVEN Kaleyra paused the shop for low balance WHEN status, then resume after the top-up THEN the paused message is sent", async () => {
    pipeline.sandbox.setBalance(ACCOUNT.sid, 0);
    expect((await postWebhook(pipeline.app.url, { topic: "orders/create", shop: SHOP, body: orderPayload({ id: "5002", name: "#5002" }) })).status).toBe(200);
    await waitFor(async () => ((await shopRow())?.pausedReason === "low_balance" ? true : undefined), 15_000, "the low-balance pause");
    const status = await shopCommand([SHOP, "status"]);
    expect(status.output).toMatch(/paused\s+low_balance \(E110\)/);

    pipeline.sandbox.setBalance(ACCOUNT.sid, 1000);
    const resumed = await shopCommand([SHOP, "resume"]);
    expect(resumed.code).toBe(0);
    expect(resumed.output).toContain(`${SHOP}: resumed (was low_balance); 1 messages queued again`);
    await pipeline.settle();
    expect(sentTo(SHOP).some((m) => JSON.stringify(m.body).includes('"reference_id":"5002"'))).toBe(true);
    expect((await shopCommand([SHOP, "resume"])).output).toContain(`${SHOP}: not paused`);
  });
});
