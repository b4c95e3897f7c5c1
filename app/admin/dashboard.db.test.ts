import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadDashboard, messageCounts, resumeSending } from "./dashboard.server";
import { makeMessage } from "../../tests/factories";
import { openAdminTestDatabase, makeAdminShop, type AdminTestDatabase } from "../../tests/helpers/admin-database";

let t: AdminTestDatabase;
let counter = 0;
let shop: string;
const SCOPES = { required: ["read_orders", "read_fulfillments"], granted: "read_orders,read_fulfillments" };

beforeAll(async () => {
  t = await openAdminTestDatabase();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(() => {
  shop = `home-${++counter}.myshopify.com`;
});

const daysAgo = (days: number) => new Date(t.clock.now.getTime() - days * 24 * 60 * 60 * 1000);

describe("Home", () => {
  it("GIVEN messages of the last week and older WHEN counted THEN only the last seven days count; waiting ones together", async () => {
    await makeAdminShop(t.deps, shop);
    for (const [state, age] of [["sent", 1], ["sent", 6.9], ["sent", 8], ["failed", 2], ["skipped", 3], ["queued", 0], ["sending", 0], ["paused", 1]] as const) {
      await makeMessage(t.deps.sql, shop, { orderId: `${state}-${age}`, state, createdAt: daysAgo(age) });
    }
    await makeMessage(t.deps.sql, `${shop}-other`, { state: "sent", createdAt: daysAgo(1) });
    expect(await messageCounts(t.deps, shop, daysAgo(7))).toEqual({ sent: 2, failed: 1, skipped: 1, queued: 3, paused: 1 });
  });

  it("GIVEN a week of messages with delivery receipts, most recent ones failing with 131047 WHEN Home loads THEN the rates count the answered ones and a banner names the spike", async () => {
    await makeAdminShop(t.deps, shop, { firstCallbackAt: daysAgo(6) });
    const outcomes: Array<[string, number, string | null]> = [
      ["read", 5, null], ["read", 5, null], ["delivered", 4, null], ["sent", 0.1, null], ["read", 9, null],
      ...Array.from({ length: 6 }, (_, i): [string, number, string | null] => ["failed", 1 - i / 10, JSON.stringify({ code: "131047" })]),
    ];
    for (const [i, [deliveryState, age, failure]] of outcomes.entries()) {
      await makeMessage(t.deps.sql, shop, { orderId: `d-${i}`, state: deliveryState === "failed" ? "failed" : "sent", deliveryState, failure, createdAt: daysAgo(age) });
    }
    const home = await loadDashboard(t.deps, shop, SCOPES);
    // The one read 9 days ago is outside the window; the one still at "sent" waits.
    expect(home.delivery).toEqual({ answered: 9, delivered: 3, read: 2, failed: 6, waiting: 1, deliveredPercent: 33, readPercent: 22 });
    expect(home.callbacksArrive).toBe(true);
    expect(home.banners.find((banner) => banner.id === "delivery_failures")?.lines[0]).toBe(
      "6 of the latest 9 messages WhatsApp answered for failed, most with error 131047.",
    );
  });

  it("GIVEN a shop that never opened Settings WHEN Home loads THEN an empty checklist and no banner, without creating a row", async () => {
    const home = await loadDashboard(t.deps, shop, SCOPES);
    expect(home.checklist.filter((item) => item.done)).toEqual([]);
    expect(home.banners).toEqual([]);
    expect(await t.prisma.shop.findUnique({ where: { domain: shop } })).toBeNull();
  });

  it("GIVEN a session without a scope the app needs WHEN Home loads THEN the missing permission is named", async () => {
    await makeAdminShop(t.deps, shop);
    const home = await loadDashboard(t.deps, shop, { ...SCOPES, granted: "read_orders" });
    expect(home.banners.map((banner) => banner.id)).toEqual(["missing_scopes"]);
  });

  it("GIVEN a low-balance pause WHEN the merchant resumes THEN the pause lifts and paused messages are queued", async () => {
    await makeAdminShop(t.deps, shop, { pausedReason: "low_balance", pausedCode: "E110" });
    const id = await makeMessage(t.deps.sql, shop, { state: "paused" });
    expect((await loadDashboard(t.deps, shop, SCOPES)).banners[0]?.lines).toContain("1 message is waiting.");
    expect(await resumeSending(t.deps, shop)).toEqual({ resumed: true, messages: 1 });
    expect((await t.prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).pausedReason).toBeNull();
    expect((await t.prisma.message.findUniqueOrThrow({ where: { id } })).state).toBe("queued");
  });

  it("GIVEN a shop paused since an uninstall WHEN the merchant resumes THEN it is installed again and sends", async () => {
    await makeAdminShop(t.deps, shop, { pausedReason: "uninstalled", installed: false });
    await makeMessage(t.deps.sql, shop, { state: "paused" });
    expect(await resumeSending(t.deps, shop)).toEqual({ resumed: true, messages: 1 });
    const row = await t.prisma.shop.findUniqueOrThrow({ where: { domain: shop } });
    expect(row).toMatchObject({ installed: true, pausedReason: null, uninstalledAt: null });
  });

  it("GIVEN a configuration-error pause WHEN resume is posted THEN nothing changes: fixing Settings lifts it", async () => {
    await makeAdminShop(t.deps, shop, { pausedReason: "config_error", pausedCode: "RBC001" });
    const id = await makeMessage(t.deps.sql, shop, { state: "paused" });
    expect(await resumeSending(t.deps, shop)).toEqual({ resumed: false, messages: 0 });
    expect((await t.prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).pausedReason).toBe("config_error");
    expect((await t.prisma.message.findUniqueOrThrow({ where: { id } })).state).toBe("paused");
  });
});
