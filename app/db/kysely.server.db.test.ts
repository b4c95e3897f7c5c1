import { describe, expect, it } from "vitest";
import { fileDatabase } from "../../tests/helpers/file-database";
import { queries } from "./kysely.server";

const { db: handle } = fileDatabase();

const at = new Date("2026-03-04T05:06:07.089Z");

describe("the query layer on the app's SQL handle", () => {
  it("GIVEN a shop written through it WHEN read back THEN dates are Date and booleans boolean, on either engine", async () => {
    await queries(handle)
      .insertInto("Shop")
      .values({ domain: "a.myshopify.com", enabled: true, installed: false, pausedAt: at, createdAt: at, updatedAt: at })
      .execute();

    const shop = await queries(handle).selectFrom("Shop").selectAll().where("domain", "=", "a.myshopify.com").executeTakeFirstOrThrow();

    expect(shop.enabled).toBe(true);
    expect(shop.installed).toBe(false);
    expect(shop.sendProcessingOnCreate).toBe(true);
    expect(shop.pausedAt).toEqual(at);
    expect(shop.uninstalledAt).toBeNull();
  });

  it("GIVEN an update WHEN it runs THEN it reports the rows it changed", async () => {
    const result = await queries(handle)
      .updateTable("Shop")
      .set({ enabled: false })
      .where("domain", "in", ["a.myshopify.com", "missing.myshopify.com"])
      .executeTakeFirst();
    expect(result.numUpdatedRows).toBe(1n);
  });

  it("GIVEN a transaction of the handle WHEN it fails after a write THEN the write is rolled back", async () => {
    await expect(
      handle.transaction(async (tx) => {
        await queries(tx).updateTable("Shop").set({ name: "Renamed" }).where("domain", "=", "a.myshopify.com").execute();
        throw new Error("stop");
      }),
    ).rejects.toThrow("stop");
    const shop = await queries(handle).selectFrom("Shop").select("name").where("domain", "=", "a.myshopify.com").executeTakeFirstOrThrow();
    expect(shop.name).toBeNull();
  });

  it("GIVEN Kysely's own transaction API WHEN used THEN it is refused: transactions belong to the handle", async () => {
    await expect(queries(handle).transaction().execute(async () => 1)).rejects.toThrow(/SqlDatabase.transaction/);
  });
});
