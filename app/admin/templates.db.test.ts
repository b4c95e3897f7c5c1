import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ORDER_STATUSES } from "../kaleyra/statuses";
import { DEFAULT_TEMPLATES } from "../templates/defaults";
import { templateFieldName } from "./template-editing";
import { loadTemplates, saveTemplates } from "./templates.server";
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
  shop = `templates-${++counter}.myshopify.com`;
});

function posted(changes: Record<string, string> = {}): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const status of ORDER_STATUSES) {
    fields[templateFieldName(status, "enabled")] = "true";
    fields[templateFieldName(status, "body")] = DEFAULT_TEMPLATES[status].body;
    fields[templateFieldName(status, "description")] = DEFAULT_TEMPLATES[status].description;
  }
  return { ...fields, ...changes };
}

async function storedTemplates(domain: string) {
  return t.prisma.template.findMany({ where: { shopDomain: domain }, orderBy: { status: "asc" } });
}

describe("templates", () => {
  it("GIVEN a shop that saved nothing WHEN loaded THEN the five defaults, switched on, under the shop's handle", async () => {
    const page = await loadTemplates(t.deps, shop);
    expect(page.templates.map((tpl) => [tpl.status, tpl.enabled, tpl.description])).toEqual(
      ORDER_STATUSES.map((status) => [status, true, DEFAULT_TEMPLATES[status].description]),
    );
    expect(page.templates[2]?.body).toBe(DEFAULT_TEMPLATES.shipped.body);
    expect(page.shopName).toBe(shop.replace(".myshopify.com", ""));
    expect(page.reviewedAt).toBeNull();
  });

  it("GIVEN edits WHEN saved THEN all five are stored with the reviewed mark, and saving again updates the same rows", async () => {
    await makeAdminShop(t.deps, shop, { name: "Sunrise Ceramics" });
    expect(await saveTemplates(t.deps, shop, posted({ "shipped.body": "Shipped: {{order_name}}", "cancelled.enabled": "false", "completed.description": "" }))).toEqual({ ok: true });
    let rows = await storedTemplates(shop);
    expect(rows).toHaveLength(5);
    expect(rows.find((row) => row.status === "shipped")?.body).toBe("Shipped: {{order_name}}");
    expect(rows.find((row) => row.status === "cancelled")?.enabled).toBe(false);
    expect(rows.find((row) => row.status === "completed")?.description).toBeNull();
    const page = await loadTemplates(t.deps, shop);
    expect(page.reviewedAt).toBe(t.clock.now.toISOString());
    expect(page.shopName).toBe("Sunrise Ceramics");
    expect(page.templates.find((tpl) => tpl.status === "completed")).toMatchObject({ description: "" });

    const ids = rows.map((row) => row.id);
    await saveTemplates(t.deps, shop, posted({ "shipped.body": "Again {{order_name}}" }));
    rows = await storedTemplates(shop);
    expect(rows.map((row) => row.id)).toEqual(ids);
    expect(rows.find((row) => row.status === "shipped")?.body).toBe("Again {{order_name}}");
  });

  it("GIVEN one refused field WHEN saved THEN no template and no mark is stored", async () => {
    await makeAdminShop(t.deps, shop);
    await saveTemplates(t.deps, shop, posted({ "processing.body": "First {{order_name}}" }));
    const before = await storedTemplates(shop);
    const reviewedBefore = (await t.prisma.shop.findUnique({ where: { domain: shop } }))?.templatesReviewedAt;
    t.clock.now = new Date(t.clock.now.getTime() + 60_000);

    const result = await saveTemplates(t.deps, shop, posted({ "processing.body": "Second", "shipped.body": "Hi {{nope}}" }));
    expect(result).toEqual({ ok: false, errors: { "shipped.body": expect.stringContaining("Unknown variable {{nope}}") } });
    expect(await storedTemplates(shop)).toEqual(before);
    expect((await t.prisma.shop.findUnique({ where: { domain: shop } }))?.templatesReviewedAt).toEqual(reviewedBefore);
  });

  it("GIVEN a shop without a row yet WHEN templates are saved THEN the shop row is created with the mark", async () => {
    expect(await saveTemplates(t.deps, shop, posted())).toEqual({ ok: true });
    expect((await t.prisma.shop.findUnique({ where: { domain: shop } }))?.templatesReviewedAt).not.toBeNull();
  });
});
