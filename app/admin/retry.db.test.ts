import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { giftChanges, GIFT_RECIPIENT_PHONE_E164, SHIPPING_PHONE_E164 } from "../orders/__fixtures__/lifecycle";
import { retryMessage } from "./retry.server";
import { makeMessage, makeOrderState } from "../../tests/factories";
import { openAdminTestDatabase, makeAdminShop, type AdminTestDatabase } from "../../tests/helpers/admin-database";

let t: AdminTestDatabase;
let counter = 0;
let shop: string;

beforeAll(async () => {
  t = await openAdminTestDatabase();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(() => {
  shop = `retry-${++counter}.myshopify.com`;
});

async function message(id: string) {
  return t.prisma.message.findUniqueOrThrow({ where: { id } });
}

async function messageCount(domain: string): Promise<number> {
  return t.prisma.message.count({ where: { shopDomain: domain } });
}

describe("retryMessage", () => {
  it("GIVEN a failed message WHEN retried THEN the same row is queued now with its attempts reset", async () => {
    await makeAdminShop(t.deps, shop);
    await makeOrderState(t.deps.sql, shop, { id: "4100", name: "#4100" }, t.clock.now);
    const id = await makeMessage(t.deps.sql, shop, { orderId: "4100", orderStatus: "processing", state: "failed", attempts: 8, lastOutcome: "rejected", lastCode: "WA400" });
    expect(await retryMessage(t.deps, shop, id)).toMatchObject({ ok: true, state: "queued", skipReason: null });
    expect(await message(id)).toMatchObject({ state: "queued", attempts: 0, nextAttemptAt: t.clock.now, lastCode: "WA400" });
    expect(await messageCount(shop)).toBe(1);
  });

  it("GIVEN a message Kaleyra refused (WA400) and a template fixed since WHEN retried THEN it carries the fixed text and says what changed", async () => {
    await makeAdminShop(t.deps, shop);
    await makeOrderState(t.deps.sql, shop, { id: "4102", name: "#4102" }, t.clock.now);
    const id = await makeMessage(t.deps.sql, shop, {
      orderId: "4102",
      orderStatus: "processing",
      state: "failed",
      bodyText: "The old text Kaleyra refused",
      lastOutcome: "rejected",
      lastCode: "WA400",
    });
    await t.prisma.template.create({
      data: { shopDomain: shop, status: "processing", enabled: true, body: "Fixed: order {{order_name}} is confirmed.", description: null },
    });
    expect(await retryMessage(t.deps, shop, id)).toMatchObject({ ok: true, state: "queued", changed: ["message text"] });
    expect((await message(id)).bodyText).toBe("Fixed: order #4102 is confirmed.");
  });

  it("GIVEN a paused shop WHEN a failed message is retried THEN it waits with the others for the pause to lift", async () => {
    await makeAdminShop(t.deps, shop, { pausedReason: "low_balance" });
    await makeOrderState(t.deps.sql, shop, { id: "4101" }, t.clock.now);
    const id = await makeMessage(t.deps.sql, shop, { orderId: "4101", orderStatus: "processing", state: "failed" });
    expect(await retryMessage(t.deps, shop, id)).toMatchObject({ ok: true, state: "paused" });
    expect((await message(id)).state).toBe("paused");
  });

  it("GIVEN a message skipped while sending was off WHEN retried after switching it on THEN it is planned again from the order and queued", async () => {
    await makeAdminShop(t.deps, shop, { enabled: false, name: "Sunrise Ceramics" });
    await makeOrderState(t.deps.sql, shop, { id: "4001", name: "#4001" }, t.clock.now);
    const id = await makeMessage(t.deps.sql, shop, {
      orderId: "4001",
      orderStatus: "processing",
      state: "skipped",
      attempts: 0,
      recipient: null,
      referenceId: null,
      bodyText: null,
      skipReason: "sending is switched off for this shop",
    });
    expect((await retryMessage(t.deps, shop, id)).ok).toBe(true);
    expect((await message(id)).state).toBe("skipped");

    await t.prisma.shop.update({ where: { domain: shop }, data: { enabled: true } });
    expect(await retryMessage(t.deps, shop, id)).toMatchObject({ ok: true, state: "queued", skipReason: null });
    const row = await message(id);
    expect(row).toMatchObject({ state: "queued", recipient: SHIPPING_PHONE_E164, referenceId: "4001", skipReason: null, attempts: 0 });
    expect(row.bodyText).toContain("Thank you for your order #4001 from Sunrise Ceramics!");
    expect(await messageCount(shop)).toBe(1);
  });

  it("GIVEN a gift recipient's message skipped for want of their phone WHEN retried before, then after the phone is added THEN it stays theirs: skipped, then queued to them, worded for them", async () => {
    await makeAdminShop(t.deps, shop, { name: "Sunrise Ceramics" });
    await makeOrderState(t.deps.sql, shop, { id: "4010", name: "#4010", ...giftChanges(null) }, t.clock.now);
    const id = await makeMessage(t.deps.sql, shop, { orderId: "4010", orderStatus: "shipped", state: "skipped", recipient: null, bodyText: null, skipReason: "an older reason" });
    await t.prisma.message.update({ where: { id }, data: { audience: "gift_recipient" } });

    expect(await retryMessage(t.deps, shop, id)).toEqual({
      ok: true,
      state: "skipped",
      skipReason: "no WhatsApp number for the gift recipient: there is no phone on the shipping address",
      // The stored message had no text; the plan words it for the recipient.
      changed: ["message text", "order description"],
    });

    await makeOrderState(t.deps.sql, shop, { id: "4010", name: "#4010", ...giftChanges() }, t.clock.now);
    expect(await retryMessage(t.deps, shop, id)).toEqual({ ok: true, state: "queued", skipReason: null, changed: ["recipient"] });
    const row = await message(id);
    expect(row).toMatchObject({ state: "queued", audience: "gift_recipient", recipient: GIFT_RECIPIENT_PHONE_E164, recipientSource: "shipping_address" });
    expect(row.bodyText).toMatch(/^Hello,\nGood news: an order from Sunrise Ceramics is on its way to you\./);
    expect(await messageCount(shop)).toBe(1);
  });

  it("GIVEN a skipped message that still cannot be sent WHEN retried THEN it stays skipped with the reason as it is now", async () => {
    await makeAdminShop(t.deps, shop);
    await t.prisma.template.create({
      data: { shopDomain: shop, status: "shipped", enabled: false, body: "Shipped {{order_name}}", description: null },
    });
    await makeOrderState(t.deps.sql, shop, { id: "4002" }, t.clock.now);
    const id = await makeMessage(t.deps.sql, shop, { orderId: "4002", orderStatus: "shipped", state: "skipped", skipReason: "an older reason" });
    expect(await retryMessage(t.deps, shop, id)).toMatchObject({ ok: true, state: "skipped", skipReason: "the shipped template is switched off" });
    expect(await message(id)).toMatchObject({ state: "skipped", skipReason: "the shipped template is switched off" });
  });

  it("GIVEN a skipped message whose order the app no longer has WHEN retried THEN it stays skipped and says so", async () => {
    await makeAdminShop(t.deps, shop);
    const id = await makeMessage(t.deps.sql, shop, { orderId: "4003", state: "skipped", skipReason: "x" });
    expect(await retryMessage(t.deps, shop, id)).toMatchObject({ ok: true, state: "skipped", skipReason: "the app no longer has this order's details" });
  });

  it.each(["sent", "queued", "sending", "paused"])("GIVEN a %s message WHEN retried THEN it is refused and unchanged", async (state) => {
    await makeAdminShop(t.deps, shop);
    const id = await makeMessage(t.deps.sql, shop, { state, attempts: 2 });
    const before = await message(id);
    expect(await retryMessage(t.deps, shop, id)).toEqual({ ok: false, reason: "not_retryable" });
    expect(await message(id)).toEqual(before);
  });

  it("GIVEN another shop's failed message WHEN retried by this shop THEN it is not found and stays failed", async () => {
    const owner = `${shop}-owner`;
    await makeAdminShop(t.deps, owner);
    const id = await makeMessage(t.deps.sql, owner, { state: "failed" });
    expect(await retryMessage(t.deps, shop, id)).toEqual({ ok: false, reason: "not_found" });
    expect((await message(id)).state).toBe("failed");
  });
});
