import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { KaleyraSandbox } from "../../sandbox/kaleyra-sandbox";
import type { KaleyraClient } from "../kaleyra/client.server";
import { testSendHelp } from "./test-send-help";
import { TEST_REFERENCE_ID } from "./settings.server";
import { loadWhatsAppTemplates, removeWhatsAppTemplate, saveWhatsAppTemplateForm, sendTemplateTest } from "./whatsapp-templates.server";
import { makeWhatsAppTemplate } from "../../tests/factories";
import { openAdminSandbox, makeAdminShop, type AdminSandbox, type AdminTestDatabase } from "../../tests/helpers/admin-database";

let t: AdminTestDatabase;
let sandbox: KaleyraSandbox;
let kaleyra: KaleyraClient;
let counter = 0;
let shop: string;

let opened: AdminSandbox | undefined;

beforeAll(async () => {
  opened = await openAdminSandbox();
  ({ t, sandbox, kaleyra } = opened);
});

afterAll(async () => {
  await opened?.close();
});

beforeEach(() => {
  shop = `wa-templates-${++counter}.myshopify.com`;
  sandbox.reset();
});

const FORM = {
  status: "shipped",
  kind: "utility",
  language: "en",
  name: "order_shipped",
  body: "Hi {{1}}, your order {{2}} has shipped.",
  "bodyParams.1": "customer_first_name",
  "bodyParams.2": "order_name",
  headerParam: "",
  buttonParam: "tracking_number",
};

const rows = (domain: string) => t.prisma.whatsAppTemplate.findMany({ where: { shopDomain: domain }, orderBy: { id: "asc" } });

/** What the sandbox received, as the template part of Kaleyra's body. */
function receivedTemplates(): Array<{ type: unknown; to: unknown; template: Record<string, unknown> }> {
  return sandbox.received.map((message) => (message.body as { messaging_object: { type: unknown; to: unknown; template: Record<string, unknown> } }).messaging_object);
}

describe("saving and listing", () => {
  it("GIVEN a valid mapping WHEN saved THEN one row holds it and the page lists it with what it is used for", async () => {
    const result = await saveWhatsAppTemplateForm(t.deps, shop, FORM);
    expect(result).toEqual({ ok: true, id: expect.any(String) });
    const [row] = await rows(shop);
    expect(row).toMatchObject({ kind: "utility", status: "shipped", language: "en", name: "order_shipped", headerParam: null, buttonParam: "tracking_number" });
    expect(JSON.parse(row?.bodyParams ?? "")).toEqual(["customer_first_name", "order_name"]);
    expect(row?.updatedAt).toEqual(t.clock.now);

    const page = await loadWhatsAppTemplates(t.deps, shop);
    expect(page.shopName).toBe(shop.replace(".myshopify.com", ""));
    expect(page.templates).toEqual([
      expect.objectContaining({ id: row?.id, bodyParams: ["customer_first_name", "order_name"], inUseFor: expect.stringContaining("“Shipped” updates") }),
    ]);
  });

  it("GIVEN a gap in the placeholders WHEN saved THEN the body's error comes back and nothing is stored", async () => {
    const result = await saveWhatsAppTemplateForm(t.deps, shop, { ...FORM, body: "Hi {{1}}, order {{3}}" });
    expect(result).toEqual({ ok: false, errors: { body: expect.stringContaining("{{2}} is missing") } });
    expect(await rows(shop)).toEqual([]);
  });

  it("GIVEN a saved template WHEN the same status, kind and language is saved again THEN it is replaced, not doubled", async () => {
    const first = await saveWhatsAppTemplateForm(t.deps, shop, FORM);
    const second = await saveWhatsAppTemplateForm(t.deps, shop, { ...FORM, name: "order_shipped_v2" });
    expect(second).toEqual(first);
    expect((await rows(shop)).map((row) => row.name)).toEqual(["order_shipped_v2"]);
  });

  it("GIVEN an edit that changes the language WHEN saved THEN the template moves: the old language's row goes", async () => {
    const saved = await saveWhatsAppTemplateForm(t.deps, shop, FORM);
    const id = saved.ok ? saved.id : "";
    await saveWhatsAppTemplateForm(t.deps, shop, { ...FORM, id, language: "pt_BR" });
    expect((await rows(shop)).map((row) => row.language)).toEqual(["pt_BR"]);
  });

  it("GIVEN another shop's template id in an edit WHEN saved THEN the other shop's template stays", async () => {
    const other = `other-${shop}`;
    const theirs = await makeWhatsAppTemplate(t.deps.sql, other);
    await saveWhatsAppTemplateForm(t.deps, shop, { ...FORM, id: theirs });
    expect((await rows(other)).map((row) => row.id)).toEqual([theirs]);
    expect(await rows(shop)).toHaveLength(1);
  });

  it("GIVEN a stored row with broken body parameters WHEN listed THEN it shows with none instead of failing", async () => {
    await makeWhatsAppTemplate(t.deps.sql, shop, { bodyParams: "{broken" });
    expect((await loadWhatsAppTemplates(t.deps, shop)).templates[0]?.bodyParams).toEqual([]);
  });
});

describe("deleting", () => {
  it("GIVEN the shop's template and another shop's WHEN each id is deleted by the shop THEN only its own goes", async () => {
    const own = await makeWhatsAppTemplate(t.deps.sql, shop);
    const other = `other-${shop}`;
    const theirs = await makeWhatsAppTemplate(t.deps.sql, other);
    expect(await removeWhatsAppTemplate(t.deps, shop, theirs)).toBe(false);
    expect(await rows(other)).toHaveLength(1);
    expect(await removeWhatsAppTemplate(t.deps, shop, own)).toBe(true);
    expect(await rows(shop)).toEqual([]);
  });
});

describe("sendTemplateTest", () => {
  it("GIVEN saved credentials and a utility template WHEN a test is sent THEN Kaleyra gets the template with the sample values and WA202 is explained", async () => {
    await makeAdminShop(t.deps, shop, { name: "Sunrise Ceramics" });
    const id = await makeWhatsAppTemplate(t.deps.sql, shop, { language: "en_US", buttonParam: "tracking_number" });
    const result = await sendTemplateTest(t.deps, shop, id, "+91 98123 45678", kaleyra);
    expect(result).toMatchObject({ ok: true, report: { ok: true, code: "WA202", title: testSendHelp("accepted").title, action: expect.stringContaining("WhatsApp Manager") } });
    expect(receivedTemplates()).toEqual([
      {
        type: "template",
        to: "+919812345678",
        messaging_product: "whatsapp",
        recipient_type: "individual",
        template: {
          name: "order_shipped",
          language: { policy: "deterministic", code: "en_US" },
          components: [
            { type: "body", parameters: [{ type: "text", text: "Priya" }, { type: "text", text: "#1001" }] },
            { type: "button", sub_type: "url", index: "0", parameters: [{ type: "text", text: "BD123456789IN" }] },
          ],
        },
      },
    ]);
  });

  it("GIVEN an order-status template WHEN a test is sent THEN its button updates the sample reference with the template's status", async () => {
    await makeAdminShop(t.deps, shop);
    const id = await makeWhatsAppTemplate(t.deps.sql, shop, { kind: "order_status", status: "completed", bodyParams: '["shop_name"]', body: "From {{1}}" });
    expect(await sendTemplateTest(t.deps, shop, id, "+919812345678", kaleyra)).toMatchObject({ ok: true, report: { ok: true } });
    const [sent] = receivedTemplates();
    expect(sent?.template.components).toEqual([
      { type: "body", parameters: [{ type: "text", text: shop.replace(".myshopify.com", "") }] },
      {
        type: "button",
        sub_type: "order_status",
        index: "0",
        parameters: [{ type: "order_status", order_status: { reference_id: TEST_REFERENCE_ID, order: { status: "completed" } } }],
      },
    ]);
  });

  it("GIVEN a wrong key WHEN a test is sent THEN RBC001 is explained and the shop's verification is left alone", async () => {
    await makeAdminShop(t.deps, shop, { apiKey: "Awrong-key-0000" });
    const id = await makeWhatsAppTemplate(t.deps.sql, shop);
    const result = await sendTemplateTest(t.deps, shop, id, "+919812345678", kaleyra);
    const help = testSendHelp("config_error:credentials");
    expect(result).toMatchObject({ ok: true, report: { ok: false, code: "RBC001", title: help.title, action: help.action } });
    expect(JSON.stringify(result)).not.toContain("Awrong-key-0000");
  });

  it("GIVEN a bad number, another shop's template or no credentials WHEN a test is sent THEN nothing is sent and the page is told why", async () => {
    const theirs = await makeWhatsAppTemplate(t.deps.sql, `other-${shop}`);
    const own = await makeWhatsAppTemplate(t.deps.sql, shop);
    expect(await sendTemplateTest(t.deps, shop, own, "12", kaleyra)).toMatchObject({ ok: false, errors: { to: expect.stringContaining("with country code") } });
    expect(await sendTemplateTest(t.deps, shop, theirs, "+919812345678", kaleyra)).toEqual({
      ok: false,
      errors: { form: "This template is no longer saved. Reload the page." },
    });
    expect(await sendTemplateTest(t.deps, shop, own, "+919812345678", kaleyra)).toMatchObject({ ok: false, errors: { form: expect.stringContaining("Settings first") } });
    await makeAdminShop(t.deps, shop, { encryptionKey: Buffer.alloc(32, 1).toString("base64") });
    expect(await sendTemplateTest(t.deps, shop, own, "+919812345678", kaleyra)).toMatchObject({ ok: false, errors: { form: expect.stringContaining("can no longer be read") } });
    expect(sandbox.received).toHaveLength(0);
  });
});
