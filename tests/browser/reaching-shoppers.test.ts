/**
 * Settings' "Reaching shoppers" in a real browser, against the production build (run
 * `npm run build` first): the form of the messages, who gets them, the shop's own STOP and
 * START keywords and the template language, saved with the rest of Settings; and the
 * number's Incoming URL beside the callback URL. See admin.test.ts for how the suite runs.
 */
import { describe, expect, it } from "vitest";
import { makeShop } from "../factories";
import { bannerTitled, errorNextTo, adminSuite } from "./support/suite";

const suite = adminSuite();
const { merchant, shopRow } = suite;

const STOP_FIELD = "Your own STOP keywords";
const START_FIELD = "Your own START keywords";
const LANGUAGE_FIELD = "Template language when none matches the shopper's";

describe("Reaching shoppers", () => {
  it("GIVEN a configured shop WHEN the merchant sends only to opted-in shoppers, types keywords and saves THEN they are stored and shown again after a reload", async () => {
    const shop = "reaching-opted-in.myshopify.com";
    await makeShop(suite.pipeline.db, shop);
    const view = await merchant(shop);
    await view.open("/app/settings#reaching-shoppers");
    const { page } = view;

    expect(await page.getByLabel("Everyone with a phone number").isChecked()).toBe(true);
    await page.getByText("WhatsApp requires a shopper's opt-in before a business messages them").waitFor();
    await page.getByText("Only shoppers who opted in", { exact: true }).click();
    await page.getByText("Always an approved template", { exact: true }).click();
    await page.getByLabel("My checkout collects WhatsApp consent: count an order as the shopper's opt-in").check();
    await page.getByLabel(STOP_FIELD).fill("halt,  no more, HALT,");
    await page.getByLabel(START_FIELD).fill("yes please");
    await page.getByLabel("Send one confirmation when a shopper opts out").uncheck();
    await page.getByLabel(LANGUAGE_FIELD).fill("pt-br");
    expect((await view.appBridge()).saveBars["settings-save-bar"]).toBe(true);
    await page.getByRole("button", { name: "Save", exact: true }).click();

    await suite.waitForToast(view, "Settings saved");
    await expect.poll(async () => (await view.appBridge()).saveBars["settings-save-bar"]).toBe(false);
    // The page shows what is stored: the keywords tidied, the language in WhatsApp's spelling.
    expect(await page.getByLabel(STOP_FIELD).inputValue()).toBe("halt, no more");
    expect(await page.getByLabel(LANGUAGE_FIELD).inputValue()).toBe("pt_BR");
    const row = await shopRow(shop);
    expect(row).toMatchObject({
      consentPolicy: "opted_in",
      messageForm: "template",
      optOutKeywords: "halt, no more",
      optInKeywords: "yes please",
      templateLanguage: "pt_BR",
    });
    expect(Boolean(row?.checkoutConsent)).toBe(true);
    expect(Boolean(row?.optOutConfirmation)).toBe(false);

    await page.reload();
    await page.waitForLoadState("networkidle");
    expect(await page.getByLabel("Only shoppers who opted in").isChecked()).toBe(true);
    expect(await page.getByLabel("Always an approved template").isChecked()).toBe(true);
    expect(await page.getByLabel("My checkout collects WhatsApp consent: count an order as the shopper's opt-in").isChecked()).toBe(true);
    expect(await page.getByLabel(STOP_FIELD).inputValue()).toBe("halt, no more");
    expect(await page.getByLabel(START_FIELD).inputValue()).toBe("yes please");
    expect(await page.getByLabel("Send one confirmation when a shopper opts out").isChecked()).toBe(false);
    expect(await page.getByLabel(LANGUAGE_FIELD).inputValue()).toBe("pt_BR");
    expect(await view.unlabelledFields()).toEqual([]);
  });

  it("GIVEN a bad language code and a STOP keyword with punctuation WHEN saved THEN each error shows next to its field, the first is focused, and nothing is stored", async () => {
    const shop = "reaching-bad-language.myshopify.com";
    await makeShop(suite.pipeline.db, shop);
    const before = await shopRow(shop);
    const view = await merchant(shop);
    await view.open("/app/settings");
    const { page } = view;

    await page.getByText("Only shoppers who opted in", { exact: true }).click();
    await page.getByLabel(STOP_FIELD).fill("STOP!");
    await page.getByLabel(LANGUAGE_FIELD).fill("english");
    await page.getByRole("button", { name: "Save", exact: true }).click();

    await bannerTitled(page, "Nothing was saved").waitFor();
    expect(await errorNextTo(page.getByLabel(LANGUAGE_FIELD))).toBe("Use a WhatsApp language code such as en, es, en_US or pt_BR.");
    expect(await errorNextTo(page.getByLabel(STOP_FIELD))).toBe(
      "Use only letters, digits and spaces in a keyword (not “STOP!”), and commas between keywords.",
    );
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("settings-optOutKeywords");
    // The typed values stay for the merchant to fix.
    expect(await page.getByLabel(LANGUAGE_FIELD).inputValue()).toBe("english");
    expect(await shopRow(shop)).toEqual(before);

    // Fixing the field takes its error away at once.
    await page.getByLabel(LANGUAGE_FIELD).fill("es");
    expect(await errorNextTo(page.getByLabel(LANGUAGE_FIELD))).toBeNull();
  });

  it("GIVEN delivery updates set up WHEN the merchant looks at them THEN the Incoming URL for the number carries the callbacks' token", async () => {
    const shop = "reaching-inbound-url.myshopify.com";
    await makeShop(suite.pipeline.db, shop);
    const view = await merchant(shop);
    await view.open("/app/settings#delivery-updates");
    const { page } = view;

    expect(await page.getByLabel("Incoming URL").count()).toBe(0);
    await page.getByRole("button", { name: "Generate" }).click();
    await page.getByRole("button", { name: "Set up delivery updates" }).click();
    await bannerTitled(page, "Saved").waitFor();
    const callback = await page.getByLabel("Callback URL").inputValue();
    const inbound = await page.getByLabel("Incoming URL").inputValue();
    const token = /\/kaleyra\/callbacks\/([A-Za-z0-9_-]{43})$/.exec(callback)?.[1];
    expect(token).toBeDefined();
    expect(inbound).toBe(callback.replace(`/kaleyra/callbacks/${token}`, `/kaleyra/inbound/${token}`));
    await page.getByText("Shoppers' messages open WhatsApp's 24-hour window and carry their STOP and START.").waitFor();

    await view.open("/app/settings#delivery-updates");
    expect(await page.getByLabel("Incoming URL").inputValue()).toBe(inbound);
  });
});
