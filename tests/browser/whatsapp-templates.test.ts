/**
 * The WhatsApp templates page in a real browser (see admin.test.ts for the set-up): the
 * merchant maps an approved template's placeholders to the app's variables, sees the
 * preview fill, saves it, and sends it as a test that reaches the Kaleyra sandbox.
 */
import { describe, expect, it } from "vitest";
import { testSendHelp } from "../../app/admin/test-send-help";
import { makeShop, makeWhatsAppTemplate } from "../factories";
import { bannerTitled, errorNextTo, adminSuite } from "./support/suite";

const suite = adminSuite();
const { merchant } = suite;

const templatesOf = (shop: string) =>
  suite.pipeline.db.query(`SELECT "kind", "status", "language", "name", "bodyParams" FROM "WhatsAppTemplate" WHERE "shopDomain" = ?`, [shop]);

describe("WhatsApp templates", () => {
  it("GIVEN an approved template's body WHEN the merchant maps its two placeholders and saves THEN the preview fills with the sample order and the template is listed", async () => {
    const shop = "wa-templates-add.myshopify.com";
    const view = await merchant(shop);
    await view.open("/app/whatsapp-templates");
    const { page } = view;
    await page.getByText("No templates yet.").waitFor();

    await page.getByLabel("Order status").selectOption("shipped");
    await page.getByLabel("Kind").selectOption("utility");
    await page.getByLabel("Language").fill("en_US");
    await page.getByLabel("Template name").fill("order_shipped");
    await page.getByLabel("Body as approved").fill("Hi {{1}}, your order {{2}} has shipped.");
    await page.getByLabel("{{1}} is filled with").selectOption("customer_first_name");
    await page.getByLabel("{{2}} is filled with").selectOption("order_name");
    await expect.poll(() => page.getByTestId("preview-text").textContent()).toBe("Hi Priya, your order #1001 has shipped.");
    expect(await view.unlabelledFields()).toEqual([]);

    await page.getByRole("button", { name: "Save template" }).click();
    await suite.waitForToast(view, "Template saved");
    await page.getByRole("heading", { name: "Utility · en_US · order_shipped" }).waitFor();
    await page.getByText("In use for “Shipped” updates of orders not placed in WhatsApp").waitFor();
    expect(await templatesOf(shop)).toEqual([
      { kind: "utility", status: "shipped", language: "en_US", name: "order_shipped", bodyParams: '["customer_first_name","order_name"]' },
    ]);
    // The form starts afresh for the next template.
    expect(await page.getByLabel("Body as approved").inputValue()).toBe("");
  });

  it("GIVEN a body with {{1}} and {{3}} WHEN the merchant saves THEN the gap is named next to the body and nothing is stored", async () => {
    const shop = "wa-templates-gap.myshopify.com";
    const view = await merchant(shop);
    await view.open("/app/whatsapp-templates");
    const { page } = view;

    await page.getByLabel("Language").fill("en");
    await page.getByLabel("Template name").fill("order_shipped");
    await page.getByLabel("Body as approved").fill("Hi {{1}}, your order {{3}} has shipped.");
    await page.getByLabel("{{1}} is filled with").selectOption("customer_first_name");
    await page.getByLabel("{{3}} is filled with").selectOption("order_name");
    const gap = "Placeholders must run from {{1}} to {{2}} without gaps: {{2}} is missing.";
    expect(await errorNextTo(page.getByLabel("Body as approved"))).toBe(gap);

    await page.getByRole("button", { name: "Save template" }).click();
    await suite.waitForToast(view, "Nothing was saved: fix the marked fields");
    expect(await errorNextTo(page.getByLabel("Body as approved"))).toBe(gap);
    expect(await templatesOf(shop)).toEqual([]);
  });

  it("GIVEN a saved template and credentials WHEN the merchant sends it as a test THEN the page shows Kaleyra's answer and the sandbox got the template with the sample values", async () => {
    const shop = "wa-templates-test.myshopify.com";
    await makeShop(suite.pipeline.db, shop);
    await makeWhatsAppTemplate(suite.pipeline.db, shop, { language: "en_US", name: "order_shipped_test" });
    const view = await merchant(shop);
    await view.open("/app/whatsapp-templates");
    const { page } = view;

    await page.getByLabel("Send a test of order_shipped_test (en_US) to").fill("+91 98123 45678");
    await page.getByRole("button", { name: "Send a test of order_shipped_test (en_US)" }).click();

    await bannerTitled(page, `WA202: ${testSendHelp("accepted").title}`).waitFor();
    const sent = suite.pipeline.sandbox.received.filter((message) => message.summary.to === "+919812345678");
    expect(sent.map((message) => message.summary)).toEqual([
      { form: "template", to: "+919812345678", template: { name: "order_shipped_test", language: "en_US", body: ["Priya", "#1001"] } },
    ]);
    expect(sent[0]?.body).toMatchObject({ messaging_object: { type: "template" } });
  });
});
