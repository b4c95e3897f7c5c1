/**
 * `npm run demo`: the app's main job on the embedded default, with no Shopify account and no
 * internet. It starts the production server on a fresh SQLite file and the local Kaleyra
 * sandbox, configures one shop, then replays order lifecycles as HMAC-signed webhooks over
 * HTTP and prints every WhatsApp message the sandbox received. The sandbox then posts status
 * callbacks to the shop's callback URL, as Kaleyra does, and the demo prints what each message
 * became: read, or (for a number not on WhatsApp) failed with the explanation.
 *
 * `--open` (`npm run preview`) keeps the server running afterwards with the admin preview on
 * (app/preview/, development only): it prints the URL of the demo shop's admin, and each
 * Enter places another order, whose message is printed as the sandbox receives it.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { shownDelivery } from "../app/admin/delivery";
import { encryptSecret } from "../app/crypto/secrets.server";
import { openSqlDatabase, type SqlDatabase } from "../app/db/sql.server";
import {
  cancelledOrderPayload,
  fulfillmentEventPayload,
  fulfillmentPayload,
  LINE_A,
  LINE_B,
  lineItem,
  orderPayload,
  orderUpdatedPayload,
} from "../app/orders/__fixtures__/lifecycle";
import { startKaleyraSandbox } from "../sandbox/kaleyra-sandbox";
import { freePort, startProcess, waitFor } from "../tests/helpers/process";
import { postWebhook } from "../tests/helpers/webhooks";

const SHOP = "demo-shop.myshopify.com";
const OPEN = process.argv.includes("--open");
const ACCOUNT = { sid: "HXAP16DEMO0097IN", apiKey: `A${randomBytes(15).toString("hex")}`, number: "+919876543210" };
const SECRET = randomBytes(24).toString("hex");
// The shop's callback URL token and secret, as Settings issues them, pasted into the sandbox's profile.
const CALLBACK = { token: randomBytes(32).toString("base64url"), secret: randomBytes(24).toString("base64url") };
const NOT_ON_WHATSAPP = "+14155550100";
const ENCRYPTION_KEY = randomBytes(32).toString("base64");

const dir = mkdtempSync(path.join(tmpdir(), "order-status-demo-"));
const databaseUrl = `file:${path.join(dir, "demo.sqlite")}`;
const sandbox = await startKaleyraSandbox({
  accounts: [{ sid: ACCOUNT.sid, apiKey: ACCOUNT.apiKey, numbers: [ACCOUNT.number] }],
});
const port = await freePort();
const appUrl = `http://127.0.0.1:${port}`;
// The preview is development only: the server itself refuses it under NODE_ENV=production.
const previewEnv: Record<string, string> = OPEN
  ? { NODE_ENV: process.env.NODE_ENV ?? "development", ADMIN_PREVIEW_SHOP: SHOP, HOST: "127.0.0.1" }
  : {};
const server = startProcess("node", ["build/server.js"], {
  SHOPIFY_API_KEY: "demo-client-id",
  SHOPIFY_API_SECRET: SECRET,
  SHOPIFY_APP_URL: appUrl,
  DATABASE_URL: databaseUrl,
  ENCRYPTION_KEY,
  PORT: String(port),
  LOG_LEVEL: "warn",
  KALEYRA_BASE_URL: sandbox.url,
  ...previewEnv,
});

function printMessage(received: unknown): void {
  const body = received as {
    messaging_object: {
      to: string;
      interactive: { body: { text: string }; action: { parameters: { reference_id: string; order: { status: string } } } };
    };
  };
  const { to, interactive } = body.messaging_object;
  const { reference_id, order } = interactive.action.parameters;
  console.log(`  ${order.status.padEnd(17)} to ${to.padEnd(14)} ref ${reference_id.padEnd(5)} "${interactive.body.text.replace(/\n/g, " / ")}"`);
}

/** `--open`: the admin preview's URL, then one more order per Enter until Ctrl-C. */
async function keepOpen(send: (topic: string, body: unknown) => Promise<void>, db: SqlDatabase): Promise<void> {
  console.log(`\nAdmin preview (development only): ${appUrl}/__preview`);
  console.log("  Open it in a browser: the demo shop's Home, Settings, Templates and Messages.");
  console.log("  Press Enter here to place another order and print its message; Ctrl-C stops.");
  process.once("SIGINT", () => void finish(0));
  process.once("SIGTERM", () => void finish(0));
  let next = 2001;
  let queue = Promise.resolve();
  process.stdin.on("data", () => {
    queue = queue.then(async () => {
      const id = String(next++);
      const seen = sandbox.received.length;
      console.log(`order #${id}: placed`);
      await send("orders/create", orderPayload({ id, name: `#${id}` }));
      const [row] = await waitFor(async () => {
        const rows = await db.query<{ state: string; skipReason: string | null }>(
          `SELECT "state", "skipReason" FROM "Message" WHERE "shopDomain" = ? AND "orderId" = ? AND "state" NOT IN ('queued', 'sending')`,
          [SHOP, id],
        );
        return rows.length > 0 ? rows : undefined;
      }, 60_000, `the message of #${id}`);
      for (const message of sandbox.received.slice(seen)) printMessage(message.body);
      if (row?.state === "skipped") console.log(`  skipped processing for #${id}: ${row.skipReason}`);
    }).catch((error: unknown) => console.error(error));
  });
}

/** Waits for the sandbox's status callbacks to be posted and applied, prints each message's delivery; true when as expected. */
async function printDeliveries(db: SqlDatabase): Promise<boolean> {
  await waitFor(
    async () => {
      const inbox = await db.query<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "WebhookEvent" WHERE "outcome" = 'received'`);
      return sandbox.callbacks().pending === 0 && Number(inbox[0]?.n) === 0 ? true : undefined;
    },
    30_000,
    "the status callbacks",
  );
  const rows = await db.query<{
    orderName: string; orderStatus: string; deliveryState: string | null; whatsappSentAt: Date | null;
    deliveredAt: Date | null; readAt: Date | null; failedAt: Date | null; failure: string | null;
  }>(
    `SELECT "orderName", "orderStatus", "deliveryState", "whatsappSentAt", "deliveredAt", "readAt", "failedAt", "failure"
     FROM "Message" WHERE "deliveryState" IS NOT NULL ORDER BY "orderName", "createdAt"`,
  );
  console.log("\nDelivery, from Kaleyra's status callbacks:");
  let ok = rows.some((row) => row.orderName === "#1006");
  for (const row of rows) {
    const shown = shownDelivery(row);
    const times = shown?.times.map((t) => `${t.label} ${t.at.slice(11, 19)}`).join(", ") ?? "";
    const words = shown?.failure ? `${shown.failure.code}: ${shown.failure.explanation}` : times;
    console.log(`  ${row.orderName} ${row.orderStatus.padEnd(17)} ${(shown?.label ?? "no callback").padEnd(14)} ${words}`);
    const expected = row.orderName === "#1006" ? "failed" : "read";
    ok &&= row.deliveryState === expected;
  }
  return ok;
}

async function finish(code: number): Promise<never> {
  server.child.kill("SIGTERM");
  await server.exited;
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(code);
}

try {
  await Promise.race([
    waitFor(async () => ((await fetch(`${appUrl}/healthz`)).ok ? true : undefined), 20_000, "the server"),
    server.exited.then((code) => Promise.reject(new Error(`the server exited with code ${code}`))),
  ]);
  console.log(`app ${appUrl} (SQLite ${path.basename(dir)}), Kaleyra sandbox ${sandbox.url}: healthz 200`);

  // The merchant's settings, as the admin's Settings page stores them (API key encrypted).
  const db = openSqlDatabase(databaseUrl);
  const now = new Date();
  await db.execute(
    `INSERT INTO "Shop" ("domain", "name", "enabled", "kaleyraSid", "apiKeyCipher", "apiKeyLast4", "pod", "businessNumber", "callbackToken", "callbackSecretCipher", "createdAt", "updatedAt")
     VALUES (?, 'Sunrise Outfitters', ?, ?, ?, ?, 'IN', ?, ?, ?, ?, ?)`,
    [SHOP, true, ACCOUNT.sid, encryptSecret(ACCOUNT.apiKey, ENCRYPTION_KEY), ACCOUNT.apiKey.slice(-4), ACCOUNT.number, CALLBACK.token, encryptSecret(CALLBACK.secret, ENCRYPTION_KEY), now, now],
  );
  // Kaleyra's callback profile on the number: the shop's URL and secret header (README, Delivery updates).
  sandbox.setCallbackProfile(ACCOUNT.sid, {
    url: `${appUrl}/kaleyra/callbacks/${CALLBACK.token}`,
    headers: { "X-Callback-Secret": CALLBACK.secret },
    delaysMs: { sent: 200, delivered: 500, read: 1_200 },
  });
  sandbox.setFaults({ callbacks: { failTo: { [NOT_ON_WHATSAPP]: { code: 131026 } } } });

  async function send(topic: string, body: unknown, eventId: string = randomUUID()): Promise<void> {
    const response = await postWebhook(appUrl, { topic, shop: SHOP, body, eventId, secret: SECRET });
    console.log(`  webhook ${topic.padEnd(26)} -> ${response.status}`);
    if (response.status !== 200) throw new Error(`${topic} answered ${response.status}`);
  }

  const split = { id: "1001", name: "#1001", phone: "+1 502 555 0147" };
  const part1 = { id: "70011", status: "success", lines: [[LINE_A, 2]] as Array<[string, number]>, created: 10 };
  const part2 = { id: "70012", status: "success", lines: [[LINE_B, 1]] as Array<[string, number]>, created: 30 };
  const forOrder = (body: Record<string, unknown>, id: string) => ({ ...body, order_id: id });

  console.log(`order ${split.name}: shipped in two parts, then delivered; one duplicate and one late event`);
  await send("orders/create", orderPayload({ id: split.id, name: split.name }));
  await send("fulfillments/create", forOrder(fulfillmentPayload(part1), split.id), "evt-part1");
  await send("fulfillments/create", forOrder(fulfillmentPayload(part1), split.id), "evt-part1");
  await send("fulfillments/create", forOrder(fulfillmentPayload(part2), split.id));
  await send("fulfillment_events/create", forOrder(fulfillmentEventPayload({ id: "9001", fulfillmentId: part1.id, status: "delivered", happened: 90 }), split.id));
  await send("fulfillment_events/create", forOrder(fulfillmentEventPayload({ id: "9002", fulfillmentId: part2.id, status: "delivered", happened: 95 }), split.id));
  await send("fulfillment_events/create", forOrder(fulfillmentEventPayload({ id: "9003", fulfillmentId: part1.id, status: "in_transit", happened: 40 }), split.id));

  console.log("order #1002: cancelled before shipping");
  const cancelled = { id: "1002", name: "#1002", shipping_address: { phone: "+44 7400 123456", country_code: "GB" } };
  await send("orders/create", orderPayload(cancelled));
  await send("orders/cancelled", cancelledOrderPayload(5, cancelled));

  console.log("order #1003: no phone number anywhere");
  await send("orders/create", orderPayload({ id: "1003", name: "#1003", phone: null, customer: null, billing_address: null, shipping_address: { country_code: "US" } }));

  console.log("order #1004: a gift; the buyer (billing address, India) is told, not the recipient (shipping address, UK)");
  const gift = {
    id: "1004",
    name: "#1004",
    phone: null,
    customer: { first_name: "Asha", last_name: "Rao", phone: null },
    billing_address: { first_name: "Asha", last_name: "Rao", phone: "98765 43211", country_code: "IN" },
    shipping_address: { first_name: "Priya", last_name: "Shah", phone: "07400 123456", country_code: "GB" },
  };
  await send("orders/create", orderPayload(gift));
  await send("fulfillments/create", forOrder(fulfillmentPayload({ id: "70041", status: "success", lines: [[LINE_A, 2], [LINE_B, 1]], created: 10 }), gift.id));

  console.log("order #1005: A shipped, then the order is edited to remove B (orders/updated), then A is delivered");
  const edited = { id: "1005", name: "#1005", phone: "+91 98765 43212" };
  const withoutB = { line_items: [lineItem(LINE_A, 2), lineItem(LINE_B, 1, { current_quantity: 0, fulfillable_quantity: 0 })] };
  await send("orders/create", orderPayload(edited));
  await send("fulfillments/create", forOrder(fulfillmentPayload({ id: "70051", status: "success", lines: [[LINE_A, 2]], created: 10 }), edited.id));
  await send("orders/updated", orderUpdatedPayload(20, { ...edited, ...withoutB }));
  await send("orders/updated", orderUpdatedPayload(25, { ...edited, ...withoutB, tags: "vip" }));
  await send("fulfillment_events/create", forOrder(fulfillmentEventPayload({ id: "9051", fulfillmentId: "70051", status: "delivered", happened: 60 }), edited.id));

  console.log("order #1006: to a number not on WhatsApp: Kaleyra accepts it, WhatsApp's callback says 131026");
  await send("orders/create", orderPayload({ id: "1006", name: "#1006", phone: "+1 415 555 0100" }));

  // Per shopper, WhatsApp allows about one message per 6 seconds: four messages to one shopper take ~20 s.
  console.log("waiting for the inbox and the delivery worker (6 s between messages to the same shopper)...");
  await waitFor(
    async () => {
      // The inbox first: a delivery decided between the two counts queues its messages first.
      const inbox = await db.query<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "WebhookEvent" WHERE "outcome" = 'received'`);
      const rows = await db.query<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "Message" WHERE "state" IN ('queued', 'sending')`);
      return Number(inbox[0]?.n) === 0 && Number(rows[0]?.n) === 0 ? true : undefined;
    },
    60_000,
    "the inbox and the outbox to drain",
  );

  console.log("\nWhatsApp messages received by the Kaleyra sandbox:");
  for (const message of sandbox.received) printMessage(message.body);
  const skipped = await db.query<{ orderName: string; orderStatus: string; skipReason: string }>(
    `SELECT "orderName", "orderStatus", "skipReason" FROM "Message" WHERE "state" = 'skipped' ORDER BY "createdAt"`,
  );
  for (const row of skipped) console.log(`  skipped ${row.orderStatus} for ${row.orderName}: ${row.skipReason}`);

  const got = sandbox.received.map((m) => {
    const p = (m.body as { messaging_object: { interactive: { action: { parameters: { reference_id: string; order: { status: string } } } } } })
      .messaging_object.interactive.action.parameters;
    return `${p.reference_id}:${p.order.status}`;
  });
  const lifecycles: Record<string, string[]> = {
    "1001": ["processing", "partially_shipped", "shipped", "completed"],
    "1002": ["processing", "cancelled"],
    "1004": ["processing", "shipped"],
    "1005": ["processing", "partially_shipped", "shipped", "completed"],
    "1006": ["processing"],
  };
  const giftTo = sandbox.received
    .map((m) => m.body as { messaging_object: { to: string; interactive: { action: { parameters: { reference_id: string } } } } })
    .filter((b) => b.messaging_object.interactive.action.parameters.reference_id === "1004")
    .map((b) => b.messaging_object.to);
  const ok =
    got.length === Object.values(lifecycles).flat().length &&
    Object.entries(lifecycles).every(([id, statuses]) => got.filter((g) => g.startsWith(`${id}:`)).join() === statuses.map((s) => `${id}:${s}`).join()) &&
    giftTo.every((to) => to === "+919876543211") &&
    skipped.length === 1 &&
    (await printDeliveries(db));
  console.log(
    ok
      ? "\ndemo ok: every expected message sent exactly once, in lifecycle order; each read, except the one to a number not on WhatsApp, failed with its reason"
      : `\ndemo FAILED: got ${got.join(", ")}`,
  );
  if (!ok || !OPEN) {
    await db.close();
    await finish(ok ? 0 : 1);
  }
  await keepOpen(send, db);
} catch (error) {
  console.error(error);
  console.error(server.output());
  await finish(1);
}
