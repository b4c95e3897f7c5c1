/**
 * The README's screenshots: Home, Settings, Templates, Messages and a message's detail at a
 * desktop width (1280 px) and a phone's (390 px), of one shop with a week of orders.
 * Run by `npm run screenshots` only (see screenshots.config.ts).
 */
import { expect, it } from "vitest";
import { ACCOUNT, makeShop } from "../factories";
import { adminSuite } from "./support/suite";

const suite = adminSuite();
const WIDTHS = [
  { suffix: "", viewport: { width: 1280, height: 800 } },
  { suffix: "-390", viewport: { width: 390, height: 844 } },
];

it("writes the screenshots of every page at 1280 px and 390 px", async () => {
  const shop = "sunrise-ceramics.myshopify.com";
  await makeShop(suite.pipeline.db, shop);
  await suite.pipeline.db.execute(
    `UPDATE "Shop" SET "name" = ?, "credentialsVerifiedAt" = ?, "testMessageSentAt" = ? WHERE "domain" = ?`,
    ["Sunrise Ceramics", new Date(), new Date(), shop],
  );
  await suite.placeOrder(shop, "8001", "#1001");
  await suite.shipOrder(shop, "8001");
  await suite.placeOrder(shop, "8002", "#1002");
  await suite.shipOrder(shop, "8002");
  await suite.placeOrder(shop, "8003", "#1003");
  await suite.placeOrder(shop, "8004", "#1004", { phone: null, customer: null, billing_address: null, shipping_address: null });
  await suite.waitForStates(shop, ["sent", "sent", "sent", "sent", "sent", "skipped"], "the shop's messages");
  suite.pipeline.sandbox.setFaults({ forceCode: "WA400" });
  await suite.shipOrder(shop, "8003");
  await suite.waitForStates(shop, ["sent", "sent", "sent", "sent", "sent", "skipped", "failed"], "the refused message");
  suite.pipeline.sandbox.setFaults({});
  const failed = (await suite.messagesOf(shop)).find((m) => m.state === "failed");

  for (const { suffix, viewport } of WIDTHS) {
    const view = await suite.merchant(shop, viewport);
    const { page } = view;
    await view.open("/app");
    await page.getByText("Setup is complete.").waitFor();
    await view.screenshot(`home${suffix}`);
    await view.open("/app/settings");
    await page.getByLabel("Kaleyra SID").waitFor();
    expect(await page.getByLabel("Kaleyra SID").inputValue()).toBe(ACCOUNT.sid);
    await view.screenshot(`settings${suffix}`);
    await view.open("/app/templates");
    await page.getByTestId("preview-processing").getByText("from Sunrise Ceramics", { exact: false }).waitFor();
    await view.screenshot(`templates${suffix}`);
    await view.open("/app/messages");
    await page.getByRole("link", { name: "#1003" }).first().waitFor();
    await view.screenshot(`messages${suffix}`);
    await view.open(`/app/messages/${failed?.id}`);
    await page.getByRole("link", { name: "Edit the “Shipped” template" }).waitFor();
    await view.screenshot(`message-detail${suffix}`);
  }
});
