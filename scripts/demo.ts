/**
 * `npm run demo`: the app's main job on the embedded default, with no Shopify account and no
 * internet. It starts the production server on a fresh SQLite file and the local Kaleyra
 * sandbox, configures one shop, then replays order lifecycles as HMAC-signed webhooks over
 * HTTP and prints every WhatsApp message the sandbox received. Web-store orders are told by the
 * shop's approved templates; a shopper who writes to the shop and orders in WhatsApp gets the
 * seed's interactive message inside her 24-hour window, then writes STOP. The sandbox posts
 * status callbacks and inbound messages to the shop's URLs, as Kaleyra does, and the demo
 * prints what each message became: read, or (for a number not on WhatsApp) failed with the
 * explanation.
 *
 * `--open` (`npm run preview`) keeps the server running afterwards with the admin preview on
 * (app/preview/, development only): it prints the URL of the demo shop's admin, and each
 * Enter has another shopper write and order in WhatsApp, whose message is printed as the
 * sandbox receives it.
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
// The shopper who orders inside WhatsApp (the shop's WhatsApp checkout writes the note attribute).
const WHATSAPP_SHOPPER = "+919812345670";
const STATUS_WORDS = { processing: "is confirmed", partially_shipped: "is partly on its way", shipped: "is on its way", completed: "was delivered", cancelled: "was cancelled" } as const;
const TEMPLATE_OF = Object.fromEntries(Object.keys(STATUS_WORDS).map((status) => [status, `order_${status}`])) as Record<keyof typeof STATUS_WORDS, string>;
const STATUS_OF_TEMPLATE = Object.fromEntries(Object.entries(TEMPLATE_OF).map(([status, name]) => [name, status]));
const ENCRYPTION_KEY = randomBytes(32).toString("base64");

const dir = mkdtempSync(path.join(tmpdir(), "order-status-demo-"));
const databaseUrl = `file:${path.join(dir, "demo.sqlite")}`;
// WhatsApp's rules as the sandbox plays them: the window is enforced, and only the shop's approved templates exist.
const sandbox = await startKaleyraSandbox({
  accounts: [
    {
      sid: ACCOUNT.sid,
      apiKey: ACCOUNT.apiKey,
      numbers: [ACCOUNT.number],
      enforceWindow: true,
      templates: Object.values(TEMPLATE_OF).map((name) => ({ name, language: "en", bodyParams: 2 })),
    },
  ],
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

interface SentBody {
  messaging_object: {
    to: string;
    type: string;
    interactive?: { body: { text: string }; action: { parameters: { reference_id: string; order: { status: string } } } };
    template?: { name: string; language: { code: string }; components: Array<{ type: string; parameters: Array<{ text?: string }> }> };
    text?: { body: string };
  };
  extra_info: { ref1?: string };
}

/** "order id:status" of a sent message (a reply to a shopper is "reply"), whatever its form. */
function sentKey(received: unknown): string {
  const { messaging_object: m, extra_info } = received as SentBody;
  if (m.interactive) return `${extra_info.ref1}:${m.interactive.action.parameters.order.status}`;
  if (m.template) return `${extra_info.ref1}:${STATUS_OF_TEMPLATE[m.template.name] ?? m.template.name}`;
  return "reply";
}

function printMessage(received: unknown): void {
  const { messaging_object: m } = received as SentBody;
  if (m.interactive) {
    const { reference_id, order } = m.interactive.action.parameters;
    console.log(`  interactive ${order.status.padEnd(17)} to ${m.to.padEnd(14)} ref ${reference_id.padEnd(7)} "${m.interactive.body.text.replace(/\n/g, " / ")}"`);
  } else if (m.template) {
    const params = m.template.components.flatMap((c) => c.parameters.map((p) => p.text ?? "")).join(", ");
    console.log(`  template    ${m.template.name.padEnd(17)} to ${m.to.padEnd(14)} (${m.template.language.code}) [${params}]`);
  } else {
    console.log(`  text reply  ${"".padEnd(17)} to ${m.to.padEnd(14)} "${m.text?.body ?? ""}"`);
  }
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
      // A shopper who writes first and orders in WhatsApp: the interactive message, whose text the Templates page edits.
      const from = `+9198123${id.padStart(5, "0")}`;
      console.log(`order #${id}: ${from} writes to the shop, then orders in WhatsApp`);
      await sandbox.postInbound({ sid: ACCOUNT.sid, from, text: "Hi!" });
      await send("orders/create", orderPayload({ id, name: `#${id}`, phone: from, note_attributes: [{ name: "whatsapp_order_id", value: id }] }));
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
    orderName: string | null; orderStatus: string; deliveryState: string | null; whatsappSentAt: Date | null;
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
    console.log(`  ${(row.orderName ?? "reply").padEnd(5)} ${row.orderStatus.padEnd(17)} ${(shown?.label ?? "no callback").padEnd(14)} ${words}`);
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
    `INSERT INTO "Shop" ("domain", "name", "enabled", "kaleyraSid", "apiKeyCipher", "apiKeyLast4", "pod", "businessNumber", "callbackToken", "callbackSecretCipher", "referenceIdSource", "referenceIdAttribute", "createdAt", "updatedAt")
     VALUES (?, 'Sunrise Outfitters', ?, ?, ?, ?, 'IN', ?, ?, ?, 'note_attribute', 'whatsapp_order_id', ?, ?)`,
    [SHOP, true, ACCOUNT.sid, encryptSecret(ACCOUNT.apiKey, ENCRYPTION_KEY), ACCOUNT.apiKey.slice(-4), ACCOUNT.number, CALLBACK.token, encryptSecret(CALLBACK.secret, ENCRYPTION_KEY), now, now],
  );
  // The templates the merchant had approved, as the WhatsApp templates page stores them.
  for (const [status, words] of Object.entries(STATUS_WORDS)) {
    await db.execute(
      `INSERT INTO "WhatsAppTemplate" ("id", "shopDomain", "kind", "status", "language", "name", "body", "bodyParams", "updatedAt") VALUES (?, ?, 'utility', ?, 'en', ?, ?, ?, ?)`,
      [randomUUID(), SHOP, status, TEMPLATE_OF[status as keyof typeof STATUS_WORDS], `Hi {{1}}, your order {{2}} ${words}.`, JSON.stringify(["customer_first_name", "order_name"]), now],
    );
  }
  // Kaleyra's callback profile on the number: the shop's URL and secret header (README, Delivery updates).
  sandbox.setCallbackProfile(ACCOUNT.sid, {
    url: `${appUrl}/kaleyra/callbacks/${CALLBACK.token}`,
    headers: { "X-Callback-Secret": CALLBACK.secret },
    delaysMs: { sent: 200, delivered: 500, read: 1_200 },
  });
  // The number's Incoming URL: the shopper's own messages (the window, STOP) come there.
  sandbox.setIncomingProfile(ACCOUNT.sid, { url: `${appUrl}/kaleyra/inbound/${CALLBACK.token}`, headers: { "X-Callback-Secret": CALLBACK.secret } });
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

  const drained = () =>
    waitFor(
      async () => {
        // The inbox first: a delivery decided between the two counts queues its messages first.
        const inbox = await db.query<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "WebhookEvent" WHERE "outcome" = 'received'`);
        const rows = await db.query<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "Message" WHERE "state" IN ('queued', 'sending')`);
        return Number(inbox[0]?.n) === 0 && Number(rows[0]?.n) === 0 ? true : undefined;
      },
      60_000,
      "the inbox and the outbox to drain",
    );

  console.log(`order #1007: the shopper writes to the shop on WhatsApp, then orders in WhatsApp: the interactive message, inside her window`);
  const inbound = await sandbox.postInbound({ sid: ACCOUNT.sid, from: WHATSAPP_SHOPPER, text: "Hi! Is the blue mug in stock?", name: "Meera" });
  console.log(`  inbound "Hi! Is the blue mug in stock?" -> ${inbound.httpStatus}`);
  const whatsappOrder = { id: "1007", name: "#1007", phone: "+91 98123 45670", note_attributes: [{ name: "whatsapp_order_id", value: "WA-7731" }] };
  await send("orders/create", orderPayload(whatsappOrder));
  await waitFor(async () => {
    const rows = await db.query<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "Message" WHERE "orderId" = '1007' AND "state" = 'sent'`);
    return Number(rows[0]?.n) === 1 ? true : undefined;
  }, 30_000, "order #1007's message");
  console.log("  then she writes STOP: nothing more is sent to her, and one confirmation is");
  const stop = await sandbox.postInbound({ sid: ACCOUNT.sid, from: WHATSAPP_SHOPPER, text: "STOP" });
  console.log(`  inbound "STOP" -> ${stop.httpStatus}`);
  await drained();
  await send("fulfillments/create", forOrder(fulfillmentPayload({ id: "70071", status: "success", lines: [[LINE_A, 2], [LINE_B, 1]], created: 10 }), whatsappOrder.id));

  // Per shopper, WhatsApp allows about one message per 6 seconds: four messages to one shopper take ~20 s.
  console.log("waiting for the inbox and the delivery worker (6 s between messages to the same shopper)...");
  await drained();

  console.log("\nWhatsApp messages received by the Kaleyra sandbox:");
  for (const message of sandbox.received) printMessage(message.body);
  const skipped = await db.query<{ orderName: string; orderStatus: string; skipReason: string }>(
    `SELECT "orderName", "orderStatus", "skipReason" FROM "Message" WHERE "state" = 'skipped' ORDER BY "createdAt"`,
  );
  for (const row of skipped) console.log(`  skipped ${row.orderStatus} for ${row.orderName}: ${row.skipReason}`);

  const got = sandbox.received.map((m) => sentKey(m.body));
  const forms = sandbox.received.map((m) => `${(m.body as SentBody).extra_info.ref1 ?? ""}:${(m.body as SentBody).messaging_object.type}`);
  const lifecycles: Record<string, string[]> = {
    "1001": ["processing", "partially_shipped", "shipped", "completed"],
    "1002": ["processing", "cancelled"],
    "1004": ["processing", "shipped"],
    "1005": ["processing", "partially_shipped", "shipped", "completed"],
    "1006": ["processing"],
    "1007": ["processing"],
  };
  const giftTo = sandbox.received
    .map((m) => m.body as SentBody)
    .filter((b) => b.extra_info.ref1 === "1004")
    .map((b) => b.messaging_object.to);
  // Web-store orders by template, the WhatsApp order interactive, and one text reply to the STOP.
  const formsOk = forms.every((form) => (form.startsWith("1007:") ? form === "1007:interactive" : form.startsWith(":") ? form === ":text" : form.endsWith(":template")));
  const ok =
    got.length === Object.values(lifecycles).flat().length + 1 &&
    got.filter((key) => key === "reply").length === 1 &&
    formsOk &&
    Object.entries(lifecycles).every(([id, statuses]) => got.filter((g) => g.startsWith(`${id}:`)).join() === statuses.map((s) => `${id}:${s}`).join()) &&
    giftTo.every((to) => to === "+919876543211") &&
    skipped.length === 2 &&
    (await printDeliveries(db));
  console.log(
    ok
      ? "\ndemo ok: every expected message sent exactly once, in lifecycle order, web-store orders as approved templates and the WhatsApp order as the interactive message inside the window; the STOP stopped the rest with one confirmation; each read, except the one to a number not on WhatsApp, failed with its reason"
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
